/*
 * Many markers as one layer, from one compact JSON array (geo_service/maps.py,
 * PointMarkers). No build step: served as is from /static/js/points.js.
 *
 * YinhuPoints.layer(rows, config) -> L.FeatureGroup, or L.MarkerClusterGroup when
 *   config.cluster is true (Leaflet.markercluster must be loaded then).
 *   rows:   [lat, lon, id, name, kind, line, line, ...]  (WGS-84; plain text)
 *   config: {kinds: {kind: [font-awesome icon, marker colour]}, href: "/venues/{id}",
 *            cluster: bool}
 *
 * Names and lines are user text: they reach the page through textContent only, never
 * as HTML. Tooltips and popups are built when first shown. The markers are ordinary
 * L.Marker objects, so gcj02.js moves them like any other overlay.
 */
(function (root) {
  "use strict";

  var FALLBACK_KIND = ["location-dot", "blue"];

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object || {}, key);
  }

  function popupContent(row, config) {
    var box = element("div", "yinhu-popup");
    var title = element("div", "title");
    if (row[2] !== null && row[2] !== undefined && config.href) {
      var link = element("a", null, row[3]);
      link.href = config.href.replace("{id}", encodeURIComponent(String(row[2])));
      title.appendChild(link);
    } else {
      title.textContent = String(row[3]);
    }
    box.appendChild(title);
    row.slice(5).forEach(function (line) {
      if (line) box.appendChild(element("div", null, line));
    });
    return box;
  }

  function layer(rows, config) {
    var L = root.L;
    var icons = {};
    function iconFor(kind) {
      var key = own(config.kinds, kind) ? kind : "";
      if (!own(icons, key)) {
        var spec = own(config.kinds, key) ? config.kinds[key] : FALLBACK_KIND;
        icons[key] = L.AwesomeMarkers.icon({
          icon: spec[0], prefix: "fa", markerColor: spec[1], iconColor: "white"
        });
      }
      return icons[key];
    }
    var markers = rows.map(function (row) {
      var marker = L.marker([row[0], row[1]], { icon: iconFor(row[4]) });
      marker.bindTooltip(function () { return element("div", null, row[3]); }, { sticky: false });
      marker.bindPopup(function () { return popupContent(row, config); }, { maxWidth: 260 });
      return marker;
    });
    if (config.cluster) {
      var cluster = L.markerClusterGroup();
      cluster.addLayers(markers);
      return cluster;
    }
    return L.featureGroup(markers);
  }

  root.YinhuPoints = { layer: layer };
})(typeof window !== "undefined" ? window : globalThis);
