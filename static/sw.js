/* sw.js - Broadsheet's service worker, served at /sw.js (scope "/"): shows news alerts (Web Push). Each
 * message is the JSON the server encrypts for this device (id, title, body, url, icon, tag, edition); the
 * notification's tag is the alert's, so a repeat replaces rather than duplicates, and an alert id this
 * worker has already shown is ignored (remembered in Cache Storage, which outlives the worker). A click
 * opens the alert's link (or focuses a tab already on it). */
'use strict';
var SEEN = 'broadsheet-push-seen';
var KEEP = 200; /* alert ids remembered */

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

/* firstTime: resolves true the first time alert id is seen here (and remembers it), false after. */
function firstTime(id) {
  if (id === undefined || id === null) return Promise.resolve(true);
  var key = new Request(self.registration.scope + '__push-seen/' + encodeURIComponent(String(id)));
  return caches.open(SEEN).then(function (cache) {
    return cache.match(key).then(function (hit) {
      if (hit) return false;
      return cache.put(key, new Response('1')).then(function () {
        return cache.keys().then(function (keys) {
          return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP)).map(function (k) { return cache.delete(k); }));
        });
      }).then(function () { return true; });
    });
  }).catch(function () { return true; });
}

self.addEventListener('push', function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {title: event.data ? event.data.text() : ''}; }
  var ar = data.edition === 'ar';
  event.waitUntil(firstTime(data.id).then(function (first) {
    if (!first) return null;
    return self.registration.showNotification(data.title || '', {
      body: data.body || '', icon: data.icon, tag: data.tag || (data.id !== undefined ? 'alert-' + data.id : undefined),
      lang: data.edition || '', dir: ar ? 'rtl' : 'ltr', data: {url: data.url || '/', id: data.id}
    });
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(self.clients.matchAll({type: 'window', includeUncontrolled: true}).then(function (list) {
    for (var i = 0; i < list.length; i++)
      if (list[i].url === url && 'focus' in list[i]) return list[i].focus();
    return self.clients.openWindow ? self.clients.openWindow(url) : null;
  }));
});
