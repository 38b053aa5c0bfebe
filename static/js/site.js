/* Kinship: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  /*
   * Time zone: an <input data-browser-time-zone> (with a <datalist> of zone names) starts at
   * the site's default zone. On a form that has not been submitted yet (the field still holds
   * the value the server rendered and the page has no error list), put in the browser's own
   * zone when the list offers it. The person can still change it; after a failed submit we
   * never touch what they typed.
   */
  function preselectBrowserTimeZone() {
    if (document.querySelector(".errorlist")) {
      return;
    }
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    if (!zone) {
      return;
    }
    var fields = document.querySelectorAll("input[data-browser-time-zone]");
    Array.prototype.forEach.call(fields, function (field) {
      if (field.value !== field.defaultValue || !field.list) {
        return;
      }
      var offered = Array.prototype.some.call(field.list.options, function (option) {
        return option.value === zone;
      });
      if (offered) {
        field.value = zone;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", preselectBrowserTimeZone);
  } else {
    preselectBrowserTimeZone();
  }
})();
