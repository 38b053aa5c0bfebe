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

/*
 * A join address's waiting page: <span role="timer" data-countdown="N"> counts the N seconds
 * (from the server's clock, so a phone's wrong clock does not matter) down to the room's
 * opening, and then reloads the page, which leads into the meeting. Without this file the
 * page says when to come back.
 */
(function () {
  "use strict";

  // "in 1 hour, 5 minutes", "in 5 minutes, 30 seconds" or "in 30 seconds".
  function spell(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var spelt = {
      hours: interpolate(ngettext("%(n)s hour", "%(n)s hours", hours), { n: hours }, true),
      minutes: interpolate(ngettext("%(n)s minute", "%(n)s minutes", minutes), { n: minutes }, true),
      seconds: interpolate(ngettext("%(n)s second", "%(n)s seconds", rest), { n: rest }, true),
    };
    if (hours) {
      // Translators: how long until a meeting's online room opens, e.g. "in 1 hour, 5 minutes".
      return interpolate(gettext("in %(hours)s, %(minutes)s"), spelt, true);
    }
    if (minutes) {
      // Translators: how long until a meeting's online room opens, e.g. "in 5 minutes, 30 seconds".
      return interpolate(gettext("in %(minutes)s, %(seconds)s"), spelt, true);
    }
    // Translators: how long until a meeting's online room opens, e.g. "in 30 seconds".
    return interpolate(gettext("in %(seconds)s"), spelt, true);
  }

  function start() {
    var timer = document.querySelector("[data-countdown]");
    if (!timer) {
      return;
    }
    var left = parseInt(timer.getAttribute("data-countdown"), 10);
    if (!(left > 0)) {
      return;
    }
    var until = Date.now() + left * 1000;
    function tick() {
      var seconds = Math.max(0, Math.round((until - Date.now()) / 1000));
      if (seconds === 0) {
        // Translators: ends the sentence "The room opens at 19:00, 10 minutes before the start: …".
        timer.textContent = gettext("now: opening the room…");
        window.location.reload();
        return;
      }
      timer.textContent = spell(seconds);
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/*
 * The installable app (templates/sw.js): register the service worker, which keeps the shell,
 * the crisis lines and "My meetings" for when the phone is offline. On a page a visitor sees
 * (nobody signed in), empty what a member kept on this browser.
 */
(function () {
  "use strict";

  if (!("serviceWorker" in navigator)) {
    return;
  }
  if (document.body && document.body.getAttribute("data-viewer") === "visitor" && window.caches) {
    window.caches.delete("kinship-member");
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* No service worker (a private window, an old browser): the site works as before. */
    });
  });
})();

/*
 * Push notifications on this device (accounts/devices.html): the button shows where the
 * browser can do it; the browser asks for permission only after the tap, never on page load.
 * The subscription is made with our VAPID public key and posted to the server.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-push-optin]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) {
    return;
  }
  var button = box.querySelector("[data-push-subscribe]");
  function show(state) {
    Array.prototype.forEach.call(box.querySelectorAll("[data-push-state]"), function (node) {
      node.hidden = node.getAttribute("data-push-state") !== state;
    });
  }
  function key(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }
  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function deviceName() {
    var agent = navigator.userAgent;
    // Translators: a device's name on the push devices page when its browser is not recognised.
    var browser = /Firefox\//.test(agent) ? "Firefox" : /Edg\//.test(agent) ? "Edge" : /Chrome\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : gettext("A browser");
    var system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS" : /Mac OS X/.test(agent) ? "macOS" : /Windows/.test(agent) ? "Windows" : /Linux/.test(agent) ? "Linux" : "";
    // Translators: a device's name on the push devices page, e.g. "Firefox on Android".
    return system ? interpolate(gettext("%(browser)s on %(system)s"), { browser: browser, system: system }, true) : browser;
  }
  if (Notification.permission === "denied") {
    show("denied");
    return;
  }
  show("ready");
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          show("denied");
          throw new Error("not granted");
        }
        return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
          return navigator.serviceWorker.ready;
        });
      })
      .then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key(box.getAttribute("data-vapid-key")),
        });
      })
      .then(function (subscription) {
        return fetch(box.getAttribute("data-subscribe-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "X-Device-Name": deviceName() },
          body: JSON.stringify(subscription.toJSON()),
        });
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("refused");
        }
        window.location.reload();
      })
      .catch(function (error) {
        button.disabled = false;
        if (Notification.permission !== "denied") {
          show("failed");
        }
      });
  });
})();
