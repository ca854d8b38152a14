// Live coverage without reload (issue 21; docs/live.md's contract). Progressive enhancement of a live
// blog's page: the page is complete without this script (a reload shows every new entry). On a page whose
// entries container carries data-live-poll (the URL of the blog's live.json; empty = "{page}/live.json"),
// the script polls that document every data-live-interval milliseconds (default 5000) with If-None-Match,
// so an unchanged blog costs a 304 from the page cache. It backs off while the tab is hidden and after
// errors, and stops for good once the blog's state is "ended" (and shows that it ended).
//
// It never moves what the reader is reading:
//  - entries newer than the newest shown are NOT inserted while the reader is down the page: a button
//    "N new updates" appears (in a polite live region); they go in when the reader presses it, or at once
//    when the reader is at the very top of the page;
//  - an entry already shown that was corrected or withdrawn is replaced in place;
//  - every change to the page measures an anchor (the entry at the top of the viewport, or whatever element
//    is there) before and after, and scrolls by the difference, so its position on screen stays put.
//    The browser's own scroll anchoring is switched off so that the two never add up.
// Strings: English or Arabic by the page's lang, each overridable by a data-live-t-<name> attribute on the
// container ("{n}" is the count): one, two, few, many, other (Intl plural categories), ended.
// Entries are <article id="entry-{id}" class="live-entry"> (the HTML a reload would show, from live.json).
(() => {
  const box = document.querySelector('[data-live-poll]');
  if (!box || !window.fetch || !window.JSON) return;
  const lang = (box.closest('[lang]') || document.documentElement).getAttribute('lang') || 'en';
  const ar = lang.slice(0, 2) === 'ar';
  const DEFAULTS = ar
    ? {
        zero: 'لا تحديثات جديدة', one: 'تحديث جديد واحد', two: 'تحديثان جديدان', few: '{n} تحديثات جديدة',
        many: '{n} تحديثًا جديدًا', other: '{n} تحديث جديد', ended: 'انتهت التغطية المباشرة.',
      }
    : { one: '1 new update', other: '{n} new updates', ended: 'Live coverage has ended.' };
  const plural = (() => {
    try { return new Intl.PluralRules(ar ? 'ar' : 'en'); } catch (e) { return { select: (n) => (n === 1 ? 'one' : 'other') }; }
  })();
  // text: the string called name ({n} replaced), from the container's data-live-t-<name> or the defaults
  const text = (name, n) => {
    const own = box.getAttribute(`data-live-t-${name}`);
    const s = own || DEFAULTS[name] || DEFAULTS.other;
    return s.replace('{n}', String(n));
  };
  const countText = (n) => {
    const cat = plural.select(n);
    return box.hasAttribute(`data-live-t-${cat}`) || DEFAULTS[cat] ? text(cat, n) : text('other', n);
  };

  // where to poll: the attribute's URL, else the page's own path + "/live.json"
  let url = box.getAttribute('data-live-poll');
  if (!url || url === 'true' || url === '1') url = `${location.pathname.replace(/\/+$/, '')}/live.json`;
  const every = Math.max(100, Number(box.getAttribute('data-live-interval')) || 5000);
  // a page of older entries (?before=ID) shows no newer ones: it only keeps its own entries current
  const olderPage = /[?&]before=/.test(location.search);

  // the browser's scroll anchoring would move the page too; this script does it precisely instead
  document.documentElement.style.overflowAnchor = 'none';
  if (document.body) document.body.style.overflowAnchor = 'none';

  // the bar: a polite live region (present from the start, so that screen readers announce changes)
  // holding the button; it sticks to the top of the viewport while the reader is among the entries
  const bar = document.createElement('div');
  bar.className = 'live-bar';
  bar.setAttribute('aria-live', 'polite');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'live-new';
  button.hidden = true;
  const status = document.createElement('p');
  status.className = 'live-ended';
  status.hidden = true;
  bar.append(button, status);
  box.before(bar);

  const entryId = (el) => Number((el.id || '').replace(/^entry-/, '')) || 0;
  const shown = () => Array.from(box.querySelectorAll('article.live-entry[id^="entry-"]'));
  let newest = shown().reduce((m, el) => Math.max(m, entryId(el)), 0);
  const seen = new Map(); // entry id -> the HTML live.json last gave for it
  let pending = []; // entries newer than the newest shown, newest first, waiting for the reader
  let etag = null;
  let timer = 0;
  let failures = 0;
  let stopped = false;

  // anchor: what the reader is reading: the first element at the top of the viewport (an entry when the
  // reader is among them); returns {el, id, top}
  const anchor = () => {
    const r = box.getBoundingClientRect();
    let el = null;
    if (r.top < 0) el = shown().find((e) => e.getBoundingClientRect().bottom > 0) || null;
    if (!el) {
      const hit = document.elementFromPoint(Math.floor(window.innerWidth / 2), 2);
      el = hit && !bar.contains(hit) ? hit : box;
    }
    return { el, id: el.id, top: el.getBoundingClientRect().top };
  };
  // keepInPlace: runs change(), then scrolls so that the anchor is where it was on screen (an anchor that
  // change() replaced is found again by its id)
  const keepInPlace = (change) => {
    const a = anchor();
    change();
    let el = a.el;
    if (!el.isConnected && a.id) el = document.getElementById(a.id);
    if (!el || !el.isConnected) return;
    const d = el.getBoundingClientRect().top - a.top;
    if (Math.abs(d) >= 0.5) window.scrollTo(window.scrollX, window.scrollY + d);
  };
  // parse: the element of one entry's HTML from live.json (null if it is not one)
  const parse = (html) => {
    const t = document.createElement('template');
    t.innerHTML = html;
    const el = t.content.querySelector('article.live-entry') || t.content.firstElementChild;
    return el;
  };
  const atTop = () => window.scrollY <= 1;
  // signature: what changes when an entry is corrected or withdrawn: its version and state (null when the
  // page gives no version: then the HTML live.json gave last time is compared instead)
  const signature = (el) => {
    const v = el.getAttribute('data-entry-version');
    return v === null ? null : `${v} ${el.classList.contains('live-entry-withdrawn')}`;
  };

  // insertNew: puts the pending entries above the newest shown (in their order), keeping the reader's place;
  // focus moves to the first of them without scrolling (for keyboard and screen reader users)
  const insertNew = (focus) => {
    const list = pending;
    pending = [];
    if (!list.length) return;
    let first = null;
    keepInPlace(() => {
      const top = shown()[0] || null;
      for (let i = list.length - 1; i >= 0; i--) {
        const el = parse(list[i].html);
        if (!el || document.getElementById(el.id)) continue;
        if (top) top.before(el); else box.prepend(el);
        first = el;
      }
      button.hidden = true;
    });
    newest = Math.max(newest, ...list.map((e) => e.id));
    if (focus && first) {
      first.setAttribute('tabindex', '-1');
      first.focus({ preventScroll: true });
    }
  };
  button.addEventListener('click', () => insertNew(true));

  // showCount: the button with the number of entries waiting (hidden when none)
  const showCount = () => {
    if (!pending.length) return;
    keepInPlace(() => {
      button.textContent = countText(pending.length);
      button.hidden = false;
    });
  };

  // update: applies one live.json document
  const update = (doc) => {
    const entries = Array.isArray(doc.entries) ? doc.entries : [];
    // entries already shown: replaced in place when live.json's HTML for them changed
    const changes = [];
    for (const e of entries) {
      const id = Number(e.id);
      const old = document.getElementById(`entry-${id}`);
      const before = seen.get(id);
      seen.set(id, e.html);
      if (!old || !box.contains(old)) continue;
      const fresh = parse(e.html);
      if (!fresh) continue;
      const differs = signature(old) !== null ? signature(old) !== signature(fresh) : before !== undefined && before !== e.html;
      if (differs) changes.push([old, fresh]);
    }
    if (changes.length) keepInPlace(() => { for (const [o, n] of changes) o.replaceWith(n); });
    if (!olderPage) {
      const waiting = new Set(pending.map((e) => e.id));
      const fresh = entries.filter((e) => Number(e.id) > newest && !waiting.has(Number(e.id)))
        .map((e) => ({ id: Number(e.id), html: e.html }));
      pending = pending.concat(fresh).sort((x, y) => y.id - x.id);
      if (pending.length) {
        if (atTop()) insertNew(false); else showCount();
      }
    }
    if (doc.state === 'ended') {
      stopped = true;
      keepInPlace(() => {
        status.textContent = text('ended', 0);
        status.hidden = false;
        box.setAttribute('data-live-state', 'ended');
      });
    }
  };

  // delay: the wait before the next poll: longer while the tab is hidden, doubling after each error
  const delay = () => {
    let d = every;
    if (document.visibilityState === 'hidden') d *= 6;
    if (failures) d *= Math.min(2 ** failures, 60);
    return d;
  };
  const schedule = (ms) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(poll, ms);
  };
  let busy = false; // a poll is on its way (a visibility change must not start a second one)
  async function poll() {
    if (stopped || busy) return;
    busy = true;
    try {
      const headers = etag ? { 'If-None-Match': etag } : {};
      const r = await fetch(url, { headers, cache: 'no-cache', credentials: 'omit' });
      if (r.status === 200) {
        const doc = await r.json();
        etag = r.headers.get('ETag') || null;
        update(doc);
      } else if (r.status !== 304) {
        throw new Error(`live.json: ${r.status}`);
      }
      failures = 0;
    } catch (e) {
      failures++;
    }
    busy = false;
    schedule(delay());
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') schedule(Math.min(every, 1000));
  });
  // when the reader scrolls back to the very top, the waiting entries go in
  window.addEventListener('scroll', () => { if (pending.length && atTop()) insertNew(false); }, { passive: true });
  if (box.getAttribute('data-live-state') === 'ended') return;
  schedule(every);
})();
