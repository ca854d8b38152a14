// Live character counts for the text fields that have a limit (data-max-chars="N"). Characters are
// counted as the server counts them (Unicode code points, a line break as one: utf8_chars in
// src/escape.c), not in the UTF-16 units of the browser's maxlength, which cut a text of emoji at half
// its length; so these fields have no maxlength, and nothing is ever cut. Text over the limit is shown
// as too long, and if it is sent anyway the server refuses it with a message naming the limit and shows
// the form again with the text kept. Without JavaScript that refusal is all there is; the pages work
// the same. Served from the binary (static/), so the Content-Security-Policy's script-src 'self' allows it.
(() => {
  const ar = document.documentElement.lang === 'ar';
  const chars = (s) => [...s.replace(/\r\n/g, '\n')].length; // code points: a string iterates by them
  const words = ar
    ? { count: (n, max) => `عدد الأحرف ${n} من ${max}`, over: (k) => `: أطول من المسموح بـ ${k}` }
    : { count: (n, max) => `${n} of ${max} characters`, over: (k) => `: ${k} too many` };
  for (const field of document.querySelectorAll('textarea[data-max-chars], input[data-max-chars]')) {
    const max = Number(field.dataset.maxChars);
    if (!(max > 0) || !field.id) continue;
    const out = document.createElement('span');
    out.className = 'char-count';
    out.id = `${field.id}-count`;
    field.insertAdjacentElement('afterend', out);
    const described = field.getAttribute('aria-describedby');
    field.setAttribute('aria-describedby', described ? `${described} ${out.id}` : out.id);
    const show = () => {
      const n = chars(field.value);
      const over = n > max;
      out.textContent = words.count(n, max) + (over ? words.over(n - max) : '');
      out.classList.toggle('over', over);
      if (over) field.setAttribute('aria-invalid', 'true');
      else field.removeAttribute('aria-invalid');
    };
    field.addEventListener('input', show);
    show();
  }
})();
