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
    // A table wider than the screen scrolls in its own frame: name it and let the keyboard in.
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth) { return; }
      var caption = wrap.querySelector("caption");
      var heading = wrap.previousElementSibling;
      var label = caption ? caption.textContent : (heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent : "");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      if (label) { wrap.setAttribute("aria-label", label.trim()); }
    });
    // Move focus to the error summary so screen-reader users hear what to correct.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
  // htmx sends the CSRF token from the meta tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
})();
