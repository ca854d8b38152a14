// Paste cleaning for the writing desk: HTML from Word, Google Docs and web pages reduced to what the
// schema holds before ProseMirror parses it (which itself keeps only the schema's elements and marks).
// Removed: scripts, styles, frames, objects, forms, comments (Word's conditional ones included), Word's
// list markers (mso-list:Ignore) and o:p elements, every attribute but href and dir, empty paragraphs.
// Word's list paragraphs (style mso-list) become real lists.

const DROP = 'script,style,iframe,frame,frameset,object,embed,applet,noscript,template,meta,link,title,form,input,button,select,textarea,svg,math,img,video,audio,canvas';
const KEEP_ATTRS = { a: ['href', 'title'], ol: ['start'], p: ['dir'], h1: ['dir'], h2: ['dir'], h3: ['dir'], h4: ['dir'], h5: ['dir'], h6: ['dir'], li: ['dir'] };

// wordLists: turns runs of Word's list paragraphs (<p style="mso-list:l0 level1 lfo1">, with their
// marker in a span styled mso-list:Ignore) into <ul>/<ol> with <li>.
function wordLists(root) {
  const paras = [...root.querySelectorAll('p')].filter((p) => /mso-list:\s*l\d/i.test(p.getAttribute('style') || ''));
  let list = null, last = null;
  for (const p of paras) {
    const marker = p.querySelector('[style*="mso-list:Ignore" i], [style*="mso-list: Ignore" i]');
    const ordered = marker ? /^\s*[\w]{1,3}[.)]/.test(marker.textContent) : false;
    if (marker) marker.remove();
    if (!list || p.previousElementSibling !== last) {
      list = root.ownerDocument.createElement(ordered ? 'ol' : 'ul');
      p.before(list);
    }
    const li = root.ownerDocument.createElement('li');
    const inner = root.ownerDocument.createElement('p');
    while (p.firstChild) inner.append(p.firstChild);
    li.append(inner);
    list.append(li);
    last = list;
    p.remove();
  }
}

// styled: wraps the children of a <span> styled bold or italic (Google Docs, web pages) in <strong> or
// <em>, so the marks survive once styles are removed.
function styled(root) {
  for (const el of [...root.querySelectorAll('span[style], font[style]')]) {
    // read from the attribute's text: under the newsroom's Content-Security-Policy (no inline styles)
    // the browser does not apply a parsed style attribute, so el.style is empty
    const css = el.getAttribute('style');
    const prop = (name) => (new RegExp(`(?:^|;)\\s*${name}\\s*:\\s*([^;!]+)`, 'i').exec(css) || [])[1]?.trim().toLowerCase();
    const bold = /^(bold(er)?|[6-9]00)$/.test(prop('font-weight') || '');
    const italic = prop('font-style') === 'italic';
    let inner = el;
    for (const [on, tag] of [[bold, 'strong'], [italic, 'em']]) {
      if (!on) continue;
      const w = root.ownerDocument.createElement(tag);
      while (inner.firstChild) w.append(inner.firstChild);
      inner.append(w);
      inner = w;
    }
  }
}

// autoDir: the direction dir="auto" gives text (its first strong letter's), 'ltr' when it has none.
export function autoDir(text) {
  const m = /\p{L}/u.exec(text || '');
  return m && /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u.test(m[0]) ? 'rtl' : 'ltr';
}

// cleanHTML: the pasted HTML reduced to the allowed structure (a string).
export function cleanHTML(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const root = doc.body;
  // Google Docs: <b style="font-weight:normal" id="docs-internal-guid-..."> around everything is not bold
  for (const b of [...root.querySelectorAll('b[id^="docs-internal-guid"]')]) b.replaceWith(...b.childNodes);
  for (const el of [...root.querySelectorAll(DROP)]) el.remove();
  // line breaks between blocks (Google Docs puts <br> between paragraphs) are not text
  for (const br of [...root.querySelectorAll(':scope > br, :scope > b > br')]) br.remove();
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  for (const c of comments) c.remove();
  wordLists(root);
  styled(root);
  for (const el of [...root.getElementsByTagName('*')]) {
    const tag = el.localName;
    if (tag.includes(':')) { el.replaceWith(...el.childNodes); continue; } // o:p, w:sdt, v:shape ...
    const keep = KEEP_ATTRS[tag] || [];
    for (const a of [...el.attributes]) if (!keep.includes(a.name)) el.removeAttribute(a.name);
    if (el.hasAttribute('dir')) {
      // kept only where it differs from what the text's first strong letter gives (dir="auto"): Google
      // Docs marks every paragraph, Word writes dir=RTL on every Arabic one
      const d = el.getAttribute('dir').toLowerCase();
      if (d === autoDir(el.textContent) || (d !== 'rtl' && d !== 'ltr')) el.removeAttribute('dir');
      else el.setAttribute('dir', d);
    }
    if (tag === 'a' && /^\s*(javascript|data|vbscript|file):/i.test(el.getAttribute('href') || '')) el.removeAttribute('href');
  }
  for (const p of [...root.querySelectorAll('p')])
    if (!p.textContent.replace(/[\s\u00a0]/g, '') && !p.querySelector('br')) p.remove();
  return root.innerHTML;
}

// bareLink: the https URL when text is one and nothing else, else null.
export function bareLink(text) {
  const t = String(text || '').trim();
  if (!/^https:\/\/\S+$/.test(t)) return null;
  try { return new URL(t).protocol === 'https:' ? t : null; } catch { return null; }
}
