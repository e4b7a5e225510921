// PHQ-9 question 9: show how to get help the moment an answer above "Not at all" is chosen.
// The server shows the same help after the step is saved, with or without this file.
(function () {
  "use strict";
  var box = document.getElementById("item9-support");
  if (!box) {
    return;
  }
  function update() {
    var chosen = document.querySelector("input[name=item_9]:checked");
    box.hidden = !(chosen && chosen.value !== "0");
  }
  document.querySelectorAll("input[name=item_9]").forEach(function (input) {
    input.addEventListener("change", update);
  });
  update();
})();
