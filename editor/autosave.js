// Autosave: a private unsaved copy of the editor form kept on the server (POST to the form's
// data-autosave address with the CSRF token) every few seconds when something changed, and on leaving
// the page (navigator.sendBeacon). Saving the form deletes the copy on the server; the page then offers
// nothing on reopening. Without JavaScript there is no autosave (the form works as before).
const EVERY_MS = 3000;

export function startAutosave(form) {
  const url = form.dataset.autosave;
  if (!url) return;
  const snapshot = () => {
    const data = new URLSearchParams(new FormData(form));
    data.delete('do');
    return data;
  };
  let last = snapshot().toString();
  let submitting = false;
  let busy = false;
  const status = document.createElement('span');
  status.className = 'pm-autosave';
  status.setAttribute('role', 'status');
  const buttons = form.querySelector('.buttons');
  if (buttons) buttons.append(' ', status);
  const t = document.documentElement.lang === 'ar'
    ? { ok: (x) => `حُفظت نسخة مؤقتة ${x}`, bad: 'تعذر حفظ النسخة المؤقتة' }
    : { ok: (x) => `Unsaved copy kept at ${x}`, bad: 'The unsaved copy could not be kept' };
  const send = async () => {
    if (submitting || busy) return;
    const data = snapshot();
    const text = data.toString();
    if (text === last) return;
    busy = true;
    try {
      const r = await fetch(url, { method: 'POST', body: data, credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } });
      if (r.ok) {
        last = text;
        status.textContent = t.ok(new Date().toLocaleTimeString(document.documentElement.lang || 'en', { hour: '2-digit', minute: '2-digit', second: '2-digit' }));
      } else status.textContent = t.bad;
    } catch (e) {
      status.textContent = t.bad;
    } finally {
      busy = false;
    }
  };
  const beacon = () => {
    if (submitting) return;
    const data = snapshot();
    if (data.toString() !== last && navigator.sendBeacon(url, data)) last = data.toString();
  };
  setInterval(send, EVERY_MS);
  form.addEventListener('submit', () => { submitting = true; });
  window.addEventListener('pagehide', beacon);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') beacon(); });
}
