// Confirmation for irreversible acts: <form data-confirm="…">; keeps working without htmx.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (f && f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) {
    e.preventDefault();
  }
});
// Errors returned to htmx requests are shown in the toast area instead of being dropped.
document.addEventListener("htmx:beforeSwap", function (e) {
  if (e.detail.xhr.status >= 400) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
    e.detail.target = document.getElementById("toast");
  }
});
