/* The reader and the claim page: selection → link panel, claim picking,
 * speaker chips, hover tips. Plain JavaScript on top of htmx; no framework.
 *
 * Offsets: the article is one element whose textContent is exactly the
 * source's text, so a selection's offsets are counted over its text nodes
 * (Range.toString, which ignores layout) and converted from UTF-16 code units
 * (JavaScript strings) to code points (Python str indices).
 */
(function () {
  "use strict";

  var relinkId = null;

  function codePoints(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }

  /* [start, end) of the range within root's text, in code points, clamped to root. */
  function textOffsets(root, range) {
    var full = document.createRange();
    full.selectNodeContents(root);
    var before = document.createRange();
    before.setStart(root, 0);
    if (range.compareBoundaryPoints(Range.START_TO_START, full) <= 0) {
      before.setEnd(root, 0);
    } else {
      before.setEnd(range.startContainer, range.startOffset);
    }
    var upToEnd = document.createRange();
    upToEnd.setStart(root, 0);
    if (range.compareBoundaryPoints(Range.END_TO_END, full) >= 0) {
      upToEnd.setEnd(root, root.childNodes.length);
    } else {
      upToEnd.setEnd(range.endContainer, range.endOffset);
    }
    return { start: codePoints(before.toString()), end: codePoints(upToEnd.toString()) };
  }

  /* Open the link panel for the current selection in the article; ``stance``
   * (from the a/d/m keys) comes preselected. Returns false when there is no
   * selection in the article. */
  function onSelectionDone(stance) {
    var article = document.getElementById("article");
    var panel = document.getElementById("link-panel");
    if (!article || !panel || !article.dataset.panelUrl) return false;
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return false;
    var range = selection.getRangeAt(0);
    if (!range.intersectsNode(article)) return false;
    if (panel.contains(range.commonAncestorContainer)) return false;
    var offsets = textOffsets(article, range);
    if (offsets.end <= offsets.start) return false;
    var url = article.dataset.panelUrl + "?start=" + offsets.start + "&end=" + offsets.end;
    if (relinkId) url += "&relink=" + encodeURIComponent(relinkId);
    if (stance) url += "&stance=" + stance;
    htmx.ajax("GET", url, { target: "#link-panel", swap: "innerHTML" }).then(function () {
      panel.hidden = false;
      // With a stance chosen by key, the next thing to do is pick the claim.
      // Otherwise the panel itself takes the focus, so a/d/m choose the stance.
      var search = panel.querySelector("input[name=q]");
      if (stance && search && !search.closest("[hidden]")) {
        search.focus({ preventScroll: true });
      } else {
        panel.focus({ preventScroll: true });
      }
    });
    return true;
  }

  /* --- keys: j/k move between highlights, a/d/m link with a stance ------------ */

  var STANCE_KEYS = { a: "asserts", d: "disputes", m: "mentions" };

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable=true]"));
  }

  function highlights() {
    var article = document.getElementById("article");
    return article ? Array.prototype.slice.call(article.querySelectorAll("mark[data-evidence]")) : [];
  }

  function moveHighlight(step) {
    var marks = highlights();
    if (!marks.length) return;
    var index = marks.indexOf(document.querySelector("#article mark.current"));
    var next = index < 0 ? (step > 0 ? 0 : marks.length - 1) : (index + step + marks.length) % marks.length;
    marks.forEach(function (mark) { mark.classList.remove("current"); });
    var mark = marks[next];
    mark.classList.add("current");
    mark.setAttribute("tabindex", "-1");
    mark.focus({ preventScroll: true });
    mark.scrollIntoView({ block: "center", behavior: "auto" });
    var status = document.getElementById("keys-status");
    if (status) {
      status.textContent = "Highlight " + (next + 1) + " of " + marks.length + ": " + (mark.dataset.tip || "");
    }
  }

  function selectMark(mark) {
    var range = document.createRange();
    range.selectNodeContents(mark);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function chooseStance(stance) {
    var panel = document.getElementById("link-panel");
    var form = panel && !panel.hidden && panel.querySelector(".link-form");
    if (form) {
      var radio = form.querySelector("input[name=stance][value=" + stance + "]");
      if (radio) radio.checked = true;
      var search = form.querySelector("input[name=q]");
      if (search && !search.closest("[hidden]")) search.focus({ preventScroll: true });
      return;
    }
    if (onSelectionDone(stance)) return;
    // No selection: link the highlight j/k moved to (to another claim).
    var current = document.querySelector("#article mark.current");
    if (current) {
      selectMark(current);
      onSelectionDone(stance);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (!document.getElementById("article")) return;
    var key = event.key;
    if (key === "j" || key === "k") {
      event.preventDefault();
      moveHighlight(key === "j" ? 1 : -1);
    } else if (STANCE_KEYS[key] && document.getElementById("link-panel")) {
      event.preventDefault();
      chooseStance(STANCE_KEYS[key]);
    } else if (key === "/") {
      var search = document.querySelector("#link-panel:not([hidden]) input[name=q]");
      if (search) { event.preventDefault(); search.focus(); }
    }
  });

  function closePanel() {
    var panel = document.getElementById("link-panel");
    if (!panel) return;
    panel.hidden = true;
    panel.innerHTML = "";
    setRelink(null);
  }

  function setRelink(id) {
    relinkId = id;
    document.querySelectorAll("[data-orphan]").forEach(function (item) {
      var hint = item.querySelector(".relink-hint");
      var active = id !== null && item.dataset.orphan === String(id);
      item.classList.toggle("relinking", active);
      if (hint) hint.hidden = !active;
    });
  }

  function setMode(form, mode) {
    form.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.checked = radio.value === mode;
    });
    form.querySelectorAll("[data-mode-section]").forEach(function (section) {
      section.hidden = section.dataset.modeSection !== mode;
    });
  }

  function pickClaim(button) {
    var form = button.closest("form");
    if (!form) return;
    setMode(form, "existing");
    form.querySelector("[data-picked-claim]").value = button.dataset.pickClaim;
    form.querySelector("[data-picked-text]").value = button.dataset.claimText;
    var label = form.querySelector("[data-picked-label]");
    label.textContent = "";
    label.appendChild(document.createTextNode("Chosen: "));
    var strong = document.createElement("strong");
    strong.textContent = button.dataset.claimText;
    label.appendChild(strong);
    form.querySelectorAll("[data-pick-claim]").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
  }

  document.addEventListener("mouseup", function (event) {
    if (event.target.closest && event.target.closest("#link-panel")) return;
    window.setTimeout(function () { onSelectionDone(); }, 0);
  });
  document.addEventListener("keyup", function (event) {
    if (event.key === "Escape") {
      closePanel();
    } else if (event.shiftKey && event.target === document.body) {
      window.setTimeout(function () { onSelectionDone(); }, 0);
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : event.target.parentElement;
    if (!target) return;
    var pick = target.closest("[data-pick-claim]");
    if (pick) { pickClaim(pick); return; }
    var chip = target.closest("[data-speaker]");
    if (chip) {
      var input = chip.closest("form").querySelector("input[name=attributed_to]");
      input.value = chip.dataset.speaker;
      input.focus();
      return;
    }
    var fresh = target.closest("[data-new-claim]");
    if (fresh) {
      var form = fresh.closest("form");
      setMode(form, "new");
      var textarea = form.querySelector("textarea[name=new_claim]");
      textarea.value = fresh.dataset.newClaim;
      textarea.focus();
      htmx.trigger(textarea, "input");
      return;
    }
    if (target.closest("[data-close-panel]")) { closePanel(); return; }
    var relink = target.closest("[data-relink]");
    if (relink) {
      setRelink(relinkId === relink.dataset.relink ? null : relink.dataset.relink);
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "mode" && event.target.closest(".link-form")) {
      setMode(event.target.closest("form"), event.target.value);
    }
  });

  /* Our endpoints answer 4xx with a message to show (header X-Show-Error). */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("X-Show-Error")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "link-panel") {
      event.target.hidden = false;
      if (event.target.querySelector("[data-testid=link-done]")) {
        setRelink(null);
        var selection = window.getSelection();
        if (selection) selection.removeAllRanges();
      }
    }
  });

  /* "Select again" from Quotes to check: /sources/<id>/?relink=<evidence id>. */
  function relinkFromAddress() {
    var wanted = new URLSearchParams(window.location.search).get("relink");
    if (wanted && document.querySelector('[data-orphan="' + CSS.escape(wanted) + '"]')) {
      setRelink(wanted);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", relinkFromAddress);
  } else {
    relinkFromAddress();
  }

  /* Hover tip for highlights: the innermost mark's claim. */
  document.addEventListener("mouseover", function (event) {
    var tip = document.getElementById("mark-tip");
    if (!tip) return;
    var mark = event.target.closest && event.target.closest("mark[data-evidence]");
    if (!mark) { tip.hidden = true; return; }
    tip.textContent = mark.dataset.tip || "";
    tip.className = "mark-tip " + (mark.dataset.stance || "");
    var box = mark.getBoundingClientRect();
    tip.style.left = Math.max(8, box.left + window.scrollX) + "px";
    tip.style.top = (box.bottom + window.scrollY + 6) + "px";
    tip.hidden = false;
  });
})();
