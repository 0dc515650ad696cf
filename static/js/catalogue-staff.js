// A product page is one cached document for everyone. Employees' exact figures come from a
// private fragment fetched with the session: 204 (nothing) for the public.
(function () {
  var box = document.getElementById("staff");
  if (!box || !box.dataset.src) return;
  fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then(function (r) { return r.status === 200 ? r.text() : ""; })
    .then(function (html) { if (html) box.innerHTML = html; })
    .catch(function () {});
})();
