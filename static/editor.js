// Live preview for the article editor: the server renders the Markdown (cmark-gfm, safe mode); this
// only sends the text and shows the reply. Without JavaScript the Preview button does the same.
(() => {
  const body = document.getElementById('body');
  const pane = document.getElementById(body && body.dataset.preview);
  const form = body && body.form;
  if (!body || !pane || !form) return;
  let timer = null;
  let last = null;
  const refresh = async () => {
    if (body.value === last) return;
    last = body.value;
    const data = new URLSearchParams();
    data.set('csrf', form.elements.csrf.value);
    data.set('body', body.value);
    try {
      const r = await fetch('/admin/preview', { method: 'POST', body: data, credentials: 'same-origin' });
      if (r.ok) pane.innerHTML = await r.text(); // trusted: server-rendered, raw HTML stripped
    } catch (e) { /* offline: keep the last preview */ }
  };
  body.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, 400); });
  refresh();
})();
