/* Kinship: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  /*
   * Time zone: a <select data-browser-time-zone> starts at the site's default zone. On a form
   * that has not been submitted yet (the select still shows its initial value and the page has
   * no error list), preselect the browser's own zone when the select offers it. The person can
   * still change it; after a failed submit we never touch what they chose.
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
    var selects = document.querySelectorAll("select[data-browser-time-zone]");
    Array.prototype.forEach.call(selects, function (select) {
      var initial = Array.prototype.find.call(select.options, function (option) {
        return option.defaultSelected;
      });
      // Unbound: the current choice is still the one the server rendered.
      if (initial && select.value !== initial.value) {
        return;
      }
      var match = Array.prototype.find.call(select.options, function (option) {
        return option.value === zone;
      });
      if (match) {
        select.value = match.value;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", preselectBrowserTimeZone);
  } else {
    preselectBrowserTimeZone();
  }
})();
