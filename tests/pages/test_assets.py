"""Every script, stylesheet and font comes from the service's own /static."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import folium
import folium.plugins
import pytest
from apiflask import APIFlask

from geo_service import assets, create_app

ROOT = Path(__file__).resolve().parents[2]


class Links(HTMLParser):
    """Collects <script src> and <link href> of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")


def linked_urls(html: str) -> list[str]:
    """The script and stylesheet URLs an HTML page loads."""
    parser = Links()
    parser.feed(html)
    return parser.urls


def assert_all_local(urls: list[str]) -> None:
    """Every URL is a path on the service, the file is on disk, linked with its hash."""
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} names another host"
        assert parts.path.startswith("/static/"), url
        filename = parts.path.removeprefix("/static/")
        path = assets.STATIC_DIR / filename
        assert path.is_file(), f"{path} is missing: run scripts/bootstrap"
        # The hash lets browsers keep the file a year (delivery.py).
        assert parts.query == f"v={assets.file_version(filename)}", url


@pytest.fixture(scope="module", autouse=True)
def vendored() -> None:
    """The tests read the vendored files: scripts/bootstrap must have copied them."""
    missing = assets.missing_files()
    if missing:
        pytest.fail(f"vendored files missing ({missing[:3]}…): run scripts/bootstrap")


def plugin_map() -> folium.Map:
    """A map using everything folium would fetch from CDNs for our pages."""
    m = folium.Map(location=[30.09, 120.05], zoom_start=13)
    cluster = folium.plugins.MarkerCluster(name="venues").add_to(m)  # type: ignore[no-untyped-call]
    folium.Marker([30.09, 120.05], icon=folium.Icon(icon="mug-hot", prefix="fa")).add_to(cluster)
    folium.Marker([30.1, 120.06], popup=folium.Popup("x")).add_to(m)
    folium.PolyLine([[30.09, 120.05], [30.1, 120.06]]).add_to(m)  # type: ignore[no-untyped-call]
    folium.plugins.LocateControl().add_to(m)  # type: ignore[no-untyped-call]
    folium.plugins.Fullscreen().add_to(m)  # type: ignore[no-untyped-call]
    folium.LayerControl().add_to(m)
    return m


def test_a_localized_map_links_no_third_party_script_or_stylesheet() -> None:
    m = assets.localize(plugin_map())
    html = m.get_root().render()
    urls = linked_urls(html)
    assert_all_local(urls)
    for name in (
        "leaflet.js",
        "markercluster.js",
        "locatecontrol.js",
        "fullscreen.js",
        "fontawesome.css",
        "bootstrap.css",
        "jquery.js",
    ):
        assert assets.href(assets.FILES[name]) in urls, name


def test_a_map_rendered_before_localizing_is_rewritten_too() -> None:
    m = plugin_map()
    m.get_root().render()  # the CDN links are now in the header
    m = assets.localize(m)
    assert_all_local(linked_urls(m.get_root().render()))


def test_localize_leaves_folium_classes_as_they_were() -> None:
    before = list(folium.Map.default_js)
    assets.localize(folium.Map())
    assert folium.Map.default_js == before
    assert any(url.startswith("https://") for _, url in folium.Map.default_js)


def test_a_static_url_prefix_is_honoured() -> None:
    m = assets.localize(folium.Map(), static_url="/geo/static/")
    urls = linked_urls(m.get_root().render())
    assert urls and all(url.startswith("/geo/static/vendor/") for url in urls)


def test_an_unvendored_cdn_link_is_refused_rather_than_served() -> None:
    m = folium.Map()
    folium.plugins.Draw().add_to(m)  # type: ignore[no-untyped-call]
    with pytest.raises(assets.UnvendoredAssetError, match=r"leaflet\.draw"):
        assets.localize(m)


def test_every_mapped_cdn_url_has_a_file_on_disk() -> None:
    for url, name in assets.CDN_TO_LOCAL.items():
        local = assets.local_url(url)
        assert local is not None
        assert (assets.STATIC_DIR / assets.FILES[name]).is_file(), url
    assert assets.missing_files() == []


def test_swagger_ui_loads_from_static() -> None:
    app = create_app({"TESTING": True})
    html = app.test_client().get("/api/v1/docs").get_data(as_text=True)
    urls = linked_urls(html)
    assert any("swagger-ui-bundle.js" in url for url in urls)
    assert_all_local(urls)


def test_vendor_url_names_a_served_file() -> None:
    app = create_app({"TESTING": True})
    with app.test_request_context():
        url = assets.vendor_url("chart.js")
    assert app.jinja_env.globals["vendor_url"] is assets.vendor_url
    version = assets.file_version("vendor/chart.js/chart.umd.min.js")
    assert url == f"/static/vendor/chart.js/chart.umd.min.js?v={version}"
    response = app.test_client().get(url)
    assert response.status_code == 200
    response.close()


def test_the_npm_dependencies_are_pinned_and_locked() -> None:
    package = json.loads((ROOT / "frontend" / "package.json").read_text())
    lock = json.loads((ROOT / "frontend" / "package-lock.json").read_text())
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is not exact"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    copied = {p.npm for p in assets.PACKAGES}
    assert copied == set(package["dependencies"])


def test_vendoring_again_is_skipped_when_nothing_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_npm(*args: object, **kwargs: object) -> None:
        raise AssertionError("npm ran although the files are up to date")

    monkeypatch.setattr(subprocess, "run", no_npm)
    assert assets.vendor() is False


def test_the_app_serves_vendored_files_under_static() -> None:
    app: APIFlask = create_app({"TESTING": True})
    response = app.test_client().get("/static/" + assets.FILES["leaflet.js"])
    assert response.status_code == 200
    assert b"Leaflet" in response.data[:400]
    response.close()
