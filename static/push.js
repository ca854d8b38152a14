/* push.js - a reader's opt-in to news alerts (Web Push, progressive enhancement): the button in the page
 * footer (templates/push_optin.html) stays hidden unless this browser has service workers, push and
 * notifications; permission is asked only after the click. Subscribing registers /sw.js (scope "/"),
 * subscribes with the site's VAPID key and sends the subscription with the page's edition and signed token
 * to /push/subscribe; clicking again unsubscribes. A device follows one edition at a time: turning alerts
 * on in the other edition moves it there. */
(function () {
  'use strict';
  var box = document.querySelector('.push-optin');
  if (!box || !box.dataset.token || !box.dataset.key || !('serviceWorker' in navigator) ||
      !('PushManager' in window) || !('Notification' in window)) return;
  var button = box.querySelector('.push-button');
  var status = box.querySelector('.push-status');
  var edition = box.dataset.edition;
  var stored = 'broadsheet-push-edition';

  function key(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function send(path, body) {
    return fetch(path, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-Push-Token': box.dataset.token},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) throw new Error(j.error || box.dataset.failed);
        return j;
      });
    });
  }
  function show(on, message) {
    button.textContent = on ? box.dataset.stop : box.dataset.off;
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    status.textContent = message !== undefined ? message : on ? box.dataset.on : '';
  }
  function saved() {
    try { return localStorage.getItem(stored); } catch (e) { return null; }
  }
  function save(v) {
    try { if (v) localStorage.setItem(stored, v); else localStorage.removeItem(stored); } catch (e) { /* private mode */ }
  }

  var registration = navigator.serviceWorker.register('/sw.js', {scope: '/'});
  box.hidden = false;
  var on = false;
  registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
    on = !!sub && Notification.permission === 'granted' && saved() === edition;
    show(on);
  }).catch(function () { show(false); });

  button.addEventListener('click', function () {
    button.disabled = true;
    var done = function () { button.disabled = false; };
    if (on) {
      registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
        if (!sub) return null;
        var endpoint = sub.endpoint;
        return sub.unsubscribe().then(function () { return send('/push/unsubscribe', {endpoint: endpoint}); });
      }).catch(function () { /* gone already */ }).then(function () { on = false; save(null); show(false); done(); });
      return;
    }
    Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') { show(false, box.dataset.denied); return null; }
      return navigator.serviceWorker.ready.then(function (reg) {
        return reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(box.dataset.key)});
      }).then(function (sub) {
        var body = sub.toJSON();
        body.edition = edition;
        return send('/push/subscribe', body);
      }).then(function () { on = true; save(edition); show(true); });
    }).catch(function (e) { show(false, (e && e.message && e.message.length < 200 && e.name === 'Error') ? e.message : box.dataset.failed); })
      .then(done);
  });
})();
