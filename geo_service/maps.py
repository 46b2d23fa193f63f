"""Folium maps for the pages, built from the JSON API's shapes; no database, no request.

Inputs are plain dicts: a route Feature as GET /api/v1/routes/{id} returns it, venues
and events as GeoJSON Features (WGS-84). Labels go through Flask-Babel, so they follow
the request's language when there is one. Every string that came from a user is
escaped with `text()` before it reaches a popup or tooltip. `split_parts()` renders a
map into the header, body and script parts a Jinja page embeds.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final, TypedDict

import folium
import folium.plugins
from branca.element import Figure
from folium.elements import JSCSSMixin
from folium.template import Template
from folium.vector_layers import BaseMultiLocation
from markupsafe import Markup

from geo_service import assets
from geo_service.i18n import format_datetime, format_distance, gettext
from geo_service.labels import (
    condition_label,
    difficulty_label,
    surface_label,
    venue_type_label,
)
from geo_service.map_lines import Stretch, line_parts, simplify, split_by_surface
from geo_service.tiles import TileLayerDef, tile_layers

_ = gettext

# Colours told apart on OSM and AMap tiles and by most colour-blind readers; grey is
# kept for stretches whose surface nobody recorded.
SURFACE_COLOURS: Final = {
    "asphalt": "#37474f",
    "concrete": "#5c6bc0",
    "paving_stones": "#8e24aa",
    "wood": "#6d4c41",
    "compacted": "#f9a825",
    "gravel": "#ef6c00",
    "dirt": "#bf360c",
    "grass": "#43a047",
    "sand": "#d4b106",
    "rock": "#00838f",
    "steps": "#e53935",
}
UNKNOWN_COLOUR: Final = "#9e9e9e"
POOR_DASH: Final = "8 6"
LINE_WEIGHT: Final = 5
EN_DASH: Final = "\u2013"
YINHU_CENTRE: Final = (30.09, 120.05)  # lat, lon: where an empty map looks

# Font Awesome 6 icons (awesome-markers, prefix "fa"); never Glyphicons, which
# assets.py does not serve.
_VENUE_ICONS: Final = {
    "cafe": "mug-hot",
    "community_room": "people-roof",
    "bookstore": "book",
    "park_pavilion": "tree",
    "coworking": "laptop",
    "sports_ground": "futbol",
    "trailhead": "person-hiking",
    "restaurant": "utensils",
    "library": "book-open",
    "tea_house": "mug-saucer",
}
# GPX <sym>/<type> are free text ("Drinking Water", "Restroom"): match on words in them.
_WAYPOINT_ICONS: Final = (
    (("water", "drink", "饮水", "水"), "droplet"),
    (("toilet", "restroom", "wc", "厕所", "卫生间"), "restroom"),
    (("view", "scenic", "观景", "景"), "binoculars"),
    (("summit", "peak", "山顶"), "mountain"),
    (("parking", "停车"), "square-parking"),
    (("bus", "公交"), "bus"),
    (("shelter", "亭"), "house"),
)


def text(value: object) -> str:
    """User text made safe inside HTML and inside folium's JS template literals.

    html.escape covers the HTML; folium puts popup and tooltip HTML between backticks,
    where a backtick, "${" or a trailing backslash would break out, so those become
    character references too.
    """
    escaped = html.escape("" if value is None else str(value), quote=True)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


class PageMap(folium.Map):
    """A folium Map meant to sit inside our page: no page-wide styles or viewport tag.

    folium's own header sets `html, body {height: 100%; margin: 0}` and a zoom-locking
    viewport for a stand-alone document; the page's base template owns those.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>
                #{{ this.get_name() }} {
                    position: {{ this.position }};
                    width: {{ this.width[0] }}{{ this.width[1] }};
                    height: {{ this.height[0] }}{{ this.height[1] }};
                    left: {{ this.left[0] }}{{ this.left[1] }};
                    top: {{ this.top[0] }}{{ this.top[1] }};
                }
                .leaflet-container { font-size: {{ this.font_size }}; }
            </style>
            <script>
                L_NO_TOUCH = {{ this.global_switches.no_touch|tojson }};
                L_DISABLE_3D = {{ this.global_switches.disable_3d|tojson }};
            </script>
        {% endmacro %}
        {% macro html(this, kwargs) %}{{ folium_map.html(this, kwargs) }}{% endmacro %}
        {% macro script(this, kwargs) %}{{ folium_map.script(this, kwargs) }}{% endmacro %}
        """
    )
    _template.globals["folium_map"] = folium.Map._template.module


class Legend(JSCSSMixin):
    """A Leaflet control showing `legend_html` (already escaped) in a corner."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "yinhu-legend");
                div.innerHTML = {{ this.legend_html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, position: str = "bottomleft", static_url: str = "/static"):
        """A legend holding `legend_html` (trusted markup) at a map corner."""
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.legend_html = legend_html
        self.position = position
        self.default_css = [("yinhu_maps_css", assets.href(assets.FILES["maps.css"], static_url))]


class Gcj02Hook(JSCSSMixin):
    """Loads gcj02.js and redraws the map's overlays in GCJ-02 on a GCJ-02 base layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        // Deferred so that overlays added to the map after this element exist by then.
        window.setTimeout(function () {
            Gcj02.attach({{ this._parent.get_name() }}, [{{ this.overlay_names()|join(", ") }}]);
        }, 0);
        {% endmacro %}
        """
    )

    def __init__(self, static_url: str = "/static"):
        """The hook, loading gcj02.js from `static_url`."""
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Gcj02Hook"
        self.default_js = [("yinhu_gcj02", assets.href(assets.FILES["gcj02.js"], static_url))]

    def overlay_names(self) -> list[str]:
        """JS names of the parent map's data layers (not tiles, not controls)."""
        parent = self._parent
        if parent is None:
            return []
        data_layers = (folium.map.Layer, folium.Marker, BaseMultiLocation)
        return [
            child.get_name()
            for child in parent._children.values()
            if isinstance(child, data_layers) and not isinstance(child, folium.TileLayer)
        ]


class SurfaceLine(folium.FeatureGroup):
    """The route's line as one layer: a polyline per stretch, coloured by surface.

    The stretches travel as one compact JSON array rather than one folium PolyLine each
    (whose options and tooltip cost ~700 bytes apiece), which keeps a route with
    hundreds of surface segments light.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup({{ this.options|tojavascript }});
        {{ this.stretches|tojson }}.forEach(function (s) {
            L.polyline(s.c, {color: s.k, weight: {{ this.weight }}, opacity: 0.9,
                             dashArray: s.d || null})
                .bindTooltip(s.t, {sticky: true})
                .addTo({{ this.get_name() }});
        });
        {% endmacro %}
        """
    )

    def __init__(self, stretches: Sequence[Stretch], name: str, weight: int = LINE_WEIGHT):
        """A layer drawing `stretches` (WGS-84), named `name` in the layer control."""
        super().__init__(name=name)
        self._name = "SurfaceLine"
        self.weight = weight
        self.stretches = [
            {
                "c": [[lat, lon] for lon, lat in s.coords.tolist()],
                "k": SURFACE_COLOURS.get(s.surface or "", UNKNOWN_COLOUR),
                "d": POOR_DASH if s.condition == "poor" else "",
                "t": _stretch_tooltip(s),
            }
            for s in stretches
        ]


def add_tiles(m: folium.Map, layers: Sequence[TileLayerDef]) -> None:
    """Add the tile layers: the first base layer is shown, the others are choices."""
    first_base = True
    for layer in layers:
        show = layer.show if layer.overlay else first_base
        first_base = first_base and layer.overlay
        options: dict[str, Any] = {"gcj02": True} if layer.gcj02 else {}
        folium.TileLayer(
            tiles=layer.url,
            attr=layer.attribution,
            name=layer.name,
            max_zoom=layer.max_zoom,
            subdomains=layer.subdomains or "abc",
            overlay=layer.overlay,
            show=show,
            **options,
        ).add_to(m)


def add_controls(m: folium.Map, static_url: str = "/static") -> None:
    """Locate-me, fullscreen and layer controls, then the GCJ-02 hook; call last."""
    folium.plugins.LocateControl(  # type: ignore[no-untyped-call]
        auto_start=False,
        flyTo=True,
        keepCurrentZoomLevel=False,
        strings={"title": _("Show where I am")},
    ).add_to(m)
    folium.plugins.Fullscreen(  # type: ignore[no-untyped-call]
        position="topleft", title=_("Full screen"), title_cancel=_("Exit full screen")
    ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    Gcj02Hook(static_url).add_to(m)


def _marker(
    lon: float, lat: float, icon: str, colour: str, tooltip: str, popup: str | None = None
) -> folium.Marker:
    """A marker whose tooltip and popup are already-escaped HTML."""
    return folium.Marker(
        location=[lat, lon],
        icon=folium.Icon(color=colour, icon=icon, prefix="fa"),
        tooltip=folium.Tooltip(tooltip, sticky=False),
        popup=folium.Popup(popup, max_width=260) if popup else None,
    )


def _popup(title: str, *lines: str) -> str:
    """Popup HTML from an escaped title and escaped lines."""
    body = "".join(f"<div>{line}</div>" for line in lines if line)
    return f'<div class="yinhu-popup"><div class="title">{title}</div>{body}</div>'


def _stretch_tooltip(stretch: Stretch) -> str:
    """The stretch's surface, condition and where it runs, escaped."""
    parts = [surface_label(stretch.surface), condition_label(stretch.condition)]
    parts.append(f"{format_distance(stretch.start_m)} {EN_DASH} {format_distance(stretch.end_m)}")
    return text(" · ".join(p for p in parts if p))


def _legend_html(stretches: Sequence[Stretch]) -> str:
    """One swatch per surface drawn, in vocabulary order, unknown last."""
    drawn = {s.surface for s in stretches}
    rows = [
        (SURFACE_COLOURS[name], surface_label(name)) for name in SURFACE_COLOURS if name in drawn
    ]
    if None in drawn or drawn - SURFACE_COLOURS.keys() - {None}:
        rows.append((UNKNOWN_COLOUR, surface_label(None)))
    items = [
        f'<div><span class="swatch" style="background:{colour}"></span>{text(label)}</div>'
        for colour, label in rows
    ]
    if any(s.condition == "poor" for s in stretches):
        items.append(
            f'<div><span class="swatch poor" style="background:{UNKNOWN_COLOUR}"></span>'
            f"{text(condition_label('poor'))}</div>"
        )
    heading = text(_("Surface"))
    return f'<div class="title"><b>{heading}</b></div>' + "".join(items)


def _add_ends(group: folium.FeatureGroup, stretches: Sequence[Stretch], is_loop: bool) -> None:
    """Start and end markers (one "start & finish" marker on a loop)."""
    first = stretches[0].coords[0]
    last = stretches[-1].coords[-1]
    if is_loop:
        label = text(_("Start & finish"))
        _marker(first[0], first[1], "rotate", "green", label, _popup(label)).add_to(group)
        return
    start, end = text(_("Start")), text(_("End"))
    _marker(first[0], first[1], "play", "green", start, _popup(start)).add_to(group)
    _marker(last[0], last[1], "flag-checkered", "darkred", end, _popup(end)).add_to(group)


def _waypoint_icon(kind: str | None) -> str:
    """A Font Awesome icon for a free-text GPX waypoint kind."""
    words = (kind or "").lower()
    for keys, icon in _WAYPOINT_ICONS:
        if any(key in words for key in keys):
            return icon
    return "location-dot"


def waypoints_layer(waypoints: Sequence[Mapping[str, Any]]) -> folium.FeatureGroup:
    """The route's waypoints (serializers.waypoint shape: name, kind, coordinates)."""
    group = folium.FeatureGroup(name=_("Waypoints"))
    for wp in waypoints:
        lon, lat = wp["coordinates"][0], wp["coordinates"][1]
        name = text(wp.get("name") or _("Waypoint"))
        popup = _popup(name, text(wp.get("kind") or ""), text(wp.get("description") or ""))
        _marker(lon, lat, _waypoint_icon(wp.get("kind")), "cadetblue", name, popup).add_to(group)
    return group


def script_json(value: Any) -> Markup:
    """JSON safe anywhere inside a <script>: as Jinja's tojson (<, >, &, ' escaped), and
    the backtick and dollar of JS template literals too."""
    text_ = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    for char in "<>&'`$":
        text_ = text_.replace(char, f"\\u{ord(char):04x}")
    return Markup(text_)


class PointMarkers(JSCSSMixin, folium.map.Layer):
    """Many markers as one layer: one compact JSON array drawn by static/js/points.js.

    Each row is `[lat, lon, id, name, kind, line…]` (WGS-84). Names and lines are plain
    text, put in the page by points.js with textContent, never read as HTML; `kinds`
    maps a kind to its [Font Awesome icon, marker colour]; `href` links a row's id.
    A folium Marker with its icon, tooltip and popup costs ~1.7 KB; a row ~100 bytes.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = YinhuPoints.layer({{ this.rows_json }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        kinds: Mapping[str, tuple[str, str]],
        name: str,
        href: str | None = None,
        clustered: bool = False,
        static_url: str = "/static",
    ):
        """A layer named `name` of `rows`, clustered with Leaflet.markercluster if asked."""
        super().__init__(name=name, overlay=True)
        self._name = "PointMarkers"
        self.rows = [list(row) for row in rows]
        used = {row[4] for row in self.rows}
        self.config = {
            "kinds": {k: list(v) for k, v in kinds.items() if k in used or k == ""},
            "href": href,
            "cluster": clustered,
        }
        self.default_js = [("yinhu_points", assets.href(assets.FILES["points.js"], static_url))]
        self.default_css = []
        if clustered:
            self.default_js.insert(
                0, ("markerclusterjs", assets.href(assets.FILES["markercluster.js"], static_url)))
            self.default_css = [
                ("markerclustercss", assets.href(assets.FILES["markercluster.css"], static_url)),
                ("markerclusterdefaultcss",
                 assets.href(assets.FILES["markercluster-default.css"], static_url)),
            ]

    @property
    def rows_json(self) -> Markup:
        """The rows as script-safe JSON."""
        return script_json(self.rows)

    @property
    def config_json(self) -> Markup:
        """The kinds, link and clustering as script-safe JSON."""
        return script_json(self.config)


def _point(feature: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lat, lon) of a Point Feature, else None."""
    geometry = feature.get("geometry") or {}
    if geometry.get("type") != "Point":
        return None
    return float(geometry["coordinates"][1]), float(geometry["coordinates"][0])


def venues_layer(
    venues: Sequence[Mapping[str, Any]],
    venue_href: str = "/venues/{id}",
    clustered: bool = False,
    static_url: str = "/static",
) -> PointMarkers:
    """Venue Features (name, type, capacity, distance_m, along_m) as markers."""
    rows: list[list[Any]] = []
    for venue in venues:
        where = _point(venue)
        if where is None:
            continue
        props = venue.get("properties") or {}
        facts = [venue_type_label(props.get("type"))]
        if props.get("capacity") is not None:
            facts.append(_("up to %(n)s people", n=props["capacity"]))
        along = []
        if props.get("distance_m") is not None:
            along.append(_("%(d)s from the route", d=format_distance(props["distance_m"])))
        if props.get("along_m") is not None:
            along.append(_("at %(d)s along it", d=format_distance(props["along_m"])))
        lines = [" · ".join(f for f in facts if f), " · ".join(along)]
        rows.append([*where, venue.get("id"), props.get("name") or _("Venue"),
                     props.get("type") or "", *[line for line in lines if line]])
    kinds = {kind: (icon, "purple") for kind, icon in _VENUE_ICONS.items()}
    kinds[""] = ("location-dot", "purple")
    return PointMarkers(rows, kinds, _("Venues"), venue_href,
                        clustered, static_url)


def events_layer(
    events: Sequence[Mapping[str, Any]],
    event_href: str = "/events/{id}",
    static_url: str = "/static",
) -> PointMarkers:
    """Event Features (Point where it meets; title, starts_at) as markers."""
    rows: list[list[Any]] = []
    for event in events:
        where = _point(event)
        if where is None:
            continue  # an event on a route with no meeting point has no spot of its own
        props = event.get("properties") or {}
        name = props.get("title") or props.get("name") or _("Event")
        rows.append([*where, event.get("id"), name, "event",
                     format_datetime(props.get("starts_at"), "short")])
    return PointMarkers(rows, {"event": ("calendar-days", "orange")}, _("Events"), event_href,
                        static_url=static_url)


def route_map(
    route: Mapping[str, Any],
    venues: Sequence[Mapping[str, Any]] = (),
    events: Sequence[Mapping[str, Any]] = (),
    tiles: Sequence[TileLayerDef] | None = None,
    *,
    static_url: str = "/static",
    venue_href: str = "/venues/{id}",
    event_href: str = "/events/{id}",
) -> folium.Map:
    """The route page's map: the line coloured by surface, ends, waypoints, venues, events.

    `route` is the Feature of GET /api/v1/routes/{id}; the line is simplified in metres
    so the page stays light whatever the track's size. `tiles` defaults to the layers
    `tiles.tile_layers({})` gives (OpenStreetMap, AMap).
    """
    props = route.get("properties") or {}
    stretches = simplify(split_by_surface(route["geometry"], props.get("surface_segments") or []))
    if not stretches:
        raise ValueError("the route has no line to draw")
    lons = [c for s in stretches for c in s.coords[:, 0].tolist()]
    lats = [c for s in stretches for c in s.coords[:, 1].tolist()]
    m = PageMap(
        location=[(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2],
        zoom_start=14,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,  # one canvas draws a long line faster than many SVG paths
    )
    add_tiles(m, tile_layers({}, _) if tiles is None else tiles)
    line = SurfaceLine(stretches, name=_("Route"))
    line.add_to(m)
    _add_ends(line, stretches, bool(props.get("is_loop")))
    if props.get("waypoints"):
        waypoints_layer(props["waypoints"]).add_to(m)
    if venues:
        venues_layer(venues, venue_href, static_url=static_url).add_to(m)
    if events:
        events_layer(events, event_href, static_url).add_to(m)
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    Legend(_legend_html(stretches), static_url=static_url).add_to(m)
    add_controls(m, static_url)
    return assets.localize(m, static_url)


class MapParts(TypedDict):
    """A rendered map in the pieces a page template places: head, body, script."""

    header: Markup
    html: Markup
    script: Markup


def split_parts(m: folium.Map, static_url: str = "/static") -> MapParts:
    """Render the map (CDN links made local) into its header, map div and script."""
    assets.localize(m, static_url)
    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError("the map is not in a folium Figure")
    # The stand-alone document's charset tag; the page declares its own.
    root.header._children.pop("meta_http", None)
    root.render()
    return MapParts(
        header=Markup(root.header.render()),
        html=Markup(root.html.render()),
        script=Markup(root.script.render()),
    )


class RouteLines(folium.FeatureGroup):
    """Several routes' (already simplified) lines as one layer, each linking to its page.

    Lines travel as one compact JSON array; tooltips and popups are escaped HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup({{ this.options|tojavascript }});
        {{ this.routes|tojson }}.forEach(function (r) {
            L.polyline(r.c, {color: r.k, weight: {{ this.weight }}, opacity: 0.85})
                .bindTooltip(r.t, {sticky: true})
                .bindPopup(r.p)
                .addTo({{ this.get_name() }});
        });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        routes: Sequence[Mapping[str, Any]],
        name: str,
        route_href: str = "/routes/{id}",
        colour: str = "#1565c0",
        weight: int = 4,
    ):
        """A layer drawing route Features (list items of GET /api/v1/routes)."""
        super().__init__(name=name)
        self._name = "RouteLines"
        self.weight = weight
        self.routes: list[dict[str, Any]] = []
        for route in routes:
            parts = line_parts(route.get("geometry") or {})
            if not parts:
                continue
            props = route.get("properties") or {}
            name_html = text(props.get("name") or _("Route"))
            title = name_html
            if route.get("id") is not None:
                title = f'<a href="{text(route_href.format(id=route["id"]))}">{name_html}</a>'
            facts = [
                text(format_distance(props.get("length_m"))),
                text(difficulty_label(props.get("difficulty"))),
            ]
            self.routes.append(
                {
                    "c": [[[lat, lon] for lon, lat in part[:, :2].tolist()] for part in parts],
                    "k": colour,
                    "t": name_html,
                    "p": _popup(title, " · ".join(f for f in facts if f)),
                }
            )

    def bounds(self) -> list[list[float]]:
        """[[lat, lon], …] of every drawn point (for fitting the map)."""
        return [pt for r in self.routes for part in r["c"] for pt in part]


def _page_map(points: Sequence[Sequence[float]], tiles: Sequence[TileLayerDef] | None,
              zoom: int = 14) -> PageMap:
    """An empty page map around `points` ([lat, lon]), Yinhu when there are none."""
    lats = [p[0] for p in points] or [YINHU_CENTRE[0]]
    lons = [p[1] for p in points] or [YINHU_CENTRE[1]]
    m = PageMap(
        location=[(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2],
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
    )
    add_tiles(m, tile_layers({}, _) if tiles is None else tiles)
    if len(points) > 1 and (min(lats) != max(lats) or min(lons) != max(lons)):
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    return m


def _feature_points(features: Sequence[Mapping[str, Any]]) -> list[list[float]]:
    """[lat, lon] of the Point Features among `features`."""
    out = []
    for f in features:
        geometry = f.get("geometry") or {}
        if geometry.get("type") == "Point":
            out.append([geometry["coordinates"][1], geometry["coordinates"][0]])
    return out


def overview_map(
    routes: Sequence[Mapping[str, Any]] = (),
    venues: Sequence[Mapping[str, Any]] = (),
    events: Sequence[Mapping[str, Any]] = (),
    tiles: Sequence[TileLayerDef] | None = None,
    *,
    static_url: str = "/static",
) -> folium.Map:
    """The overview: routes (simplified lines), venues (clustered) and events."""
    lines = RouteLines(routes, name=_("Routes"))
    points = lines.bounds() + _feature_points(venues) + _feature_points(events)
    m = _page_map(points, tiles, zoom=13)
    if lines.routes:
        lines.add_to(m)
    if venues:
        venues_layer(venues, clustered=True, static_url=static_url).add_to(m)
    if events:
        events_layer(events, static_url=static_url).add_to(m)
    add_controls(m, static_url)
    return assets.localize(m, static_url)


def place_map(
    venues: Sequence[Mapping[str, Any]] = (),
    routes: Sequence[Mapping[str, Any]] = (),
    events: Sequence[Mapping[str, Any]] = (),
    tiles: Sequence[TileLayerDef] | None = None,
    *,
    static_url: str = "/static",
) -> folium.Map:
    """A venue's or an event's map: the venue(s), route(s) and event spot(s) together."""
    lines = RouteLines(routes, name=_("Route"), colour="#c62828", weight=5)
    points = lines.bounds() + _feature_points(venues) + _feature_points(events)
    m = _page_map(points, tiles, zoom=16)
    if lines.routes:
        lines.add_to(m)
    if venues:
        venues_layer(venues, static_url=static_url).add_to(m)
    if events:
        events_layer(events, static_url=static_url).add_to(m)
    add_controls(m, static_url)
    return assets.localize(m, static_url)
