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
