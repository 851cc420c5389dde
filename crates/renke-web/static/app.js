// Optional enhancements only: every page works without this file.
// htmx requests carry the CSRF token from the page's meta tag.
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) { e.detail.headers["X-CSRF-Token"] = meta.content; }
});
