/* The claim list: tick claims for the bulk bar (tag, merge, export). The
 * "keep" choice of a merge lists the ticked claims. Rows come and go with
 * htmx filtering, so everything works by delegation. */
(function () {
  "use strict";

  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-bulk-pick]"));
  }

  function refresh() {
    var bar = document.querySelector("[data-bulk]");
    if (!bar) return;
    var ticked = picks().filter(function (box) { return box.checked; });
    bar.querySelector("[data-bulk-count]").textContent = ticked.length + " selected";
    picks().forEach(function (box) { box.closest("tr").classList.toggle("picked", box.checked); });
    var into = bar.querySelector("[data-bulk-into]");
    if (into) {
      var kept = into.value;
      into.innerHTML = "";
      ticked.forEach(function (box) {
        var option = document.createElement("option");
        option.value = box.value;
        option.textContent = "#" + box.value + " " + box.dataset.claimText;
        into.appendChild(option);
      });
      if (kept) into.value = kept;
      if (!into.value && ticked.length) into.value = ticked[0].value;
    }
    bar.querySelectorAll("button").forEach(function (button) {
      var needs = button.value === "merge" ? 2 : 1;
      button.disabled = ticked.length < needs;
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-bulk-all]")) {
      picks().forEach(function (box) { box.checked = event.target.checked; });
    }
    if (event.target.matches("[data-bulk-all], [data-bulk-pick]")) refresh();
  });
  // No inline handlers (the Content-Security-Policy forbids them).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-bulk] [data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
})();
