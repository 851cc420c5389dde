// QR check-in that keeps working offline. Each check-in gets an id made on this phone and
// waits in localStorage until the server has answered for it; the server records each id
// once, so sending the queue again (after a lost answer, from two tabs) never counts twice.
(function () {
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var key = "renke.checkin." + root.dataset.session;
  var api = root.dataset.api;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var log = document.getElementById("log");
  var pendingEl = document.getElementById("pending");
  var net = document.getElementById("net");
  var sending = false;

  function load() { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function save(q) { localStorage.setItem(key, JSON.stringify(q)); pendingEl.textContent = String(q.length); }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "id-" + Date.now().toString(16) + "-" + Math.random().toString(16).slice(2, 14);
  }
  var checkedEl = document.getElementById("n-checked");
  // One line per check-in, found again by its id when the server answers for it.
  function note(text, cls, id) {
    var li = id && log.querySelector('li[data-id="' + id + '"]');
    if (!li) {
      li = document.createElement("li");
      if (id) { li.setAttribute("data-id", id); }
      log.insertBefore(li, log.firstChild);
    }
    li.textContent = text;
    li.className = cls || "";
  }
  // The page's words for an outcome or a warning (data-outcome-…, data-timing-…).
  function word(kind, code) {
    return root.getAttribute("data-" + kind + "-" + String(code).replace(/_/g, "-")) || code;
  }
  function showNet() {
    var on = navigator.onLine;
    net.textContent = on ? root.dataset.tOnline : root.dataset.tOffline;
    net.className = "chip " + (on ? "green" : "yellow");
  }
  function add(ticket) {
    ticket = ticket.trim().toLowerCase();
    if (!ticket) { return; }
    var q = load();
    var id = newId();
    q.push({ client_id: id, ticket: ticket, checked_in_at: new Date().toISOString(), method: "qr" });
    save(q);
    note(ticket.slice(0, 8) + "… " + root.dataset.tPending, "pending", id);
    if (!navigator.onLine) { askForSync(); }
    sync();
  }
  function sync() {
    var q = load();
    if (sending || q.length === 0 || !navigator.onLine) { return; }
    sending = true;
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : "" },
      body: JSON.stringify({ items: q })
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (results) {
      var done = {};
      results.forEach(function (res) {
        done[res.client_id] = true;
        var text = (res.name ? res.name + " · " : "") + word("outcome", res.outcome);
        if (res.timing) { text += "（" + word("timing", res.timing) + "）"; }
        var ok = res.outcome === "recorded" && !res.timing;
        note(text, ok ? "ok" : "warn", res.client_id);
        if (res.outcome === "recorded" && checkedEl) {
          checkedEl.textContent = String(Number(checkedEl.textContent) + 1);
        }
      });
      save(load().filter(function (it) { return !done[it.client_id]; }));
    }).catch(function () { askForSync(); /* stays queued; retried later */ })
      .then(function () { sending = false; });
  }

  document.getElementById("manual").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = document.getElementById("ticket");
    add(input.value);
    input.value = "";
    input.focus();
  });

  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    var btn = document.getElementById("scan");
    var video = document.getElementById("cam");
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        var last = "";
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue !== last) { last = codes[0].rawValue; add(last); }
          }).catch(function () {}).then(function () { if (!video.hidden) { requestAnimationFrame(tick); } });
        };
        tick();
      }).catch(function () { btn.hidden = true; });
    });
  }

  // The service worker keeps this page and its files for a reload without network, and
  // wakes the page to send its queue when the network is back (Background Sync).
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sessions/checkin-sw.js", { scope: "/sessions/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data === "renke-checkin-sync") { sync(); }
    });
  }
  function askForSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) { return reg.sync.register("renke-checkin"); }
    }).catch(function () {});
  }

  window.addEventListener("online", function () { showNet(); sync(); });
  window.addEventListener("offline", showNet);
  showNet();
  save(load());
  setInterval(sync, 10000);
  sync();
})();
