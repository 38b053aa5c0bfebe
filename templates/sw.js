{% comment %}
Kinship's service worker, served at /sw.js (config/views.py, service_worker) so that it
controls the whole site. Ours entirely: no library, nothing fetched from elsewhere.

- The shell (styles, scripts, icons), the crisis lines and the offline page are kept for
  everyone: none of it is private.
- A member's own pages that say they may be kept offline (the response header
  X-Kinship-Offline: member, today "My meetings" and its next eight weeks) are kept in a cache
  of their own, fetched from the network first, and shown from the cache only when the
  network fails, with the page's "offline, last updated at …" notice uncovered.
- Push messages are shown as they come (the server words them), and a tap opens their page.
- Nothing else is stored. Signing out (Clear-Site-Data on the sign-out's answer) and any page
  a visitor opens (static/js/site.js) empty the members' cache.
{% endcomment %}{% autoescape off %}"use strict";

const SHELL_CACHE = "kinship-shell-{{ version }}";
const MEMBER_CACHE = "kinship-member";
const SHELL = {{ shell_json }};
const CATALOG = "{{ catalog_url }}";
const OFFLINE_PAGE = "{{ offline_url }}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      // As a visitor gets them: the crisis and offline pages must not carry a member's name.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("kinship-shell-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "signed-out") {
    event.waitUntil(caches.delete(MEMBER_CACHE));
  }
});

// A page from the members' cache, with its offline notice shown.
async function fromMemberCache(request) {
  const cache = await caches.open(MEMBER_CACHE);
  const kept = await cache.match(request, { ignoreSearch: false });
  if (!kept) {
    return null;
  }
  const text = (await kept.text()).replace("data-offline-notice hidden", "data-offline-notice");
  return new Response(text, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    const kept = response.headers.get("X-Kinship-Offline");
    if (response.ok && kept === "member") {
      const cache = await caches.open(MEMBER_CACHE);
      await cache.put(request, response.clone());
    } else if (response.ok && kept === "visitor") {
      // A page that only a visitor sees: whoever uses this browser is signed out.
      await caches.delete(MEMBER_CACHE);
    }
    return response;
  } catch (offline) {
    // ignoreVary: the shell's pages were fetched without the page's headers (Vary:
    // Accept-Language), in the language the browser asks for.
    const kept = { cacheName: SHELL_CACHE, ignoreVary: true };
    const page = (await fromMemberCache(request)) || (await caches.match(request, kept));
    return page || (await caches.match(OFFLINE_PAGE, kept)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (url.pathname === CATALOG) {
    // The words of our scripts, in the language of the page: from the network, and the
    // last copy kept for when there is none.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(SHELL_CACHE).then((cache) => cache.put(CATALOG, copy));
          }
          return response;
        })
        .catch(() => caches.match(CATALOG, { cacheName: SHELL_CACHE, ignoreVary: true }))
    );
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)));
  }
});

// A push message (notifications.push): its title and body as the server wrote them (neutral
// in discreet mode), and where a tap leads.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (unreadable) {
    message = {};
  }
  const title = message.title || "{{ site_name|escapejs }}";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: message.body || "",
      tag: message.tag || undefined,
      icon: "{{ icon_url }}",
      data: { url: message.url || "/", join: message.join || null },
    })
  );
});

// Where a tap leads: an online meeting's join address while its room is open (from when it
// opens to the meeting's end), decided at the tap since a notification may be read late;
// the meeting's page (or the message's own page) otherwise.
function tapTarget(data, now) {
  const join = data.join;
  if (join && join.url && Date.parse(join.from) <= now && now < Date.parse(join.until)) {
    return join.url;
  }
  return data.url || "/";
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(tapTarget(event.notification.data || {}, Date.now()), self.location.origin);
  if (target.origin !== self.location.origin) {
    return;
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target.href);
      return open ? open.focus() : self.clients.openWindow(target.href);
    })
  );
});
{% endautoescape %}
