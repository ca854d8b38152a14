// One HTTP request as a browser of the tests makes it: from a loopback source address of its own (so the
// server's limits by address stay per test) with a cookie jar, never following redirects. The tests that
// act as several browsers (sec-login, mfa-totp, oidc) build their clients on it.
import http from 'node:http';

/** storeCookies: applies a reply's Set-Cookie headers to jar (a Map name -> value); an emptied or expired
 * cookie is removed. */
export function storeCookies(jar, setCookie) {
  for (const c of [].concat(setCookie ?? [])) {
    const m = /^([^=;]+)=([^;]*)/.exec(c);
    if (!m) continue;
    if (m[2] === '' || /;\s*max-age=0\b/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(m[1]);
    else jar.set(m[1], m[2]);
  }
}

/**
 * sendFrom: one request from local address ip to url (absolute). form (an object or [name, value] pairs)
 * makes it an urlencoded POST; jar (a Map) takes the reply's cookies and, unless sendCookies is false,
 * sends its own. Resolves {status, headers, rawHeaders, html}.
 */
export function sendFrom(ip, url, { method = 'GET', form, headers = {}, jar = null, sendCookies = true } = {}) {
  const u = new URL(url), h = { ...headers };
  if (jar && sendCookies && jar.size) h.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let body;
  if (form) {
    body = new URLSearchParams(form).toString();
    h['content-type'] = 'application/x-www-form-urlencoded';
    h['content-length'] = Buffer.byteLength(body);
    method = 'POST';
  }
  return new Promise((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h,
      localAddress: ip, agent: false }, (res) => {
      let html = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { html += d; });
      res.on('end', () => {
        if (jar) storeCookies(jar, res.headers['set-cookie']);
        resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, html });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}
