// The writing desk: mounts ProseMirror over the article body's textarea (#body), which stays the form
// field and the no-JavaScript editor: every change writes the Markdown (docs/blocks.md) back into it.
// Also keeps a private unsaved copy of the whole form on the server (autosave, src/page_editor.c).
import { EditorState, TextSelection, Plugin } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { history, undo, redo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import { baseKeymap, toggleMark, setBlockType, wrapIn, chainCommands, exitCode } from 'prosemirror-commands';
import { wrapInList, splitListItem, liftListItem, sinkListItem } from 'prosemirror-schema-list';
import { inputRules, wrappingInputRule, textblockTypeInputRule } from 'prosemirror-inputrules';
import { dropCursor } from 'prosemirror-dropcursor';
import { gapCursor } from 'prosemirror-gapcursor';
import { schema, safeHref } from './schema.js';
import { parser, toMarkdown, unsupported } from './markdown.js';
import { cleanHTML, bareLink } from './paste.js';
import { BlockView, chooseMedia, media, imageAttrs } from './blocks.js';
import { t } from './i18n.js';
import { startAutosave } from './autosave.js';

const S = schema.nodes;

// markActive: whether mark type is on the selection (or the stored marks at the caret).
function markActive(state, type) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks || $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

// editLink: asks for a link's address and sets it on the selection (empty removes the link).
function editLink(state, dispatch) {
  if (state.selection.empty && !markActive(state, schema.marks.link)) return false;
  if (!dispatch) return true;
  const { from, to } = state.selection;
  let current = '';
  state.doc.nodesBetween(from, to, (n) => { const m = schema.marks.link.isInSet(n.marks); if (m) current = m.attrs.href; });
  const href = window.prompt(t.linkAsk, current);
  if (href === null) return true;
  const tr = state.tr.removeMark(from, to, schema.marks.link);
  if (href.trim()) {
    if (!safeHref(href.trim())) { window.alert(t.linkBad); return true; }
    tr.addMark(from, to, schema.marks.link.create({ href: href.trim() }));
  }
  dispatch(tr);
  return true;
}

// cycleDirection: the direction of the paragraphs and headings in the selection, automatic -> right to
// left -> left to right -> automatic (stored as a leading RLM/LRM mark).
function cycleDirection(state, dispatch) {
  const { $from } = state.selection;
  const cur = $from.parent.attrs.dir === undefined ? null : $from.parent.attrs.dir;
  const next = cur === null ? 'rtl' : cur === 'rtl' ? 'ltr' : null;
  const tr = state.tr;
  let any = false;
  state.doc.nodesBetween(state.selection.from, state.selection.to, (n, pos) => {
    if (n.isTextblock && 'dir' in n.attrs) { tr.setNodeMarkup(pos, null, { ...n.attrs, dir: next }); any = true; }
  });
  if (!any) return false;
  if (dispatch) dispatch(tr);
  return true;
}

// insertBlock: a command replacing the selection (or an empty paragraph at the caret) with node.
const insertBlock = (node) => (state, dispatch) => {
  if (dispatch) {
    const { $from } = state.selection;
    const tr = state.tr;
    if ($from.parent.type === S.paragraph && $from.parent.content.size === 0 && $from.depth > 0)
      tr.replaceWith($from.before(), $from.after(), node);
    else tr.replaceSelectionWith(node);
    dispatch(tr.scrollIntoView());
  }
  return true;
};

function buildKeymap() {
  const hardBreak = chainCommands(exitCode, (state, dispatch) => {
    if (dispatch) dispatch(state.tr.replaceSelectionWith(S.hard_break.create()).scrollIntoView());
    return true;
  });
  return {
    'Mod-z': undo, 'Shift-Mod-z': redo, 'Mod-y': redo,
    'Mod-b': toggleMark(schema.marks.strong), 'Mod-i': toggleMark(schema.marks.em), 'Mod-k': editLink,
    'Mod-Enter': hardBreak, 'Shift-Enter': hardBreak,
    Enter: splitListItem(S.list_item), 'Mod-[': liftListItem(S.list_item), 'Mod-]': sinkListItem(S.list_item),
    'Shift-Ctrl-2': setBlockType(S.heading, { level: 2 }), 'Shift-Ctrl-3': setBlockType(S.heading, { level: 3 }),
    'Shift-Ctrl-0': setBlockType(S.paragraph),
  };
}

function buildInputRules() {
  return inputRules({
    rules: [
      wrappingInputRule(/^\s*>\s$/, S.blockquote),
      wrappingInputRule(/^(\d+)\.\s$/, S.ordered_list, (m) => ({ order: +m[1] }), (m, n) => n.childCount + n.attrs.order === +m[1]),
      wrappingInputRule(/^\s*([-+*])\s$/, S.bullet_list),
      textblockTypeInputRule(/^(#{2,4})\s$/, S.heading, (m) => ({ level: m[1].length })),
    ],
  });
}

// toolbar: the buttons over the editor (but those whose keys omit names); returns a plugin keeping their
// pressed/enabled states current.
function toolbar(bar, getView, omit = []) {
  const items = [
    { key: 'bold', label: 'B', cmd: toggleMark(schema.marks.strong), mark: schema.marks.strong, kbd: 'Mod-B' },
    { key: 'italic', label: 'I', cmd: toggleMark(schema.marks.em), mark: schema.marks.em, kbd: 'Mod-I' },
    { key: 'link', label: '↗', cmd: editLink, mark: schema.marks.link, kbd: 'Mod-K' },
    { key: 'para', label: '¶', cmd: setBlockType(S.paragraph) },
    { key: 'h2', label: 'H2', cmd: setBlockType(S.heading, { level: 2 }) },
    { key: 'h3', label: 'H3', cmd: setBlockType(S.heading, { level: 3 }) },
    { key: 'h4', label: 'H4', cmd: setBlockType(S.heading, { level: 4 }) },
    { key: 'bullet', label: '•', cmd: wrapInList(S.bullet_list) },
    { key: 'ordered', label: '1.', name: (w) => `1. ${w.ordered}`, cmd: wrapInList(S.ordered_list) },
    { key: 'quote', label: '❝', cmd: wrapIn(S.blockquote) },
    { key: 'pullquote', label: '❞', cmd: (state, dispatch) => {
      const text = state.doc.textBetween(state.selection.from, state.selection.to, ' ');
      return insertBlock(S.pullquote.create({ text }))(state, dispatch);
    } },
    { key: 'rule', label: '—', cmd: (s, d) => insertBlock(S.horizontal_rule.create())(s, d) },
    { key: 'image', label: '▣', run: (view) => chooseMedia((m) => insertBlock(S.image.create(imageAttrs(m)))(view.state, view.dispatch)) },
    { key: 'gallery', label: '▦', run: (view) => chooseMedia((m) => insertBlock(S.gallery.create({ items: [imageAttrs(m)] }))(view.state, view.dispatch)) },
    { key: 'embed', label: '▶', run: (view) => {
      const url = window.prompt(t.embedAsk, '');
      if (url === null) return;
      if (!bareLink(url)) { window.alert(t.embedBad); return; }
      insertBlock(S.embed.create({ url: url.trim() }))(view.state, view.dispatch);
    } },
    { key: 'dir', label: '⇆', cmd: cycleDirection, dir: true },
    { key: 'undo', label: '↶', cmd: undo, kbd: 'Mod-Z' },
    { key: 'redo', label: '↷', cmd: redo, kbd: 'Shift-Mod-Z' },
  ].filter((it) => !omit.includes(it.key));
  const mac = /Mac|iPhone|iPad/.test(navigator.platform);
  for (const it of items) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `pm-btn pm-${it.key}`;
    b.textContent = it.label;
    b.setAttribute('aria-label', it.name ? it.name(t) : t[it.key]);
    b.title = t[it.key] + (it.kbd ? ` (${it.kbd.replace('Mod', mac ? '⌘' : 'Ctrl')})` : '');
    if (it.kbd) b.setAttribute('aria-keyshortcuts', it.kbd.replace('Mod', mac ? 'Meta' : 'Control').replace('Shift-Mod', mac ? 'Shift+Meta' : 'Shift+Control').replace(/-/g, '+'));
    if (it.mark) b.setAttribute('aria-pressed', 'false');
    b.addEventListener('mousedown', (e) => e.preventDefault()); // keep the editor's selection
    b.addEventListener('click', () => {
      const view = getView();
      if (it.run) it.run(view); else it.cmd(view.state, view.dispatch, view);
      view.focus();
    });
    it.button = b;
    bar.append(b);
  }
  return new Plugin({
    view: () => ({
      update(view) {
        for (const it of items) {
          if (it.cmd) it.button.disabled = !it.cmd(view.state, undefined, view);
          if (it.mark) it.button.setAttribute('aria-pressed', String(markActive(view.state, it.mark)));
          if (it.dir) {
            const d = view.state.selection.$from.parent.attrs.dir ?? null;
            it.button.setAttribute('aria-label', `${t.dir}: ${t.dirNames[d]}`);
            it.button.title = `${t.dir}: ${t.dirNames[d]}`;
            it.button.disabled = !('dir' in view.state.selection.$from.parent.attrs);
          }
        }
      },
    }),
  });
}

// counts: the words and reading time (200 words a minute) of doc.
function counts(doc) {
  const words = doc.textBetween(0, doc.content.size, ' ', ' ').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return t.words(words, words ? Math.max(1, Math.round(words / 200)) : 0);
}

// uploaded: the media entry {src, alt, caption, credit} of image id on the media library page html that
// answered an upload (its thumbnail, and the caption and credit the server read from the file's IPTC,
// XMP or EXIF data: templates/media.html); fallback for what the page lacks.
function uploaded(html, id, fallback) {
  const doc = new DOMParser().parseFromString(html || '', 'text/html');
  const val = (sel) => { const el = doc.getElementById(sel); return el ? el.value : ''; };
  const img = doc.querySelector(`#media-${id} img`);
  return { ...fallback, src: img ? img.getAttribute('src') : fallback.src, caption: val(`caption-${id}`), credit: val(`credit-${id}`) };
}

// upload: sends an image file to the media library (the upload form's endpoint and CSRF token) with a
// progress bar in status (full when the file is sent, gone when the server answered), then calls
// done({id, src, alt, caption, credit}), the caption and credit as the server read them from the file.
function upload(file, form, status, done) {
  const alt = window.prompt(t.uploadAlt, file.name.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' '));
  if (alt === null || !alt.trim()) return;
  const bar = document.createElement('progress');
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute('aria-label', `${t.uploading} ${file.name}`);
  status.append(bar);
  const data = new FormData();
  data.append('alt', alt.trim());
  data.append('file', file, file.name);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', `/admin/media?csrf=${encodeURIComponent(form.elements.csrf.value)}`);
  xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total); });
  xhr.upload.addEventListener('load', () => { bar.value = 100; });
  xhr.addEventListener('load', () => {
    bar.remove();
    const m = /[?&]uploaded=(\d+)/.exec(xhr.responseURL || '');
    if (xhr.status >= 200 && xhr.status < 300 && m) {
      const entry = uploaded(xhr.responseText, m[1], { src: URL.createObjectURL(file), alt: alt.trim() });
      media.set(m[1], entry);
      done({ id: m[1], ...entry });
    } else {
      const doc = new DOMParser().parseFromString(xhr.responseText || '', 'text/html');
      const why = doc.querySelector('.error, [role=alert]');
      window.alert(`${t.uploadFailed}: ${why ? why.textContent.trim() : xhr.status}`);
    }
  });
  xhr.addEventListener('error', () => { bar.remove(); window.alert(t.uploadFailed); });
  xhr.send(data);
}

function imageFiles(list) { return [...(list || [])].filter((f) => /^image\//.test(f.type)); }

// mount: over the article body's textarea (#body), or another page's textarea marked data-desk (a
// newsletter's introduction: data-desk-label names the editor, data-desk-omit lists toolbar keys it leaves
// out, such as "gallery").
function mount() {
  const body = document.getElementById('body') || document.querySelector('textarea[data-desk]');
  const form = body && body.form;
  if (!body || !form) return;
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  // the page names the style sheet with its content version (?v=, src/render.c), as it names this script
  css.href = (document.currentScript && document.currentScript.dataset.css) || '/static/editor.css';
  document.head.append(css);
  const holder = body.closest('p') || body;
  // the media library as the page lists it (templates/editor.html, #desk-media)
  for (const li of document.querySelectorAll('#desk-media li')) {
    const d = li.dataset;
    if (d.id !== '0' && d.src) media.set(d.id, { src: d.src, alt: d.alt || '', caption: d.caption || '', credit: d.credit || '' });
  }
  if (unsupported(body.value)) {
    const note = document.createElement('p');
    note.className = 'pm-note';
    note.textContent = t.unsupported;
    holder.before(note);
    startAutosave(form);
    return;
  }
  const desk = document.createElement('div');
  desk.className = 'pm-desk';
  const bar = document.createElement('div');
  bar.className = 'pm-toolbar';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', t.toolbar);
  bar.setAttribute('aria-controls', 'pm-editor');
  const mountPoint = document.createElement('div');
  const status = document.createElement('p');
  status.className = 'pm-status';
  const count = document.createElement('span');
  count.className = 'pm-count';
  status.append(count);
  desk.append(bar, mountPoint, status);
  holder.after(desk);
  holder.hidden = true;
  const baseDir = () => ((form.elements.edition && form.elements.edition.value) === 'ar' ? 'rtl' : 'ltr');

  let view = null;
  const state = EditorState.create({
    doc: parser.parse(body.value),
    plugins: [
      buildInputRules(), keymap(buildKeymap()), keymap(baseKeymap), history(), dropCursor(), gapCursor(),
      toolbar(bar, () => view, (body.dataset.deskOmit || '').split(/\s+/)),
    ],
  });
  const insertAt = (pos) => (m) => {
    const node = S.image.create(imageAttrs(m));
    const p = Math.min(pos ?? view.state.selection.from, view.state.doc.content.size);
    const $p = view.state.doc.resolve(p);
    const at = $p.depth ? $p.after(1) : p;
    view.dispatch(view.state.tr.insert(at, node).scrollIntoView());
  };
  view = new EditorView(mountPoint, {
    state,
    attributes: {
      id: 'pm-editor', class: 'pm-editor body', role: 'textbox', 'aria-multiline': 'true',
      'aria-label': body.dataset.deskLabel || t.editorLabel, dir: baseDir(), spellcheck: 'true',
    },
    nodeViews: {
      image: (n, v, g) => new BlockView(n, v, g), gallery: (n, v, g) => new BlockView(n, v, g),
      embed: (n, v, g) => new BlockView(n, v, g), pullquote: (n, v, g) => new BlockView(n, v, g),
    },
    transformPastedHTML: (html) => cleanHTML(html),
    handlePaste(v, event) {
      const files = imageFiles(event.clipboardData && event.clipboardData.files);
      if (files.length) { files.forEach((f) => upload(f, form, status, insertAt(null))); return true; }
      const text = event.clipboardData && event.clipboardData.getData('text/plain');
      const url = bareLink(text);
      const { $from, empty } = v.state.selection;
      if (url && empty && $from.parent.type === S.paragraph && $from.parent.content.size === 0) {
        insertBlock(S.embed.create({ url }))(v.state, v.dispatch);
        return true;
      }
      return false;
    },
    handleDrop(v, event) {
      const files = imageFiles(event.dataTransfer && event.dataTransfer.files);
      if (!files.length) return false;
      const at = v.posAtCoords({ left: event.clientX, top: event.clientY });
      files.forEach((f) => upload(f, form, status, insertAt(at ? at.pos : null)));
      event.preventDefault();
      return true;
    },
    dispatchTransaction(tr) {
      view.updateState(view.state.apply(tr));
      if (tr.docChanged) {
        body.value = toMarkdown(view.state.doc);
        body.dispatchEvent(new Event('input', { bubbles: true })); // live preview, counts
        count.textContent = counts(view.state.doc);
      }
    },
  });
  count.textContent = counts(view.state.doc);
  if (form.elements.edition) form.elements.edition.addEventListener('change', () => view.dom.setAttribute('dir', baseDir()));
  form.addEventListener('submit', () => { body.value = toMarkdown(view.state.doc); });
  window.broadsheetDesk = { view, toMarkdown: () => toMarkdown(view.state.doc), TextSelection };
  startAutosave(form);
  performance.mark('desk-typeable'); // the surface is mounted and takes keys (bench/editor.mjs reads it)
}

mount();
