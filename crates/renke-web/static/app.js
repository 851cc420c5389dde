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
// Confirmation before a destructive action: a button or form with `data-confirm` asks
// first (in place of inline onclick/onsubmit handlers, which the Content-Security-Policy
// refuses).
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("button[data-confirm], input[data-confirm]");
  if (b && !window.confirm(b.dataset.confirm)) { e.preventDefault(); }
});
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) { e.preventDefault(); }
});
