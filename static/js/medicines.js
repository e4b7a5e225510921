// The dose question names the unit of the medicine typed (liothyronine is dosed in mcg).
// Without this file the label and its help text still say which medicines are in mcg.
(function () {
  "use strict";

  var units = {};
  document.querySelectorAll("#medication-names option").forEach(function (option) {
    var unit = option.getAttribute("data-unit");
    units[option.value.toLowerCase()] = unit;
    (option.getAttribute("data-names") || "").split(";").forEach(function (name) {
      if (name) { units[name] = unit; }
    });
  });

  function unitFor(typed) {
    var name = typed.trim().toLowerCase();
    return units[name] || units[name.split("(")[0].trim()] || "mg";
  }

  function update(input) {
    var label = document.querySelector("label[for='" + input.id.replace("name_given", "max_daily_dose") + "']");
    if (!label) { return; }
    var unit = unitFor(input.value);
    label.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        // Only the unit changes, so the label's words stay in the page's language.
        node.textContent = node.textContent.replace(/\b(mg|mcg)\b/, unit);
      }
    });
  }

  document.querySelectorAll("input[list=medication-names]").forEach(function (input) {
    input.addEventListener("change", function () { update(input); });
    input.addEventListener("input", function () { update(input); });
    update(input);
  });
})();
