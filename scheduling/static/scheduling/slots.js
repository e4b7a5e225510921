// Adds the visitor's own time next to each open time when their device is in another
// time zone. The picker works fully without this file (and offers a time zone list).
(function () {
  "use strict";

  var picker = document.querySelector("[data-clinic-tz]");
  if (!picker || !window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var theirs = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!theirs || theirs === picker.getAttribute("data-clinic-tz")) {
    return;
  }
  // The server already shows a chosen time zone next to each time.
  if (picker.querySelector(".slot-theirs")) {
    return;
  }
  // The words come from the page (data-device-*), in its language; so does the format of times.
  function words(name, values) {
    return picker.getAttribute("data-device-" + name).replace(/\{(\w+)\}/g, function (all, key) {
      return values[key];
    });
  }
  var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    timeZone: theirs,
    weekday: "short",
    hour: "numeric",
    minute: "2-digit"
  });
  var note = document.getElementById("slot-zone-local");
  if (note) {
    note.textContent = words("note", { zone: theirs });
    note.hidden = false;
  }
  picker.querySelectorAll("input[data-start]").forEach(function (input) {
    var label = picker.querySelector("label[for='" + input.id + "']");
    if (!label) {
      return;
    }
    var span = document.createElement("span");
    span.className = "slot-theirs";
    span.textContent = "(" + words("time", { time: format.format(new Date(input.getAttribute("data-start"))) }) + ")";
    label.appendChild(document.createTextNode(" "));
    label.appendChild(span);
  });
  var select = document.getElementById("id_tz");
  if (select && !select.value) {
    // Offer the device's zone in the list too, so a reload keeps it.
    var option = document.createElement("option");
    option.value = theirs;
    option.textContent = words("option", { zone: theirs });
    select.appendChild(option);
  }
})();
