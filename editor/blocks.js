// Node views of the typed blocks (image, gallery, embed, pullquote): a framed box showing the block
// (the image itself for images) with a labelled field per key, edited in place. Each change replaces the
// node's attributes in one transaction, so undo and the Markdown in the textarea follow.
import { t } from './i18n.js';

export const media = new Map(); // media id -> { src, alt, caption, credit }, from the page's media list

// imageAttrs: an image block's (or gallery item's) attributes for library entry m ({id, alt, caption,
// credit}): the library's caption and credit prefill the block's, which the editor may then change.
export const imageAttrs = (m) => ({ media: m.id, alt: m.alt || '', caption: m.caption || '', credit: m.credit || '' });

let uid = 0;
const FIELDS = { image: ['alt', 'caption', 'credit'], embed: ['title'], pullquote: ['text', 'by'], gallery: ['title'] };
const ITEM_FIELDS = ['alt', 'caption', 'credit'];

// field: a labelled input for value; onChange(newValue) on every edit.
function field(label, value, onChange) {
  const id = `pm-field-${++uid}`;
  const wrap = document.createElement('p');
  wrap.className = 'pm-field';
  const l = document.createElement('label');
  l.htmlFor = id;
  l.textContent = label;
  const input = document.createElement('input');
  input.id = id;
  input.dir = 'auto';
  input.value = value || '';
  input.addEventListener('input', () => onChange(input.value));
  wrap.append(l, ' ', input);
  return { wrap, input };
}

function preview(id) {
  const m = media.get(String(id));
  const img = document.createElement('img');
  img.alt = '';
  img.loading = 'lazy';
  if (m) img.src = m.src;
  img.className = 'pm-thumb';
  return img;
}

export class BlockView {
  constructor(node, view, getPos) {
    this.node = node;
    this.view = view;
    this.getPos = getPos;
    this.dom = document.createElement('figure');
    this.dom.className = `pm-block pm-${node.type.name}`;
    this.dom.contentEditable = 'false';
    this.render();
  }

  // set: the node's attributes with key = value, in one transaction
  set(attrs) {
    const pos = this.getPos();
    if (pos == null) return;
    this.view.dispatch(this.view.state.tr.setNodeMarkup(pos, null, { ...this.node.attrs, ...attrs }));
  }

  render() {
    const n = this.node, kind = n.type.name;
    this.dom.replaceChildren();
    const head = document.createElement('figcaption');
    head.className = 'pm-kind';
    head.textContent = t[kind];
    this.dom.append(head);
    if (kind === 'image') this.dom.append(preview(n.attrs.media));
    if (kind === 'embed') {
      const a = document.createElement('a');
      a.href = n.attrs.url;
      a.textContent = n.attrs.url;
      a.rel = 'noopener';
      a.target = '_blank';
      this.dom.append(a);
    }
    this.inputs = {};
    for (const k of FIELDS[kind]) {
      const f = field(t[k], n.attrs[k], (v) => this.set({ [k]: v }));
      this.inputs[k] = f.input;
      this.dom.append(f.wrap);
    }
    if (kind === 'gallery') this.renderItems();
  }

  renderItems() {
    const list = document.createElement('ol');
    list.className = 'pm-items';
    this.node.attrs.items.forEach((it, i) => {
      const li = document.createElement('li');
      li.append(preview(it.media));
      for (const k of ITEM_FIELDS) {
        const f = field(t[k], it[k], (v) => {
          const items = this.node.attrs.items.map((x, j) => (j === i ? { ...x, [k]: v } : x));
          this.set({ items });
        });
        li.append(f.wrap);
      }
      const n = this.node.attrs.items.length;
      li.append(this.moveButton('earlier', i, -1, i === 0), this.moveButton('later', i, 1, i === n - 1));
      const rm = document.createElement('button');
      rm.type = 'button';
      rm.textContent = t.remove;
      rm.setAttribute('aria-label', `${t.remove} ${i + 1}`);
      rm.addEventListener('click', () => this.set({ items: this.node.attrs.items.filter((_, j) => j !== i) }));
      li.append(rm);
      list.append(li);
    });
    const add = document.createElement('button');
    add.type = 'button';
    add.textContent = t.add;
    add.addEventListener('click', () => chooseMedia((m) => this.set({ items: [...this.node.attrs.items, imageAttrs(m)] })));
    this.dom.append(list, add);
  }

  // moveButton: a button moving gallery item i by step (-1 earlier, +1 later) in one transaction; the
  // keyboard focus follows the item to its new place (the block is redrawn).
  moveButton(which, i, step, disabled) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `pm-move-${which}`;
    b.textContent = step < 0 ? '↑' : '↓';
    b.setAttribute('aria-label', `${t[which]} (${i + 1})`);
    b.title = t[which];
    b.disabled = disabled;
    b.addEventListener('click', () => {
      const items = [...this.node.attrs.items];
      const j = i + step;
      if (j < 0 || j >= items.length) return;
      [items[i], items[j]] = [items[j], items[i]];
      this.set({ items });
      const moved = this.dom.querySelectorAll('.pm-items > li')[j];
      const again = moved && moved.querySelector(`.pm-move-${which}`);
      if (again && !again.disabled) again.focus();
      else if (moved) moved.querySelector('button:not([disabled])').focus();
    });
    return b;
  }

  update(node) {
    if (node.type !== this.node.type) return false;
    const old = this.node;
    this.node = node;
    // typing in a field: keep the inputs (and the caret) while the block's shape stays; else redraw
    const focused = this.dom.contains(document.activeElement) && document.activeElement.tagName === 'INPUT';
    const shape = (n) => JSON.stringify([n.attrs.media, n.attrs.url, (n.attrs.items || []).map((x) => x.media)]);
    if (focused && shape(old) === shape(node)) {
      for (const [k, input] of Object.entries(this.inputs))
        if (input !== document.activeElement && input.value !== node.attrs[k]) input.value = node.attrs[k];
    } else this.render();
    return true;
  }

  stopEvent(e) { return e.target !== this.dom && this.dom.contains(e.target) && /^(INPUT|BUTTON|A)$/.test(e.target.tagName); }

  ignoreMutation() { return true; }
}

// chooseMedia: a dialog over the page's media list; calls pick({id, src, alt}) with the one chosen.
export function chooseMedia(pick) {
  const dlg = document.createElement('dialog');
  dlg.className = 'pm-chooser';
  dlg.setAttribute('aria-label', t.choose);
  const h = document.createElement('h2');
  h.textContent = t.choose;
  dlg.append(h);
  if (!media.size) {
    const p = document.createElement('p');
    p.textContent = t.noMedia;
    dlg.append(p);
  }
  const list = document.createElement('ul');
  for (const [id, m] of media) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.media = id;
    const img = preview(id);
    img.alt = '';
    b.append(img, ` #${id} ${m.alt}`);
    b.addEventListener('click', () => { dlg.close(); dlg.remove(); pick({ id, ...m }); });
    li.append(b);
    list.append(li);
  }
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.textContent = t.cancel;
  cancel.addEventListener('click', () => { dlg.close(); dlg.remove(); });
  dlg.append(list, cancel);
  document.body.append(dlg);
  dlg.showModal();
}
