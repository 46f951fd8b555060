/* Behaviour every page shares. No inline scripts anywhere: the
   Content-Security-Policy allows scripts from our static files only. */
(function () {
  "use strict";

  /* An element with data-swap-errors="400 409" shows error answers with those
     statuses (they carry a message and the current state) instead of dropping
     them, as htmx does by default. htmx fires beforeSwap on the swap target. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var box = event.target.closest && event.target.closest("[data-swap-errors]");
    if (!box) return;
    var statuses = box.getAttribute("data-swap-errors").split(/\s+/);
    if (statuses.indexOf(String(event.detail.xhr.status)) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
