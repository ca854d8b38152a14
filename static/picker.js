// Pickers for the article editor: the lead image (a <select>) and the translation (an article number)
// are chosen by typing part of an image's alt text or caption, or of a headline, instead of by number.
// Each field marked data-pick="media" or data-pick="articles" gets a combobox (the ARIA 1.2 combobox
// pattern: a text input with a listbox popup; Down/Up move through the options, Enter chooses, Escape
// closes) that asks /admin/pick/<kind>?q= as the user types and writes the chosen id into the original
// field, which stays in the form (hidden) and is what the server reads. Without JavaScript the original
// field is used as before. The server lists only what the user may see.
(() => {
  let serial = 0;
  const wait = (fn, ms) => { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; };

  function setup(field) {
    const kind = field.dataset.pick;
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
    if (field.tagName === 'SELECT') {
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
        const ed = document.getElementById(field.dataset.pickOtherEdition || '');
        if (ed && ed.value) params.set('edition', ed.value === 'ar' ? 'en' : 'ar');
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
      if (!input.value.trim()) { field.value = noneValue; chosen = ''; }
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
