"""Chinese first, English second; times in Asia/Shanghai; numbers for the language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from flask.testing import FlaskClient

from geo_service import create_app, i18n

TRANSLATIONS = i18n.TRANSLATIONS_DIR
PAGE = (
    "{{ html_lang() }}|{{ _('Gravel') }}|{{ 3500|distance }}|{{ 850|distance }}"
    "|{{ 8100|duration }}|{{ when|datetime_local('short') }}|{{ 12345.5|number }}"
)


@pytest.fixture(scope="module", autouse=True)
def compiled() -> None:
    """The tests read the compiled catalogues that scripts/bootstrap writes."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.fail(f"{mo} is missing or stale: run scripts/bootstrap")


@pytest.fixture()
def client() -> FlaskClient:
    """An app (no database needed) with one page using the filters."""
    app = create_app({"TESTING": True})

    @app.get("/probe")
    def probe() -> str:
        # 01:30 UTC is 09:30 in Shanghai
        return render_template_string(PAGE, when=datetime(2025, 5, 1, 1, 30, tzinfo=UTC))

    return app.test_client()


def fields(client: FlaskClient, url: str = "/probe", **headers: str) -> list[str]:
    """The probe page's fields for a request."""
    return client.get(url, headers=headers).get_data(as_text=True).split("|")


def test_chinese_is_the_default(client: FlaskClient) -> None:
    assert fields(client) == [
        "zh-CN",
        "碎石路",
        "3.5 公里",
        "850 米",
        "2 小时 15 分钟",
        "2025/5/1 09:30",
        "12,345.5",
    ]


def test_english_follows_the_browsers_language(client: FlaskClient) -> None:
    got = fields(client, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert got == [
        "en",
        "Gravel",
        "3.5 km",
        "850 m",
        "2 h 15 min",
        "5/1/25, 9:30\u202fAM",
        "12,345.5",
    ]


def test_any_chinese_outranks_a_lower_english(client: FlaskClient) -> None:
    assert fields(client, **{"Accept-Language": "zh-TW,en;q=0.5"})[0] == "zh-CN"


def test_a_language_we_do_not_speak_gets_chinese(client: FlaskClient) -> None:
    assert fields(client, **{"Accept-Language": "fr-FR"})[0] == "zh-CN"


def test_lang_parameter_wins_and_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    response = client.get("/probe?lang=en", headers={"Accept-Language": "zh-CN"})
    assert response.get_data(as_text=True).startswith("en|Gravel")
    assert "lang=en" in response.headers["Set-Cookie"]
    assert fields(client, **{"Accept-Language": "zh-CN"})[0] == "en"
    assert fields(client, "/probe?lang=zh", **{"Accept-Language": "en"})[:2] == ["zh-CN", "碎石路"]
    assert fields(client, **{"Accept-Language": "en"})[0] == "zh-CN"


def test_a_bad_lang_parameter_is_ignored(client: FlaskClient) -> None:
    response = client.get("/probe?lang=xx")
    assert response.get_data(as_text=True).startswith("zh-CN|")
    assert "Set-Cookie" not in response.headers


def test_html_answers_vary_by_language(client: FlaskClient) -> None:
    vary = client.get("/probe").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_times_are_shown_in_shanghai_outside_a_request_too() -> None:
    assert i18n.format_datetime("2025-05-01T23:30:00+00:00", "short") == "2025/5/2 07:30"
    assert i18n.format_date(datetime(2025, 5, 1, 17, 0, tzinfo=UTC)) == "2025年5月2日"
    assert i18n.format_time("2025-05-01T01:05:00Z") == "09:05"
    assert i18n.format_datetime(None) == ""


def test_distances_and_durations_read_naturally() -> None:
    assert i18n.format_distance(12) == "12 m"  # no app: the English source text
    assert i18n.format_distance(12_345) == "12.3 km"
    assert i18n.format_distance(1000) == "1 km"
    assert i18n.format_duration(45 * 60) == "45 min"
    assert i18n.format_duration(2 * 3600) == "2 h"


def test_every_message_has_a_chinese_translation() -> None:
    zh = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    with zh.open("rb") as f:
        catalog = read_po(f)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []  # fuzzy ones are left out of the compiled catalogue
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        template = read_po(f)
    assert {m.id for m in template if m.id} <= {m.id for m in catalog if m.id}


def test_the_catalogues_cover_every_string_in_the_code() -> None:
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[2]
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(root),
            method_map=[("geo_service/**.py", "python"), ("map_templates/**.html", "jinja2")],
        )
    }
    with (TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        known = {m.id for m in read_po(f) if m.id}
    assert found - known == set(), "run pybabel extract/update (see babel.cfg)"
