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
// Long work: a form with data-busy shows that it is working and cannot be sent twice.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (e.defaultPrevented || !f || !f.dataset || !f.dataset.busy) return;
  var b = f.querySelector("button[type=submit]");
  if (b) {
    b.disabled = true;
    b.textContent = f.dataset.busy;
  }
  f.setAttribute("aria-busy", "true");
});
// Print buttons (no inline script: the content security policy forbids it).
document.addEventListener("click", function (e) {
  var t = e.target;
  if (t && t.closest && t.closest("[data-print]")) {
    e.preventDefault();
    window.print();
  }
});
