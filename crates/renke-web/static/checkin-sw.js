// Service worker of the QR check-in page (served at /sessions/checkin-sw.js, so its scope is
// /sessions/). It keeps the last good copy of each check-in page and the files it uses, so
// reloading the page with no network still opens it; the check-ins themselves wait in the
// page's localStorage queue (see checkin.js), and a background sync wakes the open pages to
// send them when the network is back.
var CACHE = "renke-checkin-v1";
var ASSETS = ["/static/style.css", "/static/checkin.js", "/static/app.js", "/static/htmx.min.js"];
var PAGE = /^\/sessions\/\d+\/checkin$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("renke-checkin-") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// Network first for the page (fresh counts and CSRF token when online), the cached copy
// when offline; the cache first for the static files, refreshed in the background.
self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (PAGE.test(url.pathname)) {
    event.respondWith(fetch(req).then(function (res) {
      if (res.ok && !res.redirected) {
        var copy = res.clone();
        caches.open(CACHE).then(function (c) { return c.put(url.pathname, copy); });
      }
      return res;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
    }));
  } else if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) {
      var fresh = fetch(req).then(function (res) {
        if (res.ok) { var copy = res.clone(); caches.open(CACHE).then(function (c) { return c.put(url.pathname, copy); }); }
        return res;
      });
      return hit || fresh;
    }));
  }
});

// Back online (Background Sync): ask every open check-in page to send its queue.
self.addEventListener("sync", function (event) {
  if (event.tag !== "renke-checkin") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (list) {
    list.forEach(function (c) { c.postMessage("renke-checkin-sync"); });
  }));
});
