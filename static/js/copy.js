// Copy buttons: <button data-copy="ID"> copies the value of the input #ID to the clipboard.
// (A separate file: the portal's CSP allows no inline script.)
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var input = document.getElementById(button.getAttribute("data-copy"));
  if (!input) return;
  var done = function () {
    var text = button.textContent;
    button.textContent = "Скопировано";
    setTimeout(function () { button.textContent = text; }, 1500);
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(done, function () {
      input.select();
    });
  } else {
    input.select();
    if (document.execCommand("copy")) done();
  }
});
