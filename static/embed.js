// Embeds in article bodies (docs/blocks.md): the server renders each embed as a card, a plain link to
// the post with the provider's name, and loads nothing from the provider. This script adds a button to
// each card of a known provider (data-embed-src, the privacy-friendly frame address the server built);
// only when the reader presses it is the card's link replaced by a sandboxed frame. The page's
// Content-Security-Policy allows exactly the frame hosts of the embeds it shows. Without JavaScript the
// card stays a link. Served from the binary (static/), so script-src 'self' allows it.
(() => {
  const ar = document.documentElement.lang === 'ar';
  const label = (provider) => (ar ? `تشغيل المحتوى من ${provider}` : `Load content from ${provider}`);
  const note = ar
    ? 'يُحمَّل المحتوى من موقع خارجي عند الضغط.'
    : 'Pressing loads it from an outside site.';
  for (const card of document.querySelectorAll('.embed[data-embed-src]')) {
    const src = card.dataset.embedSrc;
    const provider = card.dataset.embedProvider || '';
    if (!/^https:\/\//.test(src)) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'embed-load';
    button.textContent = label(provider);
    button.title = note;
    button.addEventListener('click', () => {
      const frame = document.createElement('iframe');
      frame.src = src;
      const link = card.querySelector('.embed-title a');
      frame.title = link ? `${provider}: ${link.textContent}` : provider;
      frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-popups allow-presentation');
      frame.setAttribute('allow', 'fullscreen; picture-in-picture; encrypted-media');
      frame.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
      frame.setAttribute('loading', 'lazy');
      frame.className = 'embed-frame';
      button.remove();
      card.classList.add('embed-open');
      card.append(frame);
      frame.focus();
    });
    card.append(button);
  }
})();
