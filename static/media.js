// Upload form: refuses a file over the size limit before sending it, so nothing typed is lost and no
// time is spent uploading. The server checks again (this is only a convenience).
(() => {
  const input = document.getElementById('file');
  if (!input || !input.dataset.maxBytes) return;
  const max = Number(input.dataset.maxBytes);
  input.addEventListener('change', () => {
    const f = input.files && input.files[0];
    input.setCustomValidity(f && f.size > max
      ? `This image is ${(f.size / 1048576).toFixed(1)} MB; the limit is ${(max / 1048576).toFixed(1)} MB.` : '');
    input.reportValidity();
  });
})();

// Focal point: a click on an image in the library fills its form's two fields with where the click
// fell (fractions of the width and height, 0..1) and shows a mark there; the editor then saves. Without
// JavaScript the two fields are typed. The keyboard way is the fields themselves.
(() => {
  const round = (v) => String(Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000);
  for (const pick of document.querySelectorAll('.focal-pick')) {
    const form = document.getElementById(pick.dataset.focalFor);
    const img = pick.querySelector('img');
    const mark = pick.querySelector('.focal-mark');
    if (!form || !img || !mark) continue;
    const fx = form.elements.focal_x, fy = form.elements.focal_y;
    const show = () => {
      const x = Number(fx.value), y = Number(fy.value);
      if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) { mark.hidden = true; return; }
      mark.style.left = `${x * 100}%`;
      mark.style.top = `${y * 100}%`;
      mark.hidden = false;
    };
    pick.classList.add('focal-active');
    img.title = 'Click to set the focal point';
    img.addEventListener('click', (ev) => {
      const r = img.getBoundingClientRect();
      fx.value = round((ev.clientX - r.left) / r.width);
      fy.value = round((ev.clientY - r.top) / r.height);
      show();
    });
    fx.addEventListener('input', show);
    fy.addEventListener('input', show);
    show();
  }
})();
