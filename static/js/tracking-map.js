// The tracking map: reads the page's JSON data island (#tracking-data, the same value the page's
// JSON answer carries) and draws the track, the numbered order markers and the clients'
// locations with the vendored Leaflet. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var island = document.getElementById("tracking-data");
  if (!el || !island || !window.L) return;
  var day = JSON.parse(island.textContent);
  // Kokshetau when the day has no position at all (docs/onec.md §6.6).
  var map = L.map(el).setView([53.29, 69.39331], 13);
  L.tileLayer(el.dataset.tiles, {
    maxZoom: 19,
    attribution: "&copy; участники OpenStreetMap"
  }).addTo(map);
  var bounds = [];
  var line = day.track.map(function (p) { return [p.lat, p.lon]; });
  if (line.length > 1) L.polyline(line, { color: "#c0392b", weight: 3 }).addTo(map);
  bounds = bounds.concat(line);
  var markers = {};
  day.orders.forEach(function (o) {
    if (o.client_at) {
      L.circleMarker([o.client_at.lat, o.client_at.lon], { radius: 6, color: "#2c3e50" })
        .bindPopup(o.client).addTo(map);
      bounds.push([o.client_at.lat, o.client_at.lon]);
    }
    if (!o.taken_at) return;
    var icon = L.divIcon({ className: "order-marker", html: String(o.n), iconSize: [24, 24] });
    markers[o.n] = L.marker([o.taken_at.lat, o.taken_at.lon], { icon: icon })
      .bindPopup(o.n + ". " + o.client).addTo(map);
    bounds.push([o.taken_at.lat, o.taken_at.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
  // A row of the side list focuses its marker.
  document.querySelectorAll("tr[data-n]").forEach(function (row) {
    row.addEventListener("click", function () {
      var m = markers[row.dataset.n];
      if (m) { map.setView(m.getLatLng(), 16); m.openPopup(); }
    });
  });
})();
