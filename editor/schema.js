// The writing desk's document schema: exactly what docs/blocks.md stores (Markdown with typed blocks).
// Typed blocks (image, gallery, embed, pullquote) are atoms holding their keys as attributes; a paragraph
// or heading carries its direction (null: from its first strong character; 'rtl' or 'ltr': written as a
// leading U+200F or U+200E mark in the Markdown).
import { Schema } from 'prosemirror-model';

// safeHref: whether a link target is one the server accepts (http, https, mailto or site-relative).
export function safeHref(href) {
  const h = String(href || '').trim();
  if (/^(https?:|mailto:)/i.test(h)) return true;
  if (/^[a-z][a-z0-9+.-]*:/i.test(h)) return false; // javascript:, data:, vbscript:, ...
  return /^(\/(?!\/)|#|\?|\.{0,2}\/?[^:]*$)/.test(h) && !/^\/\//.test(h);
}

const dirAttr = { dir: { default: null } };
const dirDOM = (node) => (node.attrs.dir ? { dir: node.attrs.dir } : { dir: 'auto' });
const dirParse = (dom) => ({ dir: ['rtl', 'ltr'].includes(dom.getAttribute('dir')) ? dom.getAttribute('dir') : null });

export const schema = new Schema({
  nodes: {
    doc: { content: 'block+' },
    paragraph: {
      content: 'inline*', group: 'block', attrs: dirAttr,
      parseDOM: [{ tag: 'p', getAttrs: dirParse }],
      toDOM: (n) => ['p', dirDOM(n), 0],
    },
    heading: {
      attrs: { level: { default: 2 }, ...dirAttr }, content: 'inline*', group: 'block', defining: true,
      parseDOM: [1, 2, 3, 4, 5, 6].map((l) => ({
        tag: `h${l}`, getAttrs: (dom) => ({ level: Math.min(4, Math.max(2, l)), ...dirParse(dom) }),
      })),
      toDOM: (n) => [`h${n.attrs.level}`, dirDOM(n), 0],
    },
    blockquote: {
      content: 'block+', group: 'block', defining: true,
      parseDOM: [{ tag: 'blockquote' }], toDOM: () => ['blockquote', 0],
    },
    horizontal_rule: { group: 'block', parseDOM: [{ tag: 'hr' }], toDOM: () => ['hr'] },
    code_block: {
      content: 'text*', marks: '', group: 'block', code: true, defining: true,
      attrs: { params: { default: '' } },
      parseDOM: [{ tag: 'pre', preserveWhitespace: 'full' }],
      toDOM: () => ['pre', ['code', 0]],
    },
    ordered_list: {
      content: 'list_item+', group: 'block', attrs: { order: { default: 1 }, tight: { default: false } },
      // a list from HTML (a paste) is tight: one item a line in the Markdown
      parseDOM: [{ tag: 'ol', getAttrs: (dom) => ({ order: dom.hasAttribute('start') ? +dom.getAttribute('start') || 1 : 1, tight: true }) }],
      toDOM: (n) => ['ol', n.attrs.order === 1 ? {} : { start: n.attrs.order }, 0],
    },
    bullet_list: {
      content: 'list_item+', group: 'block', attrs: { tight: { default: false } },
      parseDOM: [{ tag: 'ul', getAttrs: () => ({ tight: true }) }], toDOM: () => ['ul', 0],
    },
    list_item: { content: 'block+', defining: true, parseDOM: [{ tag: 'li' }], toDOM: () => ['li', 0] },
    // typed blocks (docs/blocks.md): atoms edited through their node views (editor/blocks.js)
    image: {
      group: 'block', atom: true, draggable: true, selectable: true,
      attrs: { media: { default: '' }, alt: { default: '' }, caption: { default: '' }, credit: { default: '' } },
      toDOM: (n) => ['figure', { class: 'pm-image', 'data-media': n.attrs.media }],
    },
    gallery: {
      group: 'block', atom: true, draggable: true, selectable: true,
      attrs: { title: { default: '' }, items: { default: [] } },
      toDOM: () => ['figure', { class: 'pm-gallery' }],
    },
    embed: {
      group: 'block', atom: true, draggable: true, selectable: true,
      attrs: { url: { default: '' }, title: { default: '' } },
      toDOM: (n) => ['figure', { class: 'pm-embed' }, ['a', { href: n.attrs.url }, n.attrs.url]],
    },
    pullquote: {
      group: 'block', atom: true, draggable: true, selectable: true,
      attrs: { text: { default: '' }, by: { default: '' } },
      toDOM: (n) => ['aside', { class: 'pm-pullquote' }, n.attrs.text],
    },
    text: { group: 'inline' },
    // an image written inline in Markdown (![alt](src)): kept as it was, not offered by the toolbar
    inline_image: {
      inline: true, group: 'inline', draggable: true,
      attrs: { src: {}, alt: { default: null }, title: { default: null } },
      toDOM: (n) => ['img', { src: n.attrs.src, alt: n.attrs.alt || '' }],
    },
    hard_break: {
      inline: true, group: 'inline', selectable: false,
      parseDOM: [{ tag: 'br' }], toDOM: () => ['br'],
    },
  },
  marks: {
    em: {
      parseDOM: [{ tag: 'i' }, { tag: 'em' },
        { style: 'font-style', getAttrs: (v) => v === 'italic' && null }],
      toDOM: () => ['em', 0],
    },
    strong: {
      parseDOM: [{ tag: 'strong' },
        // Google Docs wraps a whole paste in <b style="font-weight:normal">: not bold
        { tag: 'b', getAttrs: (dom) => dom.style.fontWeight !== 'normal' && null },
        { style: 'font-weight', getAttrs: (v) => /^(bold(er)?|[6-9]00)$/.test(v) && null }],
      toDOM: () => ['strong', 0],
    },
    link: {
      attrs: { href: {}, title: { default: null } }, inclusive: false,
      parseDOM: [{
        tag: 'a[href]',
        getAttrs: (dom) => (safeHref(dom.getAttribute('href')) ? { href: dom.getAttribute('href'), title: dom.getAttribute('title') } : false),
      }],
      toDOM: (m) => ['a', { href: m.attrs.href, title: m.attrs.title, rel: 'noopener' }, 0],
    },
    code: { parseDOM: [{ tag: 'code' }], toDOM: () => ['code', 0] },
  },
});
