// Optional enhancements only: every page works without this file.
// htmx requests carry the CSRF token from the page's meta tag.
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) { e.detail.headers["X-CSRF-Token"] = meta.content; }
});
// A text area's 字数 (the first number of `#ID-count`) follows typing, counted as the
// server counts (renke_domain::text::reading_len): each non-ASCII character that is not a
// space counts one, a run of ASCII letters, digits and signs counts one, spaces nothing.
document.addEventListener("input", function (e) {
  var t = e.target;
  var out = t.id && document.getElementById(t.id + "-count");
  if (out) {
    var n = (t.value.match(/[\x21-\x7E]+|[^\x00-\x7F\s]/gu) || []).length;
    out.textContent = out.textContent.replace(/\d+/, String(n));
  }
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
