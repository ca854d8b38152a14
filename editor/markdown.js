// Markdown <-> document for the writing desk: prosemirror-markdown over markdown-it (CommonMark, no raw
// HTML), plus the typed blocks of docs/blocks.md (fenced blocks named image, gallery, embed, pullquote,
// with `key: value` lines) and the paragraph direction marks (a leading U+200F or U+200E).
import markdownit from 'markdown-it';
import { MarkdownParser, MarkdownSerializer } from 'prosemirror-markdown';
import { schema } from './schema.js';

export const RLM = '\u200F';
export const LRM = '\u200E';
export const TYPED = ['image', 'gallery', 'embed', 'pullquote'];
const KEYS = {
  image: ['media', 'alt', 'caption', 'credit'],
  embed: ['url', 'title'],
  pullquote: ['text', 'by'],
};

// typedAttrs: the attributes of a typed block from its fenced lines ("key: value"; blank lines skipped).
export function typedAttrs(kind, content) {
  const attrs = kind === 'gallery' ? { title: '', items: [] } : {};
  for (const line of content.split('\n')) {
    const m = /^\s*([a-z]+)\s*:\s?(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    if (kind === 'gallery') {
      if (key === 'title') attrs.title = value;
      else if (key === 'media') attrs.items.push({ media: value, alt: '', caption: '', credit: '' });
      else if (attrs.items.length && ['alt', 'caption', 'credit'].includes(key)) attrs.items[attrs.items.length - 1][key] = value;
    } else if (KEYS[kind].includes(key)) attrs[key] = value;
  }
  return attrs;
}

// directionRule: a markdown-it core rule moving a paragraph's or heading's leading direction mark into
// its opening token's dir attribute (and out of its text).
function directionRule(state) {
  const t = state.tokens;
  for (let i = 0; i + 1 < t.length; i++) {
    if (t[i].type !== 'paragraph_open' && t[i].type !== 'heading_open') continue;
    const inline = t[i + 1];
    if (inline.type !== 'inline' || !inline.children || !inline.children.length) continue;
    const first = inline.children[0];
    if (first.type !== 'text') continue;
    const c = first.content[0];
    if (c === RLM || c === LRM) {
      t[i].attrSet('dir', c === RLM ? 'rtl' : 'ltr');
      first.content = first.content.slice(1);
    }
  }
}

// typedRule: renames a fenced block whose info string is a typed block's name to bs_<name>.
function typedRule(state) {
  for (const tok of state.tokens)
    if (tok.type === 'fence' && TYPED.includes(tok.info.trim())) tok.type = `bs_${tok.info.trim()}`;
}

export const tokenizer = markdownit('commonmark', { html: false });
tokenizer.enable('table'); // only to notice tables, which the desk does not edit (hasTable)
tokenizer.enable('strikethrough'); // likewise
tokenizer.core.ruler.after('inline', 'bs_direction', directionRule);
tokenizer.core.ruler.push('bs_typed', typedRule);

// unsupported: a reason the desk cannot edit this Markdown without losing something (a table or a
// strikethrough, which the rich editor has no block for), or null.
export function unsupported(md) {
  const walk = (toks) => toks.some((t) => /^(table_open|s_open)$/.test(t.type) || (t.children && walk(t.children)));
  return walk(tokenizer.parse(md, {})) ? 'table' : null;
}

const dirAttrs = (tok) => ({ dir: tok.attrGet('dir') });
const typed = (kind) => ({ node: kind, noCloseToken: true, getAttrs: (tok) => typedAttrs(kind, tok.content) });

export const parser = new MarkdownParser(schema, tokenizer, {
  blockquote: { block: 'blockquote' },
  paragraph: { block: 'paragraph', getAttrs: dirAttrs },
  list_item: { block: 'list_item' },
  bullet_list: { block: 'bullet_list', getAttrs: (_, toks, i) => ({ tight: listIsTight(toks, i) }) },
  ordered_list: {
    block: 'ordered_list',
    getAttrs: (tok, toks, i) => ({ order: +tok.attrGet('start') || 1, tight: listIsTight(toks, i) }),
  },
  heading: { block: 'heading', getAttrs: (tok) => ({ level: Math.min(4, Math.max(2, +tok.tag.slice(1))), ...dirAttrs(tok) }) },
  code_block: { block: 'code_block', noCloseToken: true },
  fence: { block: 'code_block', getAttrs: (tok) => ({ params: tok.info || '' }), noCloseToken: true },
  hr: { node: 'horizontal_rule' },
  image: {
    node: 'inline_image',
    getAttrs: (tok) => ({ src: tok.attrGet('src'), title: tok.attrGet('title') || null, alt: (tok.children[0] && tok.children[0].content) || null }),
  },
  hardbreak: { node: 'hard_break' },
  em: { mark: 'em' },
  strong: { mark: 'strong' },
  link: { mark: 'link', getAttrs: (tok) => ({ href: tok.attrGet('href'), title: tok.attrGet('title') || null }) },
  code_inline: { mark: 'code', noCloseToken: true },
  bs_image: typed('image'),
  bs_gallery: typed('gallery'),
  bs_embed: typed('embed'),
  bs_pullquote: typed('pullquote'),
});

function listIsTight(tokens, i) {
  while (++i < tokens.length) if (tokens[i].type !== 'list_item_open') return tokens[i].hidden;
  return false;
}

// one: a value on one line, as docs/blocks.md requires (line breaks become spaces).
const one = (v) => String(v == null ? '' : v).replace(/[\r\n]+/g, ' ').trim();

// fenced: writes a typed block: its name, then its `key: value` lines (empty values left out).
function fenced(state, node, name, pairs) {
  state.write('```' + name + '\n');
  for (const [k, v] of pairs) if (one(v) !== '') state.write(`${k}: ${one(v)}\n`);
  state.write('```');
  state.closeBlock(node);
}

const dirMark = (node) => (node.attrs.dir === 'rtl' ? RLM : node.attrs.dir === 'ltr' ? LRM : '');

export const serializer = new MarkdownSerializer({
  blockquote(state, node) { state.wrapBlock('> ', null, node, () => state.renderContent(node)); },
  code_block(state, node) {
    const ticks = node.textContent.match(/`{3,}/gm);
    const fence = ticks ? ticks.sort().slice(-1)[0] + '`' : '```';
    // an ordinary code block never takes a typed block's name
    const params = TYPED.includes(node.attrs.params.trim()) ? '' : node.attrs.params;
    state.write(fence + params + '\n');
    state.text(node.textContent, false);
    state.ensureNewLine();
    state.write(fence);
    state.closeBlock(node);
  },
  heading(state, node) {
    state.write(state.repeat('#', node.attrs.level) + ' ' + dirMark(node));
    state.renderInline(node, false);
    state.closeBlock(node);
  },
  horizontal_rule(state, node) { state.write('---'); state.closeBlock(node); },
  bullet_list(state, node) { state.renderList(node, '  ', () => '- '); },
  ordered_list(state, node) {
    const start = node.attrs.order || 1;
    const maxW = String(start + node.childCount - 1).length;
    const space = state.repeat(' ', maxW + 2);
    state.renderList(node, space, (i) => {
      const n = String(start + i);
      return state.repeat(' ', maxW - n.length) + n + '. ';
    });
  },
  list_item(state, node) { state.renderContent(node); },
  paragraph(state, node) {
    state.write(dirMark(node));
    state.renderInline(node);
    state.closeBlock(node);
  },
  image(state, node) {
    fenced(state, node, 'image', KEYS.image.map((k) => [k, node.attrs[k]]));
  },
  gallery(state, node) {
    const pairs = [['title', node.attrs.title]];
    for (const it of node.attrs.items) pairs.push(['media', it.media], ['alt', it.alt], ['caption', it.caption], ['credit', it.credit]);
    fenced(state, node, 'gallery', pairs);
  },
  embed(state, node) { fenced(state, node, 'embed', KEYS.embed.map((k) => [k, node.attrs[k]])); },
  pullquote(state, node) { fenced(state, node, 'pullquote', KEYS.pullquote.map((k) => [k, node.attrs[k]])); },
  inline_image(state, node) {
    state.write('![' + state.esc(node.attrs.alt || '') + '](' + node.attrs.src.replace(/[()]/g, '\\$&') +
      (node.attrs.title ? ' "' + node.attrs.title.replace(/"/g, '\\"') + '"' : '') + ')');
  },
  hard_break(state, node, parent, index) {
    for (let i = index + 1; i < parent.childCount; i++)
      if (parent.child(i).type !== node.type) { state.write('\\\n'); return; }
  },
  text(state, node) { state.text(node.text, !state.inAutolink); },
}, {
  em: { open: '*', close: '*', mixable: true, expelEnclosingWhitespace: true },
  strong: { open: '**', close: '**', mixable: true, expelEnclosingWhitespace: true },
  link: {
    open: () => '[',
    close: (state, mark) => '](' + mark.attrs.href.replace(/[()"]/g, '\\$&') +
      (mark.attrs.title ? ` "${mark.attrs.title.replace(/"/g, '\\"')}"` : '') + ')',
    mixable: true,
  },
  code: {
    open: (_s, _m, parent, index) => backticks(parent.child(index), -1),
    close: (_s, _m, parent, index) => backticks(parent.child(index - 1), 1),
    escape: false,
  },
});

function backticks(node, side) {
  const ticks = /`+/g;
  let m, len = 0;
  if (node.isText) while ((m = ticks.exec(node.text))) len = Math.max(len, m[0].length);
  let result = len > 0 && side > 0 ? ' `' : '`';
  for (let i = 0; i < len; i++) result += '`';
  if (len > 0 && side < 0) result += ' ';
  return result;
}

// toMarkdown: the stored form of a document (ends with one line break when not empty).
export function toMarkdown(doc) {
  const md = serializer.serialize(doc, { tightLists: false });
  return md ? md + '\n' : '';
}
