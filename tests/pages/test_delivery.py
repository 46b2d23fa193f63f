"""Responses travel compressed; static files are cached a year under their content hash."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path

import brotli
import pytest
from flask.testing import FlaskClient

from geo_service import assets
from geo_service.delivery import DAY, YEAR
from tests.helpers import YINHU
from tests.pages.test_pages import sample  # noqa: F401  (fixture)

LEAFLET = assets.FILES["leaflet.js"]


def test_a_page_is_compressed_for_a_browser_that_asks(
    client: FlaskClient, sample: dict[str, int],  # noqa: F811
) -> None:
    plain = client.get(f"/routes/{sample['route']}")
    zipped = client.get(f"/routes/{sample['route']}", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    html = gzip.decompress(zipped.data).decode()
    assert html.lower().startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert len(zipped.data) < len(plain.data) / 3


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_api_answers_are_compressed_and_say_the_same(
    client: FlaskClient, sample: dict[str, int], encoding: str,  # noqa: F811
) -> None:
    url = f"/api/v1/venues?lat={YINHU[1]}&lon={YINHU[0]}&radius_m=5000"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    raw = gzip.decompress(packed.data) if encoding == "gzip" else brotli.decompress(packed.data)
    assert json.loads(raw) == plain.get_json()
    assert plain.get_json()["total"] > 10


def test_a_gpx_download_is_compressed_too(
    client: FlaskClient, sample: dict[str, int],  # noqa: F811
) -> None:
    url = f"/api/v1/routes/{sample['route']}/gpx"
    plain = client.get(url)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Content-Disposition"] == plain.headers["Content-Disposition"]
    assert gzip.decompress(zipped.data) == plain.data


def test_a_range_of_a_static_file_is_sent_as_it_is(client: FlaskClient) -> None:
    response = client.get(
        assets.href(LEAFLET), headers={"Accept-Encoding": "gzip, deflate, br", "Range": "bytes=0-9999"}
    )
    assert response.status_code == 206 and "Content-Encoding" not in response.headers
    assert response.data == (assets.STATIC_DIR / LEAFLET).read_bytes()[:10000]
    response.close()


def test_compressed_api_answers_are_never_served_from_the_static_cache(
    client: FlaskClient, sample: dict[str, int],  # noqa: F811
) -> None:
    totals = []
    for radius in (5000, 1000, 5000, 1000):
        url = f"/api/v1/venues?lat={YINHU[1]}&lon={YINHU[0]}&radius_m={radius}"
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        totals.append(json.loads(gzip.decompress(response.data))["total"])
    assert totals[0] == totals[2] > totals[1] == totals[3]


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_asking_again_for_the_same_route_answers_304(
    client: FlaskClient, sample: dict[str, int], encoding: str,  # noqa: F811
) -> None:
    url = f"/api/v1/routes/{sample['route']}"
    headers = {"Accept-Encoding": encoding} if encoding else {}
    first = client.get(url, headers=headers)
    assert first.status_code == 200 and first.cache_control.no_cache
    again = client.get(url, headers=headers | {"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_changed_route_gets_a_new_etag(
    client: FlaskClient, sample: dict[str, int], make_token: Callable[..., str],  # noqa: F811
) -> None:
    url = f"/api/v1/routes/{sample['route']}"
    before = client.get(url).headers["ETag"]
    changed = client.put(f"{url}/friendliness", json={"kids": "unsuitable"},
                         headers={"Authorization": f"Bearer {make_token('admin')}"})
    assert changed.status_code == 200
    after = client.get(url, headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before
    assert after.get_json()["properties"]["friendliness"]["kids"]["level"] == "unsuitable"


def test_errors_and_tiny_answers_stay_plain(client: FlaskClient) -> None:
    missing = client.get("/api/v1/venues/999999", headers={"Accept-Encoding": "gzip"})
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
    assert missing.get_json()["error"]["code"] == "not_found"
    health = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in health.headers and health.get_json()["status"] == "ok"


def test_a_static_file_linked_with_its_hash_is_kept_a_year_and_compressed(
    client: FlaskClient,
) -> None:
    url = assets.href(LEAFLET)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.cache_control.max_age == YEAR and response.cache_control.immutable
    assert response.headers["Content-Encoding"] == "gzip"
    on_disk = (assets.STATIC_DIR / LEAFLET).read_bytes()
    assert gzip.decompress(response.data) == on_disk
    assert len(response.data) < len(on_disk) / 2
    again = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_static_file_without_its_current_hash_is_kept_a_day(
    client: FlaskClient, query: str
) -> None:
    response = client.get(f"/static/{LEAFLET}{query}")
    assert response.status_code == 200
    assert response.cache_control.max_age == DAY and not response.cache_control.immutable
    assert response.data == (assets.STATIC_DIR / LEAFLET).read_bytes()


def test_a_missing_static_file_is_a_404(client: FlaskClient) -> None:
    assert client.get("/static/js/nothing-here.js?v=1").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_an_edited_file_gets_a_new_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path)
    script = tmp_path / "app.js"
    script.write_text("console.log(1);\n")
    first = assets.href("app.js")
    script.write_text("console.log(2);\n")
    os.utime(script, ns=(1, 2))  # a new stat even on a coarse clock
    second = assets.href("app.js")
    assert first.startswith("/static/app.js?v=") and second.startswith("/static/app.js?v=")
    assert first != second
    assert assets.file_version("../app.js") is None
    assert assets.href("missing.js") == "/static/missing.js"
