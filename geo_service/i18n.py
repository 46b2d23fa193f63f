"""Chinese first, English second: locale choice, Asia/Shanghai times, display filters.

The locale is `?lang=zh|en` (remembered in a cookie), else that cookie, else the
browser's Accept-Language, else zh_CN. Catalogues live in geo_service/translations
(`.po` in git; `scripts/bootstrap` compiles the `.mo`). Babel reads "zh_CN" as
zh_Hans_CN (CLDR's full name), so that is the Chinese catalogue's folder name. The
filters also work outside a request (in zh_CN, Asia/Shanghai), so map builders and
tests can use them.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import babel.dates
import babel.numbers
import flask_babel
from babel import Locale
from flask import Flask, Response, has_app_context, has_request_context, request, url_for

LOCALES: Final = ("zh_CN", "en")
DEFAULT_LOCALE: Final = "zh_CN"
TIMEZONE: Final = "Asia/Shanghai"
LANG_COOKIE: Final = "lang"
LANG_COOKIE_MAX_AGE: Final = 365 * 24 * 3600
TRANSLATIONS_DIR: Final = Path(__file__).resolve().parent / "translations"

# Any Chinese (zh, zh-CN, zh-TW, zh-Hans…) gets our only Chinese catalogue.
_PRIMARY_TO_LOCALE: Final = {"zh": "zh_CN", "en": "en"}
_LOCALE_TO_PARAM: Final = {"zh_CN": "zh", "en": "en"}


def _from_tag(tag: str | None) -> str | None:
    """Our locale for a language tag or ?lang= value ("zh", "zh-TW", "en_US"), or None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return _PRIMARY_TO_LOCALE.get(primary)


def select_locale() -> str:
    """The request's locale: ?lang=, then the cookie, then Accept-Language, then zh_CN."""
    if not has_request_context():
        return DEFAULT_LOCALE
    for explicit in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        locale = _from_tag(explicit)
        if locale:
            return locale
    # Werkzeug lists the browser's languages best first; the first one we speak wins
    # (its own best_match would prefer an exact "en" over a "zh-TW" ranked above it).
    for tag, quality in request.accept_languages:
        locale = _from_tag(tag)
        if locale and quality > 0:
            return locale
    return DEFAULT_LOCALE


def select_timezone() -> str:
    """Every time is shown in Asia/Shanghai, wherever the reader is."""
    return TIMEZONE


def _remember_lang(response: Response) -> Response:
    """Keep an explicit ?lang= choice in a cookie; say that pages vary by language."""
    locale = _from_tag(request.args.get("lang"))
    if locale:
        response.set_cookie(
            LANG_COOKIE,
            _LOCALE_TO_PARAM[locale],
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
        )
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def current_locale() -> Locale:
    """The locale in force: the request's, or zh_CN outside a request."""
    locale = flask_babel.get_locale() if has_app_context() else None
    return locale if isinstance(locale, Locale) else Locale.parse(DEFAULT_LOCALE)


def html_lang() -> str:
    """The BCP 47 tag for <html lang>: "zh-CN" or "en"."""
    return "zh-CN" if current_locale().language == "zh" else "en"


def lang_url(lang: str) -> str:
    """The current page's URL in another language (`lang` is "zh" or "en")."""
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args["lang"] = lang
    return url_for(request.endpoint or "static", **(request.view_args or {}), **args)


def gettext(text: str, **variables: Any) -> str:
    """Translate `text` in the current locale; the text itself outside an app."""
    return str(flask_babel.gettext(text, **variables))


def _as_datetime(value: datetime | date | str) -> datetime | date:
    """A datetime or date from an ISO 8601 string (as the JSON API gives them)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value


def _aware(value: datetime) -> datetime:
    """A time-zone aware datetime; naive ones are UTC, as Flask-Babel assumes."""
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo("UTC"))


def format_datetime(value: datetime | str | None, fmt: str = "medium") -> str:
    """Date and time in Asia/Shanghai for the current locale; "" for None."""
    if value is None:
        return ""
    moment = _as_datetime(value)
    if not isinstance(moment, datetime):
        return format_date(moment, fmt)
    if has_request_context():
        return str(flask_babel.format_datetime(_aware(moment), fmt))
    return babel.dates.format_datetime(
        _aware(moment), fmt, tzinfo=ZoneInfo(TIMEZONE), locale=current_locale()
    )


def format_date(value: datetime | date | str | None, fmt: str = "medium") -> str:
    """The calendar date (in Asia/Shanghai for datetimes) for the current locale."""
    if value is None:
        return ""
    day = _as_datetime(value)
    if isinstance(day, datetime):
        day = _aware(day).astimezone(ZoneInfo(TIMEZONE)).date()
    if has_request_context():
        return str(flask_babel.format_date(day, fmt, rebase=False))
    return babel.dates.format_date(day, fmt, locale=current_locale())


def format_month(value: date | str | None) -> str:
    """A month as the language writes it: "2026年11月" / "November 2026"."""
    if value is None:
        return ""
    day = _as_datetime(value)
    return babel.dates.format_skeleton("yMMMM", day, locale=current_locale())


def format_time(value: datetime | time | str | None, fmt: str = "short") -> str:
    """The time of day (in Asia/Shanghai for datetimes) for the current locale."""
    if value is None:
        return ""
    moment: datetime | time
    if isinstance(value, str):
        moment = datetime.fromisoformat(value) if "T" in value else time.fromisoformat(value)
    else:
        moment = value
    if isinstance(moment, datetime):
        moment = _aware(moment).astimezone(ZoneInfo(TIMEZONE)).timetz()
    if has_request_context():
        return str(flask_babel.format_time(moment, fmt, rebase=False))
    return babel.dates.format_time(moment, fmt, locale=current_locale())


def format_number(value: float | int | None, fmt: str | None = None) -> str:
    """A number with the locale's separators ("1,234.5"); "" for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if has_request_context():
        return str(flask_babel.format_decimal(value, fmt))
    return babel.numbers.format_decimal(value, fmt, locale=current_locale())


def format_distance(metres: float | int | None) -> str:
    """A distance for people: "850 m" / "850 米" below 1 km, else "3.5 km" / "3.5 公里"."""
    if metres is None:
        return ""
    if abs(metres) < 1000:
        return gettext("%(value)s m", value=format_number(round(metres), "#,##0"))
    return gettext("%(value)s km", value=format_number(metres / 1000, "#,##0.#"))


def format_duration(seconds: float | int | None) -> str:
    """A walking time: "45 min" / "45 分钟", "2 h 15 min" / "2 小时 15 分钟"."""
    if seconds is None:
        return ""
    minutes = max(0, round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return gettext("%(minutes)s min", minutes=minutes)
    if minutes == 0:
        return gettext("%(hours)s h", hours=hours)
    return gettext("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)


FILTERS: Final = {
    "datetime_local": format_datetime,
    "date_local": format_date,
    "month_local": format_month,
    "time_local": format_time,
    "number": format_number,
    "distance": format_distance,
    "duration": format_duration,
}


def init_app(app: Flask) -> None:
    """Install Flask-Babel (zh_CN default, Asia/Shanghai), the filters and lang cookie."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    flask_babel.Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(html_lang=html_lang, lang_url=lang_url, locales=LOCALES)
    app.after_request(_remember_lang)
