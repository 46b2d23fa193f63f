"""The base maps the pages offer: OpenStreetMap, Tianditu (WGS-84) and AMap (GCJ-02).

Pure data: `tile_layers(config)` returns plain definitions; `maps.py` turns them into
folium layers. Tiles are images fetched by the browser, so unlike scripts and styles
they may come from the providers themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote


def _(text: str) -> str:
    """Mark a layer name for extraction; the caller translates it (see `translate`)."""
    return text


@dataclass(frozen=True)
class TileLayerDef:
    """One tile layer: a Leaflet URL template and what Leaflet needs to draw it."""

    key: str
    name: str
    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18
    # True when the provider draws China in GCJ-02: overlays must be shifted on it.
    gcj02: bool = False
    # An overlay (labels) drawn over a base layer rather than a base layer itself.
    overlay: bool = False
    show: bool = True


OSM = TileLayerDef(
    key="osm",
    name=_("OpenStreetMap"),
    url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    " contributors",
    subdomains="",
    max_zoom=19,
)

# Tianditu's "_w" services are Web Mercator tiles in CGCS2000, which agrees with WGS-84
# to centimetres, so our WGS-84 data sits on them unshifted.
_TIANDITU = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
    "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
_TIANDITU_ATTRIBUTION = '&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a>'

AMAP = TileLayerDef(
    key="amap",
    name=_("AMap (Gaode)"),
    url="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}",
    attribution='&copy; <a href="https://www.amap.com/">高德地图 AutoNavi</a>',
    subdomains="1234",
    gcj02=True,
)


def _tianditu(key: str) -> list[TileLayerDef]:
    """Tianditu vector and imagery base layers plus their Chinese labels."""
    token = quote(key, safe="")
    common: dict[str, Any] = {
        "attribution": _TIANDITU_ATTRIBUTION,
        "subdomains": "01234567",
        "max_zoom": 18,
    }
    return [
        TileLayerDef(
            key="tianditu_vec",
            name=_("Tianditu map"),
            url=_TIANDITU.format(layer="vec", key=token),
            **common,
        ),
        TileLayerDef(
            key="tianditu_img",
            name=_("Tianditu imagery"),
            url=_TIANDITU.format(layer="img", key=token),
            **common,
        ),
        # Tianditu serves place names as a separate transparent layer.
        TileLayerDef(
            key="tianditu_labels",
            name=_("Tianditu labels"),
            url=_TIANDITU.format(layer="cva", key=token),
            overlay=True,
            show=False,
            **common,
        ),
    ]


def tile_layers(
    config: Mapping[str, Any], translate: Callable[[str], str] = _
) -> list[TileLayerDef]:
    """The layers to offer, default first; Tianditu only when TIANDITU_KEY is set."""
    layers = [OSM]
    key = str(config.get("TIANDITU_KEY") or "").strip()
    if key:
        layers.extend(_tianditu(key))
    layers.append(AMAP)
    return [replace(layer, name=translate(layer.name)) for layer in layers]
