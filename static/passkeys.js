// Passkeys (issue 20): the browser's half of the WebAuthn ceremonies. The server sends options as JSON with
// bytes in base64url; this script turns them into what navigator.credentials wants, and the answer back
// into JSON. Three places use it, each found by its data attribute:
// - [data-passkey-add] (/admin/account/passkeys): the name and password form adds a passkey
//   (POST /admin/account/passkeys/options, navigator.credentials.create, POST /admin/account/passkeys/add);
// - [data-passkey-login] (the log-in page): "Sign in with a passkey" (POST /admin/login/passkey/options,
//   navigator.credentials.get, POST /admin/login/passkey), with the log-in form's token as X-CSRF-Token;
// - [data-passkey-second] (a second-factor step): a button holding the options in data-passkey-options;
//   the answer goes into its form's passkey_assertion field and the form is submitted.
// Without JavaScript the pages say so (<noscript>); without WebAuthn the .passkey-unsupported paragraph is
// shown instead of the .passkey-ready parts. Messages come from the page (data-msg-*, in its language) or
// from the server's JSON errors (translated there).
(() => {
  const enc = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const dec = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const supported = () => !!(window.PublicKeyCredential && navigator.credentials && navigator.credentials.create);
  const ids = (list) => (list || []).map((c) => ({ ...c, id: dec(c.id) }));

  // creationOptions, requestOptions: the server's publicKey options with their bytes decoded
  const creationOptions = (o) => ({ ...o, challenge: dec(o.challenge), user: { ...o.user, id: dec(o.user.id) },
    excludeCredentials: ids(o.excludeCredentials) });
  const requestOptions = (o) => ({ ...o, challenge: dec(o.challenge), allowCredentials: ids(o.allowCredentials) });

  // the answers as JSON, bytes in base64url
  const attestationJSON = (c) => ({ id: c.id, type: c.type, response: {
    clientDataJSON: enc(c.response.clientDataJSON), attestationObject: enc(c.response.attestationObject) } });
  const assertionJSON = (c) => ({ id: c.id, type: c.type, response: {
    clientDataJSON: enc(c.response.clientDataJSON), authenticatorData: enc(c.response.authenticatorData),
    signature: enc(c.response.signature), userHandle: c.response.userHandle ? enc(c.response.userHandle) : null } });

  // postJSON: POSTs body as JSON with the token; resolves {ok, data} (data null when the reply is not JSON)
  async function postJSON(url, token, body) {
    const r = await fetch(url, { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: JSON.stringify(body) });
    let data = null;
    try { data = await r.json(); } catch { data = null; }
    return { ok: r.ok, data };
  }

  // setup: shows the parts of box that need WebAuthn, or says it is missing; returns a status writer
  function setup(box) {
    const status = box.querySelector('.passkey-status');
    const ok = supported();
    for (const el of box.querySelectorAll('.passkey-ready')) el.hidden = !ok;
    for (const el of box.querySelectorAll('.passkey-unsupported')) el.hidden = ok;
    return { ok, say: (text) => { if (status) status.textContent = text; } };
  }

  // ceremony: runs one ceremony (steps: an async function), saying what goes on in box's status line; a
  // refusal from the server shows its message, a cancelled prompt or other failure the page's own
  const ceremony = (box, say, button) => async (steps) => {
    const msg = box.dataset;
    if (button) button.disabled = true;
    say(msg.msgWorking);
    try {
      await steps();
    } catch (e) {
      say(e && e.server ? e.message : e && e.name === 'NotAllowedError' ? msg.msgCancelled : msg.msgFailed);
    } finally {
      if (button) button.disabled = false;
    }
  };
  const refusal = (r, fallback) => Object.assign(new Error(r.data && r.data.error ? r.data.error : fallback), { server: true });

  for (const box of document.querySelectorAll('[data-passkey-add]')) {
    const { ok, say } = setup(box);
    const form = box.querySelector('#passkey-add-form');
    if (!ok || !form) continue;
    const run = ceremony(box, say, form.querySelector('button'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      run(async () => {
        const token = box.dataset.csrf;
        const opts = await postJSON('/admin/account/passkeys/options', token, { password: form.elements.password.value });
        if (!opts.ok || !opts.data || !opts.data.publicKey) throw refusal(opts, box.dataset.msgFailed);
        form.elements.password.value = '';
        const cred = await navigator.credentials.create({ publicKey: creationOptions(opts.data.publicKey) });
        const r = await postJSON('/admin/account/passkeys/add', token, { name: form.elements.name.value,
          credential: attestationJSON(cred) });
        if (!r.ok || !r.data || !r.data.next) throw refusal(r, box.dataset.msgFailed);
        window.location.assign(r.data.next);
      });
    });
  }

  for (const box of document.querySelectorAll('[data-passkey-login]')) {
    const { ok, say } = setup(box);
    const button = box.querySelector('#passkey-login');
    const form = document.querySelector('form[action="/admin/login"]');
    if (!ok || !button || !form) continue;
    const run = ceremony(box, say, button);
    button.addEventListener('click', () => run(async () => {
      const token = form.elements.token.value;
      const opts = await postJSON('/admin/login/passkey/options', token, {});
      if (!opts.ok || !opts.data || !opts.data.publicKey) throw refusal(opts, box.dataset.msgFailed);
      const cred = await navigator.credentials.get({ publicKey: requestOptions(opts.data.publicKey) });
      const r = await postJSON('/admin/login/passkey', token, { next: form.elements.next.value,
        credential: assertionJSON(cred) });
      if (!r.ok || !r.data || !r.data.next) throw refusal(r, box.dataset.msgFailed);
      window.location.assign(r.data.next);
    }));
  }

  for (const button of document.querySelectorAll('[data-passkey-second]')) {
    const box = button.closest('.passkey-second') || button.parentElement;
    const { ok, say } = setup(box);
    const form = button.closest('form');
    if (!ok || !form || !form.elements.passkey_assertion) continue;
    const run = ceremony(box, say, button);
    button.addEventListener('click', () => run(async () => {
      const options = JSON.parse(button.dataset.passkeyOptions);
      const cred = await navigator.credentials.get({ publicKey: requestOptions(options.publicKey) });
      form.elements.passkey_assertion.value = JSON.stringify(assertionJSON(cred));
      form.submit();
    }));
  }
})();
