// Small progressive enhancements. No inline scripts (CSP: script-src 'self').
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Language selector submits on change; its button stays for keyboard/no-JS users.
    document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll(".js-hide-when-scripted").forEach(function (el) {
      el.classList.add("visually-hidden");
    });
    // On a narrow screen the menu folds behind a button (without JavaScript it stays open).
    var toggle = document.querySelector(".nav-toggle");
    var header = document.querySelector(".site-header");
    if (toggle && header) {
      toggle.hidden = false;
      header.classList.add("js-nav");
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        header.classList.toggle("nav-open", open);
      });
    }
    // A table wider than the screen scrolls in its own frame: name it, let the keyboard in and
    // say so above it ("Scroll the table →", from the page: translated). Checked again when the
    // window is resized (a phone turned sideways).
    var hintText = document.body.getAttribute("data-table-scroll-hint") || "";
    var wraps = document.querySelectorAll(".table-wrap");
    var hintCount = 0;
    function markOverflow(wrap) {
      var hint = wrap.previousElementSibling && wrap.previousElementSibling.classList.contains("table-scroll-hint")
        ? wrap.previousElementSibling : null;
      var overflows = wrap.scrollWidth > wrap.clientWidth + 1;
      if (!overflows) {
        if (hint) { hint.hidden = true; }
        return;
      }
      if (!wrap.hasAttribute("role")) {
        var caption = wrap.querySelector("caption");
        var heading = wrap.previousElementSibling;
        var label = caption ? caption.textContent : (heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent : "");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (label) { wrap.setAttribute("aria-label", label.trim()); }
      }
      if (!hintText) { return; }
      if (!hint) {
        hintCount += 1;
        hint = document.createElement("p");
        hint.className = "table-scroll-hint";
        hint.id = "table-scroll-hint-" + hintCount;
        hint.textContent = hintText;
        wrap.parentNode.insertBefore(hint, wrap);
        wrap.setAttribute("aria-describedby", hint.id);
      }
      hint.hidden = false;
    }
    wraps.forEach(markOverflow);
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(function () { wraps.forEach(markOverflow); }, 150);
    });
    // Move focus to the error summary so screen-reader users hear what to correct.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
  // Record sections loaded after the page (issue 19): "Loading…" shown only when scripted;
  // when one arrives, say so in the page's status region and, if the keyboard focus was in its
  // placeholder, move it to the loaded section's heading (the focused link was replaced).
  // The server sends the placeholders idle (without JavaScript they stay a plain link); a
  // scripted page marks them busy until htmx replaces them.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) { return; }  // htmx did not load: the placeholders stay plain links
    document.querySelectorAll(".record-lazy").forEach(function (el) { el.setAttribute("aria-busy", "true"); });
    document.querySelectorAll(".record-lazy__loading").forEach(function (el) { el.hidden = false; });
    // Home: when every panel came back empty (each removed itself), say that nothing needs
    // the user rather than leave the page blank, in a status region (announced).
    var grid = document.querySelector(".home-panels");
    var empty = document.getElementById("home-empty");
    if (grid && empty) {
      new MutationObserver(function () {
        if (!grid.querySelector("section")) { empty.textContent = empty.getAttribute("data-message"); }
      }).observe(grid, { childList: true });
    }
  });
  // Placeholder id -> [had the focus, "loaded" message], noted before it is replaced.
  var lazyPending = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (event.detail.shouldSwap && elt && elt.classList && elt.classList.contains("record-lazy")) {
      lazyPending[elt.id] = [elt.contains(document.activeElement), elt.getAttribute("data-loaded-message") || ""];
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var section = event.target;
    var pending = section && section.id ? lazyPending[section.id] : null;
    if (!pending) { return; }
    delete lazyPending[section.id];
    var status = document.getElementById("record-status");
    if (status) { status.textContent = pending[1]; }
    var heading = section.querySelector("h2");
    if (pending[0] && heading) { heading.focus(); }
  });
  function lazyFailed(event) {
    var elt = event.detail.elt;
    if (elt && elt.classList && elt.classList.contains("record-lazy")) {
      elt.setAttribute("aria-busy", "false");  // the link to the section's own page stays
      var loading = elt.querySelector(".record-lazy__loading");
      if (loading) { loading.hidden = true; }
    }
  }
  document.addEventListener("htmx:responseError", lazyFailed);
  document.addEventListener("htmx:sendError", lazyFailed);
  // htmx sends the CSRF token from the meta tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
})();
