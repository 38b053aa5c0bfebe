/*
 * Kinship: parts of a form that apply to one choice only (progressive enhancement).
 *
 * Without this file, each such part is a <details> the server opens when it applies to the
 * choice the page shows, so every field stays reachable. With it, in a <form data-disclosure>,
 * a <details data-shown-when="NAME" data-shown-for="VALUE VALUE"> is shown and opened while
 * the radio button NAME has one of those values, and hidden otherwise.
 */
(function () {
  "use strict";

  function update(form) {
    var parts = form.querySelectorAll("details[data-shown-when]");
    Array.prototype.forEach.call(parts, function (part) {
      var name = part.getAttribute("data-shown-when");
      var values = (part.getAttribute("data-shown-for") || "").split(" ");
      var checked = form.querySelector('input[type="radio"][name="' + name + '"]:checked');
      if (!checked) {
        return; // nothing chosen yet: leave the part as the server rendered it
      }
      var applies = values.indexOf(checked.value) !== -1;
      var wasHidden = part.hidden;
      part.hidden = !applies;
      if (applies && wasHidden) {
        part.open = true; // it has just come to apply: show its fields at once
      }
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-disclosure]");
    Array.prototype.forEach.call(forms, function (form) {
      update(form);
      form.addEventListener("change", function (event) {
        if (event.target && event.target.type === "radio") {
          update(form);
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
