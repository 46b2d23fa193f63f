// Drives static/js/gcj02.js's Leaflet helper with a minimal stand-in for Leaflet and
// prints what happened as JSON (tests/pages/test_gcj02.py checks it).
"use strict";

class LatLng {
  constructor(lat, lng) { this.lat = lat; this.lng = lng; }
}
class Evented {
  constructor() { this._handlers = {}; }
  on(type, fn) { (this._handlers[type] = this._handlers[type] || []).push(fn); return this; }
  fire(type, data) {
    (this._handlers[type] || []).forEach((fn) => fn.call(this, Object.assign({ type, target: this }, data || {})));
    return this;
  }
}
class GridLayer extends Evented {
  constructor(options) { super(); this.options = options || {}; }
}
class Marker extends Evented {
  constructor(latlng) { super(); this._latlng = latlng; }
  getLatLng() { return this._latlng; }
  // As Leaflet's, it says it moved.
  setLatLng(latlng) { const old = this._latlng; this._latlng = latlng; return this.fire("move", { oldLatLng: old, latlng }); }
}
class Polyline extends Evented {
  constructor(latlngs) { super(); this._latlngs = latlngs; }
  getLatLngs() { return this._latlngs; }
  setLatLngs(latlngs) { this._latlngs = latlngs; return this; }
}
class Group extends Evented {
  constructor(layers) { super(); this._layers = layers || []; }
  eachLayer(fn) { this._layers.forEach(fn); }
  addLayer(layer) { this._layers.push(layer); this.fire("layeradd", { layer }); }
}
// Like Leaflet.markercluster with a marker moved inside it: it files the marker again
// and announces it as added.
class RefilingGroup extends Group {
  constructor(layers) {
    super(layers);
    this._layers.forEach((layer) => layer.on("move", () => this.fire("layeradd", { layer })));
  }
}
class FakeMap extends Evented {
  constructor(layers) { super(); this._layers = layers; this._center = new LatLng(30.09, 120.05); this._zoom = 14; }
  eachLayer(fn) { this._layers.forEach(fn); }
  getCenter() { return this._center; }
  getZoom() { return this._zoom; }
  setView(center, zoom) { this._center = center; this._zoom = zoom; }
  // As Leaflet's: the position it is handed becomes the event's latlng.
  _handleGeolocationResponse(pos) {
    this.fire("locationfound", { latlng: new LatLng(pos.coords.latitude, pos.coords.longitude), accuracy: pos.coords.accuracy });
  }
}

globalThis.L = {
  latLng: (a, b) => (a instanceof LatLng ? new LatLng(a.lat, a.lng) : new LatLng(a, b)),
  GridLayer,
};
const Gcj02 = require(process.argv[2]);
const ll = (p) => [p.lng, p.lat];

const start = new LatLng(30.0912, 120.0534);
const marker = new Marker(new LatLng(start.lat, start.lng));
const line = new Polyline([new LatLng(30.09, 120.05), new LatLng(30.095, 120.06), new LatLng(30.1, 120.07)]);
const inner = new Marker(new LatLng(30.085, 120.045));
const group = new Group([inner]);
const filed = new Marker(new LatLng(30.087, 120.047));
const refiling = new RefilingGroup([filed]);
const osm = new GridLayer({});
const amap = new GridLayer({ gcj02: true });
const map = new FakeMap([osm, marker, line, group, refiling]);
Gcj02.attach(map, [marker, line, group, refiling]);

const out = {};
out.wgs = { marker: ll(marker.getLatLng()), line: line.getLatLngs().map(ll), inner: ll(inner.getLatLng()), filed: ll(filed.getLatLng()) };
out.centerBefore = ll(map.getCenter());
map.fire("baselayerchange", { layer: amap });
out.gcj = { marker: ll(marker.getLatLng()), line: line.getLatLngs().map(ll), inner: ll(inner.getLatLng()), filed: ll(filed.getLatLng()) };
out.centerGcj = ll(map.getCenter());

// A click on the GCJ-02 map where the marker is drawn means the marker's WGS-84 spot.
let clicked = null;
map.on("wgs84click", (e) => { clicked = ll(e.latlng); });
map.fire("click", { latlng: marker.getLatLng() });
out.clickWgs = clicked;

// The browser reports WGS-84; the "you are here" marker must be drawn in GCJ-02.
let locatedWgs = null;
let locateMarker = null;
map.on("locationfound", (e) => {
  locateMarker = new Marker(e.latlng);
  map.fire("layeradd", { layer: locateMarker });
});
map.on("wgs84locationfound", (e) => { locatedWgs = ll(e.latlng); });
map._handleGeolocationResponse({ coords: { latitude: 30.0901, longitude: 120.0502, accuracy: 10 }, timestamp: 1 });
out.locateShown = ll(locateMarker.getLatLng());
out.locateWgs = locatedWgs;

// A child added to a managed group while on GCJ-02 tiles is drawn in GCJ-02 too.
const late = new Marker(new LatLng(30.08, 120.04));
group.addLayer(late);
out.lateGcj = ll(late.getLatLng());

for (let i = 0; i < 50; i++) {
  map.fire("baselayerchange", { layer: osm });
  map.fire("baselayerchange", { layer: amap });
}
map.fire("baselayerchange", { layer: osm });
out.after = {
  marker: ll(marker.getLatLng()),
  line: line.getLatLngs().map(ll),
  inner: ll(inner.getLatLng()),
  filed: ll(filed.getLatLng()),
  late: ll(late.getLatLng()),
  locate: ll(locateMarker.getLatLng()),
};
out.centerAfter = ll(map.getCenter());
process.stdout.write(JSON.stringify(out));
