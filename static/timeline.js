// Progressive enhancement for the timeline filters; every page works without this file.
document.documentElement.classList.add("js");

// Keep shared URLs short: leave empty filters out of the request htmx makes and pushes.
document.addEventListener("htmx:configRequest", (event) => {
  const params = event.detail.parameters;
  for (const name of Object.keys(params)) {
    if (params[name] === "") delete params[name];
  }
});
