// Optional enhancements only: every page works without this file.
// htmx requests carry the CSRF token from the page's meta tag.
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) { e.detail.headers["X-CSRF-Token"] = meta.content; }
});
// A text area's character count (the first number of `#ID-count`, counted as the server
// counts, by characters) follows typing.
document.addEventListener("input", function (e) {
  var t = e.target;
  var out = t.id && document.getElementById(t.id + "-count");
  if (out) { out.textContent = out.textContent.replace(/\d+/, String(Array.from(t.value).length)); }
});
