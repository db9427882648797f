// Copy the one-time API token to the clipboard (the page works without it: select and copy).
document.querySelectorAll("[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById("copy-hint");
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(field.value);
    field.select();
    if (status) status.textContent = button.dataset.copied;
  });
});
