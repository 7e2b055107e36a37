// Copy buttons next to read-only URLs (wizard step 1). Hidden without JavaScript: the field is selectable.
document.querySelectorAll('button[data-copy]').forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener('click', async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand('copy'); // older browsers, or a page not served over https
    }
    button.textContent = button.dataset.copied;
    setTimeout(() => {
      button.textContent = label;
    }, 2000);
  });
});

// "Add hashtag" (wizard step 6): a new empty row in place. Without JavaScript the button submits the
// form and the server shows the page again with one more row.
document.querySelectorAll('button[data-add-hashtag]').forEach((button) => {
  const rows = button.form && button.form.querySelector('[data-hashtag-rows]');
  if (!rows) return;
  const max = Number(rows.dataset.maxRows || 20);
  const update = () => {
    button.disabled = rows.querySelectorAll('[data-hashtag-row]').length >= max;
  };
  update();
  button.addEventListener('click', (event) => {
    event.preventDefault();
    const all = rows.querySelectorAll('[data-hashtag-row]');
    if (all.length >= max) return;
    const row = all[all.length - 1].cloneNode(true);
    const index = all.length;
    row.querySelectorAll('input, select').forEach((control) => {
      control.name = control.name.replace(/^hashtags\[\d+\]/, `hashtags[${index}]`);
      control.setAttribute('aria-label', control.getAttribute('aria-label').replace(/\d+$/, String(index)));
      control.removeAttribute('aria-invalid');
      if (control.tagName === 'SELECT') control.selectedIndex = 0;
      else control.value = '';
    });
    row.querySelectorAll('.field-error').forEach((error) => error.remove());
    row.querySelectorAll('.has-error').forEach((cell) => cell.classList.remove('has-error'));
    rows.appendChild(row);
    row.querySelector('input').focus();
    update();
  });
});
