// Small progressive enhancements for forms; every form works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so screen reader and keyboard users hear it first.
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }

  // Disable the submit button after the first click to avoid accidental double sends.
  // (The server also recognises a repeated submission.)
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();
