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
