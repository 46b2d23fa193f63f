"""Browser libraries served by the service itself, never by a public CDN.

Many of our users are in mainland China, where the CDNs folium and APIFlask link to
are slow or blocked. `frontend/package.json` pins the libraries; `main()` (run by
`scripts/vendor_assets`, which `scripts/bootstrap` calls) installs them with npm and
copies the files the pages use into `geo_service/static/vendor/<package>/`.
`localize()` rewrites every CDN link of a folium map to those files and `init_app()`
does the same for Swagger UI at /api/v1/docs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, TypeVar

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink
from flask import Flask, current_app
from folium.elements import JSCSSMixin
from folium.plugins import Fullscreen, LocateControl, MarkerCluster
from werkzeug.security import safe_join

PACKAGE_DIR: Final = Path(__file__).resolve().parent
STATIC_DIR: Final = PACKAGE_DIR / "static"
VENDOR_DIR: Final = STATIC_DIR / "vendor"
FRONTEND_DIR: Final = PACKAGE_DIR.parent / "frontend"
STAMP: Final = VENDOR_DIR / ".stamp"


@dataclass(frozen=True)
class Package:
    """Files to copy from one npm package into static/vendor/<folder>/."""

    npm: str
    folder: str
    paths: tuple[str, ...]  # files or directories inside the npm package
    strip: str = ""  # leading directory dropped in the copy ("dist")


PACKAGES: Final = (
    Package("leaflet", "leaflet", ("dist/leaflet.js", "dist/leaflet.css", "dist/images"), "dist"),
    Package("jquery", "jquery", ("dist/jquery.min.js",), "dist"),
    Package(
        "bootstrap",
        "bootstrap",
        ("dist/js/bootstrap.bundle.min.js", "dist/css/bootstrap.min.css"),
        "dist",
    ),
    Package(
        "leaflet.awesome-markers",
        "leaflet.awesome-markers",
        ("dist/leaflet.awesome-markers.js", "dist/leaflet.awesome-markers.css", "dist/images"),
        "dist",
    ),
    Package("@fortawesome/fontawesome-free", "fontawesome-free", ("css/all.min.css", "webfonts")),
    Package(
        "leaflet.markercluster",
        "leaflet.markercluster",
        (
            "dist/leaflet.markercluster.js",
            "dist/MarkerCluster.css",
            "dist/MarkerCluster.Default.css",
        ),
        "dist",
    ),
    Package(
        "leaflet.locatecontrol",
        "leaflet.locatecontrol",
        ("dist/L.Control.Locate.min.js", "dist/L.Control.Locate.min.css"),
        "dist",
    ),
    Package(
        "leaflet.fullscreen",
        "leaflet.fullscreen",
        ("Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg"),
    ),
    Package(
        "swagger-ui-dist",
        "swagger-ui-dist",
        (
            "swagger-ui.css",
            "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js",
            "favicon-32x32.png",
        ),
    ),
    Package("chart.js", "chart.js", ("dist/chart.umd.min.js",), "dist"),
)

# Every file a page may link, by a short name, relative to the static folder.
FILES: Final = {
    "leaflet.js": "vendor/leaflet/leaflet.js",
    "leaflet.css": "vendor/leaflet/leaflet.css",
    "jquery.js": "vendor/jquery/jquery.min.js",
    "bootstrap.js": "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "bootstrap.css": "vendor/bootstrap/css/bootstrap.min.css",
    "awesome-markers.js": "vendor/leaflet.awesome-markers/leaflet.awesome-markers.js",
    "awesome-markers.css": "vendor/leaflet.awesome-markers/leaflet.awesome-markers.css",
    "fontawesome.css": "vendor/fontawesome-free/css/all.min.css",
    "markercluster.js": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markercluster.css": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markercluster-default.css": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "locatecontrol.js": "vendor/leaflet.locatecontrol/L.Control.Locate.min.js",
    "locatecontrol.css": "vendor/leaflet.locatecontrol/L.Control.Locate.min.css",
    "fullscreen.js": "vendor/leaflet.fullscreen/Control.FullScreen.js",
    "fullscreen.css": "vendor/leaflet.fullscreen/Control.FullScreen.css",
    "swagger-ui.css": "vendor/swagger-ui-dist/swagger-ui.css",
    "swagger-ui-bundle.js": "vendor/swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js": "vendor/swagger-ui-dist/swagger-ui-standalone-preset.js",
    "swagger-ui-favicon.png": "vendor/swagger-ui-dist/favicon-32x32.png",
    "chart.js": "vendor/chart.js/chart.umd.min.js",
    "gcj02.js": "js/gcj02.js",
    "points.js": "js/points.js",
    "maps.css": "css/maps.css",
}

# The links of folium's Map and of the plugins we use, by folium's own names for them,
# and the local file that replaces each. The URLs themselves are read from folium's
# classes (so this file names no CDN, and a folium upgrade that renames or adds a link
# fails here, at import, or in localize()). Versions may differ from the CDN's where
# npm has a newer compatible release (markercluster, awesome-markers).
_VENDORED: Final[dict[type[JSCSSMixin], dict[str, str]]] = {
    folium.Map: {
        "leaflet": "leaflet.js", "leaflet_css": "leaflet.css", "jquery": "jquery.js",
        "bootstrap": "bootstrap.js", "bootstrap_css": "bootstrap.css",
        "awesome_markers": "awesome-markers.js", "awesome_markers_css": "awesome-markers.css",
        "awesome_markers_font_css": "fontawesome.css",
    },
    MarkerCluster: {
        "markerclusterjs": "markercluster.js", "markerclustercss": "markercluster.css",
        "markerclusterdefaultcss": "markercluster-default.css",
    },
    LocateControl: {
        "Control_locate_min_js": "locatecontrol.js", "Control_locate_min_css": "locatecontrol.css",
    },
    Fullscreen: {
        "Control.Fullscreen.js": "fullscreen.js", "Control.FullScreen.css": "fullscreen.css",
    },
}
# Links folium's Map adds that our pages do without: Bootstrap 3's Glyphicons font (our
# markers use Font Awesome, see maps.py) and folium's icon-rotation sheet (we never
# rotate icons). Dropping them saves two requests on a phone.
_DROPPED_NAMES: Final = ("glyphicons_css", "awesome_rotate_css")


def _links(cls: type[JSCSSMixin]) -> dict[str, str]:
    """folium's name → URL for every script and stylesheet a class links."""
    return dict([*cls.default_js, *cls.default_css])


CDN_TO_LOCAL: Final = {
    _links(cls)[name]: local for cls, names in _VENDORED.items() for name, local in names.items()
}
DROPPED: Final = frozenset(_links(folium.Map)[name] for name in _DROPPED_NAMES)


class UnvendoredAssetError(LookupError):
    """A map links a third-party script or stylesheet we do not serve ourselves."""


@lru_cache(maxsize=1024)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """The first 12 hex digits of the file's SHA-256 (keyed by its stat: edits show)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:12]


def file_version(filename: str) -> str | None:
    """The content hash of a file under the static folder; None if there is none."""
    path = safe_join(str(STATIC_DIR), filename)
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _digest(path, st.st_mtime_ns, st.st_size) if os.path.isfile(path) else None


def href(filename: str, static_url: str = "/static") -> str:
    """The URL of a static file with its content hash, which browsers may cache a year.

    (delivery.py serves it so.) "vendor/leaflet/leaflet.js" →
    "/static/vendor/leaflet/leaflet.js?v=3f2a…".
    """
    version = file_version(filename)
    url = f"{static_url.rstrip('/')}/{filename}"
    return f"{url}?v={version}" if version else url


def local_url(url: str, static_url: str = "/static") -> str | None:
    """The local URL replacing a CDN URL; None when the link is dropped.

    Raises UnvendoredAssetError for a third-party URL we have no copy of, so a new
    plugin cannot silently bring a CDN back.
    """
    if url in DROPPED:
        return None
    if url.startswith("/") and not url.startswith("//"):
        return url
    name = CDN_TO_LOCAL.get(url)
    if name is None:
        raise UnvendoredAssetError(f"no local copy of {url}: add it to frontend/ and assets.py")
    return href(FILES[name], static_url)


def _localized(links: list[tuple[str, str]], static_url: str) -> list[tuple[str, str]]:
    """(name, url) pairs with local URLs, dropped links left out."""
    out = []
    for name, url in links:
        local = local_url(url, static_url)
        if local is not None:
            out.append((name, local))
    return out


def _walk(element: Element) -> Iterator[tuple[Element, str, Element]]:
    """(parent, key, child) for every element below `element`, depth first."""
    for key, child in list(element._children.items()):
        yield element, key, child
        yield from _walk(child)


def _walk_figure(root: Element) -> Iterator[tuple[Element, str, Element]]:
    """Like _walk, plus a Figure's header, html and script (attributes, not children)."""
    yield from _walk(root)
    if isinstance(root, Figure):
        for part in (root.header, root.html, root.script):
            yield from _walk(part)


E = TypeVar("E", bound=Element)


def localize(element: E, static_url: str = "/static") -> E:
    """Point every script and stylesheet of the element's figure at /static; in place.

    Call it on a map (or any element of it) after adding every layer and plugin and
    before rendering: each element's `default_js`/`default_css` is replaced on the
    instance (the class lists stay as folium ships them), and links already rendered
    into the header are rewritten too.
    """
    root = element.get_root()
    for el in (root, *(child for _, _, child in _walk_figure(root))):
        if isinstance(el, JSCSSMixin):
            el.default_js = _localized(el.default_js, static_url)
            el.default_css = _localized(el.default_css, static_url)
    for parent, key, child in _walk_figure(root):
        if isinstance(child, JavascriptLink | CssLink):
            local = local_url(child.url, static_url)
            if local is None:
                del parent._children[key]
            else:
                child.url = local
    return element


def static_url(filename: str) -> str:
    """For templates: the hashed URL of a file under the static folder."""
    return href(filename, current_app.static_url_path or "/static")


def vendor_url(name: str) -> str:
    """For templates: the hashed URL of a named file (see FILES), vendor_url('chart.js')."""
    return static_url(FILES[name])


def init_app(app: Flask) -> None:
    """Serve Swagger UI from /static; offer `vendor_url()`, `static_url()` to templates."""
    static = app.static_url_path or "/static"
    app.config.update(
        SWAGGER_UI_CSS=href(FILES["swagger-ui.css"], static),
        SWAGGER_UI_BUNDLE_JS=href(FILES["swagger-ui-bundle.js"], static),
        SWAGGER_UI_STANDALONE_PRESET_JS=href(FILES["swagger-ui-standalone-preset.js"], static),
        DOCS_FAVICON=href(FILES["swagger-ui-favicon.png"], static),
    )
    app.jinja_env.globals["vendor_url"] = vendor_url
    app.jinja_env.globals["static_url"] = static_url


# ---- installing: scripts/vendor_assets -----------------------------------------------


def missing_files() -> list[str]:
    """Named files that are not on disk under the static folder."""
    return sorted(path for path in FILES.values() if not (STATIC_DIR / path).is_file())


def _fingerprint() -> str:
    """What the vendored files depend on: the lock file and the copy list."""
    digest = hashlib.sha256((FRONTEND_DIR / "package-lock.json").read_bytes())
    digest.update(repr(PACKAGES).encode())
    return digest.hexdigest()


def _ensure_npm() -> str:
    """The npm executable, installed from Debian's packages when missing and root."""
    npm = shutil.which("npm")
    if npm:
        return npm
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nodejs", "npm"], check=True, env=env)
        npm = shutil.which("npm")
        if npm:
            return npm
    raise SystemExit("npm is needed to install the front-end files: install nodejs and npm")


def _source_map(path: Path) -> Path | None:
    """The source map a minified file names, when npm shipped it (saves 404s in devtools)."""
    if path.suffix not in {".js", ".css"}:
        return None
    tail = path.read_bytes()[-300:].decode("utf-8", "replace")
    marker = "sourceMappingURL="
    if marker not in tail:
        return None
    name = tail.rsplit(marker, 1)[1].split()[0].rstrip("*/").strip()
    candidate = path.parent / name
    return candidate if "/" not in name and candidate.is_file() else None


def _copy_package(package: Package, modules: Path) -> None:
    """Copy one package's files into static/vendor/<folder>/."""
    source_root = modules / package.npm
    for rel in package.paths:
        source = source_root / rel
        target_rel = Path(rel).relative_to(package.strip) if package.strip else Path(rel)
        target = VENDOR_DIR / package.folder / target_rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
            continue
        shutil.copy2(source, target)
        source_map = _source_map(source)
        if source_map is not None:
            shutil.copy2(source_map, target.parent / source_map.name)


def vendor(force: bool = False) -> bool:
    """Install frontend/ with npm and copy the files; False when already up to date."""
    fingerprint = _fingerprint()
    if (
        not force
        and STAMP.is_file()
        and STAMP.read_text().strip() == fingerprint
        and not missing_files()
    ):
        return False
    npm = _ensure_npm()
    # --ignore-scripts: no package needs a build step, and one (swagger-ui-dist's
    # analytics dependency) would otherwise phone home during the install.
    subprocess.run(
        [npm, "ci", "--prefix", str(FRONTEND_DIR), "--ignore-scripts", "--no-audit", "--no-fund"],
        check=True,
    )
    if VENDOR_DIR.exists():
        shutil.rmtree(VENDOR_DIR)
    modules = FRONTEND_DIR / "node_modules"
    for package in PACKAGES:
        _copy_package(package, modules)
    missing = missing_files()
    if missing:
        raise SystemExit(f"front-end files missing after the copy: {', '.join(missing)}")
    STAMP.write_text(fingerprint + "\n")
    return True


def main(argv: list[str] | None = None) -> int:
    """Command line: vendor the front-end files (--force to redo them)."""
    args = sys.argv[1:] if argv is None else argv
    changed = vendor(force="--force" in args)
    print("front-end files installed" if changed else "front-end files up to date")
    return 0
