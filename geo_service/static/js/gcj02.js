/*
 * WGS-84 <-> GCJ-02 for the map pages; the same formulas as geo_service/gcj02.py
 * (tests/pages/test_gcj02.py runs both and compares them). No build step: this file
 * is served as is from /static/js/gcj02.js.
 *
 * Window.Gcj02.toGcj(lon, lat) -> [lon, lat]   WGS-84 to GCJ-02 (identity outside China)
 * Window.Gcj02.toWgs(lon, lat) -> [lon, lat]   GCJ-02 to WGS-84, exact inverse by iteration
 * Window.Gcj02.attach(map, layers)             keep `layers` drawn in the base layer's datum
 * Window.Gcj02.toWgsLatLng(map, latlng)        a position picked on the map, in WGS-84
 *
 * All our data is WGS-84. A tile layer whose options say `gcj02: true` (AMap/Gaode)
 * draws China 300-600 m away from WGS-84, so while such a base layer is shown every
 * managed overlay is redrawn at its GCJ-02 position. Each layer keeps its original
 * WGS-84 coordinates, so switching back and forth never drifts. The map also fires
 * `wgs84click` and `wgs84locationfound` events whose `latlng` is WGS-84 whatever the
 * base layer: page code should use those rather than `click` / `locationfound`.
 */
(function (root) {
  "use strict";

  var A = 6378245.0;
  var EE = 0.00669342162296594323;
  var PI = Math.PI;
  // Published bounding box: outside it the providers draw WGS-84 unchanged.
  var MIN_LON = 72.004, MAX_LON = 137.8347, MIN_LAT = 0.8293, MAX_LAT = 55.8271;
  var INVERSE_TOLERANCE_DEG = 1e-10;
  var INVERSE_MAX_STEPS = 30;

  function inChina(lon, lat) {
    return lon >= MIN_LON && lon <= MAX_LON && lat >= MIN_LAT && lat <= MAX_LAT;
  }

  function transformLat(x, y) {
    var ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    ret += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    ret += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    ret += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    return ret;
  }

  function transformLon(x, y) {
    var ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    ret += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    ret += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    ret += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    return ret;
  }

  function toGcj(lon, lat) {
    if (!inChina(lon, lat)) return [lon, lat];
    var dLat = transformLat(lon - 105.0, lat - 35.0);
    var dLon = transformLon(lon - 105.0, lat - 35.0);
    var radLat = lat / 180.0 * PI;
    var magic = 1.0 - EE * Math.pow(Math.sin(radLat), 2);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtMagic) * PI);
    dLon = (dLon * 180.0) / (A / sqrtMagic * Math.cos(radLat) * PI);
    return [lon + dLon, lat + dLat];
  }

  function toWgs(lon, lat) {
    if (!inChina(lon, lat)) return [lon, lat];
    // Fixed point w <- w - (gcj(w) - target): the one-step shortcut is metres off.
    var wLon = lon, wLat = lat;
    for (var i = 0; i < INVERSE_MAX_STEPS; i++) {
      var g = toGcj(wLon, wLat);
      var dLon = g[0] - lon, dLat = g[1] - lat;
      wLon -= dLon;
      wLat -= dLat;
      if (Math.abs(dLon) < INVERSE_TOLERANCE_DEG && Math.abs(dLat) < INVERSE_TOLERANCE_DEG) break;
    }
    return [wLon, wLat];
  }

  // ---- Leaflet -------------------------------------------------------------------

  function leaflet() {
    return root.L;
  }

  function convertLatLng(latlng, toGcj02) {
    var p = toGcj02 ? toGcj(latlng.lng, latlng.lat) : toWgs(latlng.lng, latlng.lat);
    return leaflet().latLng(p[1], p[0]);
  }

  function mapLatLngs(latlngs, fn) {
    // Polylines hold LatLngs, multi-polylines and polygons nested arrays of them.
    return latlngs.map(function (item) {
      return Array.isArray(item) ? mapLatLngs(item, fn) : fn(item);
    });
  }

  function copyLatLng(latlng) {
    return leaflet().latLng(latlng.lat, latlng.lng);
  }

  function isTileLayer(layer) {
    var L = leaflet();
    return Boolean(L && L.GridLayer && layer instanceof L.GridLayer);
  }

  function isGroup(layer) {
    return typeof layer.eachLayer === "function" &&
      typeof layer.getLatLng !== "function" && typeof layer.getLatLngs !== "function";
  }

  // Leaflet.markercluster's group: it files markers by position, so they are taken
  // out, moved and put back in one go (moving them one by one inside it re-files each
  // marker and re-fires "layeradd" for it, once per marker and per switch).
  function isClusterGroup(layer) {
    return typeof layer.refreshClusters === "function" &&
      typeof layer.clearLayers === "function" && typeof layer.addLayers === "function";
  }

  // Draw one data layer (WGS-84 coordinates) in the wanted datum; groups recurse.
  function drawIn(layer, gcj) {
    if (!layer || isTileLayer(layer)) return;
    if (isClusterGroup(layer)) {
      var markers = layer.getLayers();
      layer.clearLayers();
      markers.forEach(function (child) { drawIn(child, gcj); });
      layer.addLayers(markers);
      return;
    }
    if (isGroup(layer)) {
      layer.eachLayer(function (child) { drawIn(child, gcj); });
      return;
    }
    if (Boolean(layer._yinhuGcj) === gcj) return;
    var wasGcj = layer._yinhuGcj;
    // Marked first: moving a layer may make its group hand it back to us ("layeradd"),
    // which must then find it already done rather than move it again, forever.
    layer._yinhuGcj = gcj;
    if (typeof layer.getLatLngs === "function" && typeof layer.setLatLngs === "function") {
      if (!layer._yinhuWgs) layer._yinhuWgs = mapLatLngs(layer.getLatLngs(), copyLatLng);
      layer.setLatLngs(mapLatLngs(layer._yinhuWgs, function (ll) {
        return gcj ? convertLatLng(ll, true) : copyLatLng(ll);
      }));
    } else if (typeof layer.getLatLng === "function" && typeof layer.setLatLng === "function") {
      if (!layer._yinhuWgs) layer._yinhuWgs = copyLatLng(layer.getLatLng());
      layer.setLatLng(gcj ? convertLatLng(layer._yinhuWgs, true) : copyLatLng(layer._yinhuWgs));
    } else {
      layer._yinhuGcj = wasGcj;
    }
  }

  // Layers drawn by others at a displayed position (the locate control's marker and
  // circle): they have no stored WGS-84 original, so move them by the exact transform.
  function moveDisplayed(layer, gcj) {
    if (typeof layer.getLatLng === "function" && typeof layer.setLatLng === "function") {
      layer.setLatLng(convertLatLng(layer.getLatLng(), gcj));
    }
  }

  function setMode(map, gcj) {
    var state = map._yinhuGcj02;
    if (state.gcj === gcj) return;
    var center = map.getCenter();
    state.gcj = gcj;
    state.layers.forEach(function (layer) { drawIn(layer, gcj); });
    state.displayed.forEach(function (layer) { moveDisplayed(layer, gcj); });
    // Keep the same ground under the screen's centre: the tiles moved, so do we.
    map.setView(convertLatLng(center, gcj), map.getZoom(), { animate: false });
  }

  function toWgsLatLng(map, latlng) {
    var state = map._yinhuGcj02;
    return state && state.gcj ? convertLatLng(latlng, false) : copyLatLng(latlng);
  }

  function baseIsGcj(map) {
    var gcj = false;
    map.eachLayer(function (layer) {
      if (isTileLayer(layer) && layer.options && layer.options.gcj02 === true) gcj = true;
    });
    return gcj;
  }

  function patchGeolocation(map, state) {
    var original = map._handleGeolocationResponse;
    if (typeof original !== "function") return;
    // The browser reports WGS-84; on GCJ-02 tiles the "you are here" marker must be
    // drawn at the GCJ-02 position, so Leaflet (and the locate control) see that one.
    map._handleGeolocationResponse = function (pos) {
      var c = pos.coords;
      var wgs = leaflet().latLng(c.latitude, c.longitude);
      var shown = state.gcj ? convertLatLng(wgs, true) : wgs;
      var coords = {
        latitude: shown.lat, longitude: shown.lng, accuracy: c.accuracy,
        altitude: c.altitude, altitudeAccuracy: c.altitudeAccuracy,
        heading: c.heading, speed: c.speed
      };
      state.locating = true;
      try {
        original.call(this, { coords: coords, timestamp: pos.timestamp });
      } finally {
        state.locating = false;
      }
      this.fire("wgs84locationfound", { latlng: wgs, accuracy: c.accuracy, timestamp: pos.timestamp });
    };
    map.on("layeradd", function (e) {
      if (state.locating && state.displayed.indexOf(e.layer) < 0) state.displayed.push(e.layer);
    });
  }

  function attach(map, layers) {
    if (map._yinhuGcj02) return map._yinhuGcj02;
    var state = { gcj: false, layers: (layers || []).filter(Boolean), displayed: [], locating: false };
    map._yinhuGcj02 = state;
    state.layers.forEach(function (layer) {
      // An overlay that gains children later (GeoJSON addData, a re-filtered group)
      // must draw them in the datum in force.
      if (typeof layer.on === "function") {
        layer.on("layeradd", function (e) { drawIn(e.layer, state.gcj); });
      }
    });
    map.on("baselayerchange", function (e) {
      setMode(map, Boolean(e.layer && e.layer.options && e.layer.options.gcj02 === true));
    });
    map.on("click", function (e) {
      map.fire("wgs84click", { latlng: toWgsLatLng(map, e.latlng), originalEvent: e.originalEvent });
    });
    patchGeolocation(map, state);
    if (baseIsGcj(map)) setMode(map, true);
    return state;
  }

  var api = {
    toGcj: toGcj,
    toWgs: toWgs,
    inChina: inChina,
    attach: attach,
    toWgsLatLng: toWgsLatLng
  };
  root.Gcj02 = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
