// Progressive enhancement for the timeline filters; every page works without this file.
document.documentElement.classList.add("js");

// On a phone the filters fold away so the events come first; without JavaScript they stay open.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector(".filters__panel");
  if (panel && window.matchMedia("(max-width: 52rem)").matches) panel.removeAttribute("open");
});

// Keep shared URLs short: leave empty filters out of the request htmx makes and pushes.
document.addEventListener("htmx:configRequest", (event) => {
  const params = event.detail.parameters;
  for (const name of Object.keys(params)) {
    if (params[name] === "") delete params[name];
  }
});

// The embed code's "Copy" button: shown only where the clipboard can be written.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  await navigator.clipboard.writeText(source.value);
  button.textContent = "Copied";
});
document.addEventListener("DOMContentLoaded", revealCopyButtons);
document.addEventListener("htmx:afterSettle", revealCopyButtons);
function revealCopyButtons() {
  if (!navigator.clipboard) return;
  for (const button of document.querySelectorAll("[data-copy][hidden]")) button.hidden = false;
}
// A density-chart bar narrows the dates: keep the form's From/To in step, so the next filter
// change keeps the narrowed range (without JavaScript the page reloads with the form filled in).
// beforeSwap, because afterwards the bar is gone from the page and its events reach no one.
document.addEventListener("htmx:beforeSwap", (event) => {
  const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
  const link = elt && elt.closest && elt.closest(".density a");
  const form = document.getElementById("filters");
  if (!link || !form || !event.detail.shouldSwap) return;
  const params = new URLSearchParams((link.getAttribute("href") || "").replace(/^\?/, ""));
  for (const name of ["start", "end"]) {
    if (form.elements[name]) form.elements[name].value = params.get(name) || "";
  }
});
