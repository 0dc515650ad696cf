// The tracking maps: read the page's JSON data island (#tracking-data, the same value the page's
// JSON answer carries) and draw, with the vendored Leaflet, an agent's day (the track, the
// numbered order markers, the clients' locations) or the team's day (each agent where their last
// ping was). No inline script: the CSP forbids it.
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
  if (day.agents) {
    day.agents.forEach(function (a) {
      if (!a.last_at) return;
      var icon = L.divIcon({ className: "agent-marker", html: a.name.replace(/[&<>"]/g, ""), iconSize: null });
      L.marker([a.last_at.lat, a.last_at.lon], { icon: icon })
        .bindPopup(a.name.replace(/[&<>"]/g, ""))
        .on("click", function () { window.location.href = "/tracking?agent=" + a.agent + "&date=" + day.date; })
        .addTo(map);
      bounds.push([a.last_at.lat, a.last_at.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    return;
  }
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
  // A row of the side list focuses its marker (a click on the row's link opens the order).
  document.querySelectorAll("tr[data-n]").forEach(function (row) {
    function focus(event) {
      if (event.target.closest("a")) return;
      var m = markers[row.dataset.n];
      document.querySelectorAll("tr.focused").forEach(function (r) { r.classList.remove("focused"); });
      row.classList.add("focused");
      if (m) { map.setView(m.getLatLng(), 16); m.openPopup(); }
    }
    row.addEventListener("click", focus);
    row.addEventListener("keydown", function (event) { if (event.key === "Enter") focus(event); });
  });
})();
