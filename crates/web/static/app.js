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
// The ballot page: an over-vote is shown before the confirmation, and the choices stay as made.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (!f || !f.dataset || !f.dataset.seats) return;
  var n = f.querySelectorAll('input[type=radio][name^="mark_"][value="yes"]:checked').length;
  f.querySelectorAll('input[name="write_in"]').forEach(function (w) {
    if (w.value.trim() !== "") n += 1;
  });
  var box = f.querySelector("#over-vote");
  if (n > parseInt(f.dataset.seats, 10)) {
    e.preventDefault();
    e.stopImmediatePropagation();
    if (box) {
      box.textContent = f.dataset.overVote;
      box.hidden = false;
      box.scrollIntoView({ block: "center" });
    }
  } else if (box) {
    box.hidden = true;
  }
}, true);
// The receipt code is kept on this device only, and offered when checking it after the close.
(function () {
  try {
    var t = document.getElementById("tracker");
    if (t && t.dataset.poll) localStorage.setItem("jg-receipt-" + t.dataset.poll, t.textContent.trim());
    var input = document.getElementById("receipt-code");
    if (input && !input.value && input.dataset.poll) {
      var kept = localStorage.getItem("jg-receipt-" + input.dataset.poll);
      if (kept) input.value = kept;
    }
  } catch (err) { /* storage may be off: the member types the code */ }
})();
// Copy buttons: <button data-copy="element id">.
document.addEventListener("click", function (e) {
  var b = e.target && e.target.closest ? e.target.closest("[data-copy]") : null;
  if (!b) return;
  var el = document.getElementById(b.dataset.copy);
  if (el && navigator.clipboard) navigator.clipboard.writeText(el.textContent.trim());
});
// "Back" links on the error page go to the previous page when there is one.
document.addEventListener("click", function (e) {
  var a = e.target && e.target.closest ? e.target.closest("[data-back]") : null;
  if (a && window.history.length > 1) {
    e.preventDefault();
    window.history.back();
  }
});
// Filter forms with data-autosubmit apply a changed select or checkbox at once.
document.addEventListener("change", function (e) {
  var el = e.target;
  var f = el && el.form;
  if (f && f.hasAttribute("data-autosubmit") && (el.tagName === "SELECT" || el.type === "checkbox")) f.submit();
});
// The poll form: choosing a purpose preselects its counting rules (and the kind it fits); the
// committee can still change each rule afterwards.
document.addEventListener("change", function (e) {
  var r = e.target;
  if (!r || r.name !== "purpose" || !r.dataset || !r.form) return;
  var f = r.form;
  ["quorum", "threshold", "base"].forEach(function (field) {
    var want = r.dataset[field] || "";
    f.querySelectorAll('input[name="' + field + '"]').forEach(function (i) {
      i.checked = i.value === want;
    });
  });
  var kind = f.querySelector('select[name="kind"]');
  if (kind && r.value !== "consultation" && r.dataset.kind) kind.value = r.dataset.kind;
});
