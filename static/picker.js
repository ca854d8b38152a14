// Pickers for the article editor: the lead image (a <select>) and the translation (an article number)
// are chosen by typing part of an image's alt text or caption, or of a headline, instead of by number.
// Each field marked data-pick="media" or data-pick="articles" gets a combobox (the ARIA 1.2 combobox
// pattern: a text input with a listbox popup; Down/Up move through the options, Enter chooses, Escape
// closes) that asks /admin/pick/<kind>?q= as the user types and writes the chosen id into the original
// field, which stays in the form (hidden) and is what the server reads. Without JavaScript the original
// field is used as before. The server lists only what the user may see.
// A field with data-pick-multi="N" (the related stories: a textarea, one story a line, "#12 headline")
// becomes a multi-select: the combobox adds the chosen story to an ordered list below it (at most N),
// each entry with buttons to move it up or down and to remove it, all reachable by Tab; the list is
// written back into the textarea, one "#id headline" a line, in order.
(() => {
  let serial = 0;
  const wait = (fn, ms) => { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; };

  // parseLines: the entries a related-stories text holds: "#12 headline" or "12" by number, any other line
  // (a headline typed without JavaScript) kept as typed for the server to look up
  const parseLines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const m = /^#?(\d+)$/.exec(l) || /^#(\d+)\s+(.*)$/.exec(l);
    return m ? { id: Number(m[1]), label: m[2] ? `#${m[1]} ${m[2]}` : `#${m[1]}`, line: m[2] ? `#${m[1]} ${m[2]}` : `#${m[1]}` }
      : { id: null, label: l, line: l };
  });

  // multi: the ordered list of chosen entries under the combobox (field: the textarea); returns add(it),
  // which puts an entry at the end
  function multi(field, wrap, input, status, max) {
    const box = document.createElement('div');
    box.className = 'picker-chosen-box';
    const heading = document.createElement('p');
    heading.className = 'meta';
    heading.id = `${input.id}-chosen-label`;
    const ol = document.createElement('ol');
    ol.className = 'picker-chosen';
    ol.setAttribute('aria-labelledby', heading.id);
    box.append(heading, ol);
    wrap.after(box);
    let entries = parseLines(field.value);
    const write = () => { field.value = entries.map((e) => e.line).join('\n'); };
    const button = (text, label, fn) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'picker-move';
      b.textContent = text;
      b.setAttribute('aria-label', label);
      b.addEventListener('click', fn);
      return b;
    };
    const draw = (focus) => {
      heading.textContent = entries.length ? `Chosen (${entries.length} of ${max}), in the order readers see them:` : 'None chosen yet.';
      ol.replaceChildren(...entries.map((e, k) => {
        const li = document.createElement('li');
        const text = document.createElement('bdi');
        text.textContent = e.label;
        li.append(text, ' ');
        if (k > 0) li.append(button('↑', `Move up: ${e.label}`, () => move(k, -1)), ' ');
        if (k < entries.length - 1) li.append(button('↓', `Move down: ${e.label}`, () => move(k, 1)), ' ');
        li.append(button('✕', `Remove: ${e.label}`, () => remove(k)));
        return li;
      }));
      if (focus) {
        const li = ol.children[focus.index];
        const b = li && ([...li.querySelectorAll('button')].find((x) => x.getAttribute('aria-label').startsWith(focus.kind))
          || li.querySelector('button'));
        (b || input).focus();
      }
    };
    const move = (k, d) => {
      const [e] = entries.splice(k, 1);
      entries.splice(k + d, 0, e);
      write();
      draw({ index: k + d, kind: d < 0 ? 'Move up' : 'Move down' });
      status.textContent = `Moved to place ${k + d + 1} of ${entries.length}: ${e.label}`;
    };
    const remove = (k) => {
      const [e] = entries.splice(k, 1);
      write();
      draw(entries.length ? { index: Math.min(k, entries.length - 1), kind: 'Remove' } : null);
      if (!entries.length) input.focus();
      status.textContent = `Removed: ${e.label}`;
    };
    draw(null);
    return (it) => {
      if (entries.some((e) => e.id === it.id)) { status.textContent = `Already chosen: ${it.label}`; return; }
      if (entries.length >= max) { status.textContent = `At most ${max}: remove one first.`; return; }
      const label = `#${it.id} ${it.headline}`;
      entries.push({ id: it.id, label, line: label });
      write();
      draw(null);
      status.textContent = `Added (${entries.length} of ${max}): ${label}`;
    };
  }

  function setup(field) {
    const kind = field.dataset.pick;
    const max = Number(field.dataset.pickMulti || 0);
    const n = ++serial;
    const label = document.querySelector(`label[for="${field.id}"]`);
    // spans: the field sits in a <p>, which may hold only phrasing content
    const wrap = document.createElement('span');
    wrap.className = 'picker';
    const input = document.createElement('input');
    input.type = 'text';
    input.id = `${field.id}-pick`;
    input.className = 'picker-input';
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('autocomplete', 'off');
    input.dir = 'auto';
    const list = document.createElement('span');
    list.id = `picker-list-${n}`;
    list.className = 'picker-list';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    input.setAttribute('aria-controls', list.id);
    const hint = document.createElement('span');
    hint.id = `picker-hint-${n}`;
    hint.className = 'meta picker-hint';
    hint.textContent = kind === 'media'
      ? 'Type words of the alt text or caption (or the image number); empty for none.'
      : max ? 'Type words of a headline (or the article number) in this edition, then choose with the arrow keys and Enter.'
        : 'Type words of the headline (or the article number) in the other edition; empty for none.';
    const status = document.createElement('span');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    input.setAttribute('aria-describedby', [hint.id, field.getAttribute('aria-describedby')].filter(Boolean).join(' '));
    if (field.getAttribute('aria-invalid')) input.setAttribute('aria-invalid', field.getAttribute('aria-invalid'));
    if (label) label.htmlFor = input.id;
    wrap.append(input, list, hint, status);
    field.before(wrap);
    field.hidden = true;

    // what the field holds now, shown as text; "none" is the select's option valued "0" or "" (its label
    // becomes the placeholder)
    const noneOpt = field.tagName === 'SELECT' ? [...field.options].find((o) => o.value === '' || o.value === '0') : null;
    const noneValue = noneOpt ? noneOpt.value : '';
    if (noneOpt) input.placeholder = noneOpt.textContent;
    const add = max ? multi(field, wrap, input, status, max) : null;
    if (max) {
      input.value = ''; // the chosen entries are listed below; the combobox is for adding
    } else if (field.tagName === 'SELECT') {
      const opt = field.selectedOptions[0];
      input.value = opt && opt.value !== noneValue ? opt.textContent : '';
    } else {
      const known = field.parentElement.querySelector('bdi');
      input.value = field.value ? (known ? known.textContent : `#${field.value}`) : '';
    }
    let chosen = input.value;
    let items = [];
    let active = -1;

    const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; };
    const mark = (i) => {
      active = i;
      [...list.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
      if (i >= 0) {
        input.setAttribute('aria-activedescendant', list.children[i].id);
        list.children[i].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    };
    const choose = (it) => {
      if (add) {
        add(it);
        input.value = chosen = '';
        items = [];
        close();
        return;
      }
      const value = String(it.id);
      if (field.tagName === 'SELECT') {
        if (![...field.options].some((o) => o.value === value)) field.add(new Option(it.label, value));
      }
      field.value = value;
      input.value = chosen = it.label;
      close();
      status.textContent = `Chosen: ${it.label}`;
    };
    const labelOf = (it) => (kind === 'media'
      ? `#${it.id} ${it.alt}${it.caption ? ` — ${it.caption}` : ''}`
      : `#${it.id} ${it.headline} (${it.edition}, ${it.status})`);
    const render = () => {
      list.replaceChildren(...items.map((it, k) => {
        const li = document.createElement('span');
        li.className = 'picker-option';
        li.id = `${list.id}-${k}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.dir = 'auto';
        if (kind === 'media' && it.thumb) {
          const img = document.createElement('img');
          img.src = it.thumb;
          img.alt = '';
          img.width = 48;
          img.height = 32;
          li.append(img, ' ');
        }
        li.append(it.label);
        li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(it); });
        return li;
      }));
      const open = items.length > 0;
      list.hidden = !open;
      input.setAttribute('aria-expanded', open ? 'true' : 'false');
      active = -1;
      status.textContent = open ? `${items.length} found; use the arrow keys to choose` : 'Nothing found';
    };
    const search = wait(async () => {
      const q = input.value.trim();
      if (!q) { items = []; render(); return; }
      const params = new URLSearchParams({ q });
      if (kind === 'articles') {
        const other = document.getElementById(field.dataset.pickOtherEdition || '');
        const same = document.getElementById(field.dataset.pickSameEdition || '');
        if (other && other.value) params.set('edition', other.value === 'ar' ? 'en' : 'ar');
        if (same && same.value) params.set('edition', same.value);
      }
      try {
        const r = await fetch(`/admin/pick/${kind}?${params}`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
        if (!r.ok) return;
        const doc = await r.json();
        if (input.value.trim() !== q) return; // typed on meanwhile
        items = (doc[kind] || []).map((it) => ({ ...it, label: labelOf(it) }));
        render();
      } catch { /* offline: the typed text stays; nothing is chosen */ }
    }, 150);

    input.addEventListener('input', () => {
      if (!input.value.trim() && !add) { field.value = noneValue; chosen = ''; }
      search();
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' && items.length) {
        e.preventDefault();
        if (list.hidden) render();
        mark(active < items.length - 1 ? active + 1 : 0);
      } else if (e.key === 'ArrowUp' && items.length) {
        e.preventDefault();
        if (list.hidden) render();
        mark(active > 0 ? active - 1 : items.length - 1);
      } else if (e.key === 'Enter' && !list.hidden && active >= 0) {
        e.preventDefault(); // choose, do not submit the form
        choose(items[active]);
      } else if (e.key === 'Escape' && !list.hidden) {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener('blur', () => {
      close();
      if (input.value.trim() && input.value !== chosen) input.value = chosen; // only a chosen entry counts
    });
  }

  document.querySelectorAll('[data-pick]').forEach(setup);
})();
