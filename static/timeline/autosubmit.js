// Admin filters marked data-autosubmit apply as soon as they change; a button does it without JS.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.dataset.autosubmit !== undefined && field.form) {
    field.form.requestSubmit();
  }
});
