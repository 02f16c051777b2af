/* Stellwand client: live board state (revisions, resync), and cards that are never lost.
 *
 * The WebSocket (htmx ws extension) only pushes. Each board has a revision in
 * #board-N-rev[data-rev]. A push with the next revision is applied; an old one is
 * dropped (the snapshot already had it); a jump means a push was lost, so the board
 * is fetched again over HTTP. Cards are POSTed with a client-made id: a retry after a
 * lost connection never creates a second card.
 */
(function () {
  "use strict";

  var STOP_CODES = { 4001: "removed", 4002: "closed", 4003: "revoked" };
  var RESYNC_MS = 30000;

  function t(key) {
    var el = document.getElementById("i18n");
    return (el && el.dataset[key]) || key;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function uuid4() {
    // crypto.randomUUID() needs a secure context; phones reach a laptop over plain HTTP.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function parse(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    return tpl.content;
  }

  function currentRev(boardId) {
    var el = document.getElementById("board-" + boardId + "-rev");
    return el ? parseInt(el.dataset.rev, 10) : null;
  }

  /* Keep one element per card id: the author's POST response and the push may both arrive.
   * Also marks the participant's own cards. */
  function dedupe(root) {
    var seen = {};
    var me = document.querySelector("[data-participant]");
    me = me && me.dataset.participant;
    (root || document).querySelectorAll("[data-card]").forEach(function (el) {
      if (seen[el.id]) { el.remove(); return; }
      seen[el.id] = true;
      if (me && el.dataset.author === me) el.classList.add("card--mine");
    });
    document.querySelectorAll("[data-pending-list] [data-card-uuid]").forEach(function (el) {
      if (document.querySelector('[data-card][data-uuid="' + el.dataset.cardUuid + '"]')) el.remove();
    });
  }

  /* ---- live state ---- */

  // `latest` is the newest socket the extension made: events of older sockets are stale.
  var live = { wrapper: null, latest: null, open: false, stopped: false, syncing: {} };

  function hookSocketFactory() {
    var make = htmx.createWebSocket;
    htmx.createWebSocket = function (url) {
      live.latest = make.call(htmx, url);
      return live.latest;
    };
  }

  function setStatus(state, text) {
    var status = document.querySelector("[data-live-status]");
    if (!status) return;
    status.dataset.state = state;
    var label = status.querySelector("[data-live-label]");
    if (label) label.textContent = text;
  }

  function applySnapshot(html) {
    var frag = parse(html);
    var wall = frag.querySelector("section[data-board-id]");
    if (!wall) return;
    var id = wall.dataset.boardId;
    var revEl = wall.querySelector("[data-rev]");
    var have = currentRev(id);
    var old = document.getElementById("board-" + id);
    if (!old || (have !== null && revEl && parseInt(revEl.dataset.rev, 10) < have)) return;
    wall.removeAttribute("hx-swap-oob");
    old.replaceWith(wall);
    htmx.process(wall);
    dedupe();
  }

  function resync(boardId) {
    var wall = document.getElementById("board-" + boardId);
    if (!wall || live.syncing[boardId]) return;
    live.syncing[boardId] = true;
    fetch(wall.dataset.snapshotUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(applySnapshot)
      .catch(function () {})
      .then(function () { live.syncing[boardId] = false; });
  }

  function resyncAll() {
    document.querySelectorAll("section[data-board-id]").forEach(function (w) { resync(w.dataset.boardId); });
  }

  function reconnect() {
    if (live.stopped || !live.wrapper) return;
    var state = live.latest ? live.latest.readyState : WebSocket.CLOSED;
    if (state === WebSocket.OPEN || state === WebSocket.CONNECTING) return;
    live.wrapper.reconnect();
  }

  // Before htmx processes the page on DOMContentLoaded and opens the socket.
  hookSocketFactory();

  document.addEventListener("htmx:wsBeforeMessage", function (e) {
    var frag = parse(e.detail.message);
    var revEl = frag.querySelector("[data-rev][data-board-id]");
    if (!revEl) return; // not a board message (e.g. participant counts)
    var id = revEl.dataset.boardId;
    var rev = parseInt(revEl.dataset.rev, 10);
    var have = currentRev(id);
    if (have === null) return;
    if (frag.querySelector("[data-snapshot]")) {
      if (rev < have) e.preventDefault();
      return;
    }
    if (rev <= have) { e.preventDefault(); return; }  // already in the snapshot
    if (rev > have + 1) { e.preventDefault(); resync(id); }  // a push was lost
  });

  document.addEventListener("htmx:wsAfterMessage", function () { dedupe(); });

  document.addEventListener("htmx:wsOpen", function (e) {
    if (live.latest && e.detail.event.target !== live.latest) return;
    live.wrapper = e.detail.socketWrapper;
    live.open = true;
    setStatus("live", t("live"));
    flushPending();
  });

  document.addEventListener("htmx:wsClose", function (e) {
    // A socket replaced by a newer one closing late says nothing about the connection.
    if (live.latest && e.detail.event.target !== live.latest) return;
    live.wrapper = e.detail.socketWrapper;
    live.open = false;
    var code = e.detail.event.code;
    if (STOP_CODES[code]) {
      live.stopped = true;
      setStatus("stopped", t(STOP_CODES[code]));
      document.querySelectorAll("[data-composer] textarea, [data-composer] button").forEach(function (el) { el.disabled = true; });
      return;
    }
    setStatus("offline", t("offline"));
    // The extension itself retries only after abnormal closes; retry after the others too.
    if ([1006, 1011, 1012, 1013].indexOf(code) < 0) setTimeout(reconnect, 1000 + Math.random() * 2000);
  });

  function wake() {
    if (live.stopped) return;
    if (live.open) resyncAll(); else reconnect();
    flushPending();
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") wake(); });
  window.addEventListener("online", wake);
  window.addEventListener("pageshow", function (e) { if (e.persisted) wake(); });
  setInterval(function () { if (live.open && document.visibilityState === "visible") resyncAll(); }, RESYNC_MS);

  /* ---- composing cards: sent exactly once, kept while offline ---- */

  var pendingKey = function (form) { return "stellwand.pending." + form.dataset.boardId; };
  var sending = {};

  function loadPending(form) {
    try { return JSON.parse(localStorage.getItem(pendingKey(form)) || "[]"); } catch (err) { return []; }
  }
  function savePending(form, items) {
    try { localStorage.setItem(pendingKey(form), JSON.stringify(items)); } catch (err) { /* private mode */ }
  }

  function renderPending(form) {
    var list = document.querySelector("[data-pending-list]");
    if (!list) return;
    var items = loadPending(form);
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "card card--pending";
      li.dataset.cardUuid = item.uuid;
      var p = document.createElement("p");
      p.className = "card__text";
      p.textContent = item.text;
      var s = document.createElement("p");
      s.className = "card__state";
      s.textContent = sending[item.uuid] ? t("sending") : t("notSent");
      li.append(p, s);
      list.append(li);
    });
  }

  function showError(form, message) {
    var el = form.querySelector("[data-composer-error]");
    if (el) el.textContent = message || "";
  }

  function send(form, item) {
    if (sending[item.uuid]) return;
    sending[item.uuid] = true;
    renderPending(form);
    var body = new URLSearchParams({ text: item.text, client_uuid: item.uuid });
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    }).then(function (r) {
      return r.text().then(function (html) { return { status: r.status, html: html }; });
    }).then(function (res) {
      sending[item.uuid] = false;
      if (res.status === 200) {
        drop(form, item.uuid);
        var cards = document.getElementById("board-" + form.dataset.boardId + "-cards");
        if (cards) {
          var frag = parse(res.html);
          var card = frag.querySelector("[data-card]");
          if (card && !document.getElementById(card.id)) cards.append(card);
        }
        dedupe();
        var shown = document.querySelector('[data-card][data-uuid="' + item.uuid + '"]');
        if (shown) shown.scrollIntoView({ block: "nearest" });
      } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        // Refused for good (too long, closed): give the text back to its author.
        drop(form, item.uuid);
        var input = form.querySelector("textarea");
        if (input && !input.value) { input.value = item.text; updateCount(form); }
        var msg = parse(res.html).querySelector("[data-composer-error]");
        showError(form, msg ? msg.textContent : t("error"));
      } else {
        renderPending(form);
      }
    }).catch(function () {
      sending[item.uuid] = false;
      renderPending(form);
    });
  }

  function drop(form, id) {
    savePending(form, loadPending(form).filter(function (i) { return i.uuid !== id; }));
    renderPending(form);
  }

  function flushPending() {
    document.querySelectorAll("[data-composer]").forEach(function (form) {
      loadPending(form).forEach(function (item) { send(form, item); });
    });
  }

  function updateCount(form) {
    var input = form.querySelector("textarea");
    var count = form.querySelector("[data-composer-count]");
    if (!input || !count) return;
    var max = parseInt(input.getAttribute("maxlength"), 10);
    count.textContent = input.value.length + " / " + max;
    count.classList.toggle("is-near", input.value.length > max * 0.85);
  }

  function setupComposer(form) {
    var input = form.querySelector("textarea");
    renderPending(form);
    updateCount(form);
    input.addEventListener("input", function () { updateCount(form); showError(form, ""); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text) { showError(form, form.dataset.emptyMessage || ""); input.focus(); return; }
      var item = { uuid: uuid4(), text: text };
      savePending(form, loadPending(form).concat([item]));
      input.value = "";
      updateCount(form);
      input.focus();
      send(form, item);
      var pending = document.querySelector('[data-pending-list] [data-card-uuid="' + item.uuid + '"]');
      if (pending) pending.scrollIntoView({ block: "nearest" });
    });
  }

  /* ---- small page helpers ---- */

  function setupFormset(box) {
    var rows = box.querySelector("[data-formset-rows]");
    var tpl = box.querySelector("[data-formset-template]");
    var total = box.querySelector('input[name$="-TOTAL_FORMS"]');
    box.querySelector("[data-formset-add]").addEventListener("click", function () {
      var n = parseInt(total.value, 10);
      var html = tpl.innerHTML.replace(/__prefix__/g, String(n));
      rows.append(parse(html));
      total.value = n + 1;
      var first = rows.lastElementChild && rows.lastElementChild.querySelector("input");
      if (first) first.focus();
    });
  }

  document.addEventListener("submit", function (e) {
    var msg = e.target.dataset && e.target.dataset.confirm;
    if (msg && !window.confirm(msg)) e.preventDefault();
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    dedupe();
    document.querySelectorAll("[data-composer]").forEach(setupComposer);
    document.querySelectorAll("[data-formset]").forEach(setupFormset);
    if (document.querySelector("[data-live]")) setStatus("connecting", t("connecting"));
  });
})();
