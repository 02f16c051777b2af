/* Stellwand client: live board state (revisions, resync), and cards that are never lost.
 *
 * The WebSocket (htmx ws extension) only pushes. Each board has a revision in
 * #board-N-rev[data-rev]. A push with the next revision is applied; an old one is
 * dropped (the snapshot already had it); a jump means a push was lost, so the board
 * is fetched again over HTTP. The server sends a heartbeat; a socket that stays silent
 * longer than that is dead (Wi-Fi change, NAT timeout) and is replaced.
 *
 * Cards are POSTed with a client-made id and kept in localStorage until the server has
 * them: a retry after a lost connection never creates a second card, and nothing typed
 * is lost while offline.
 */
(function () {
  "use strict";

  var STOP_CODES = { 4001: "removed", 4002: "closed", 4003: "revoked", 4004: "groupRemoved" };
  var RESYNC_MS = 30000;        // a safety net: compare with the server now and then
  var SILENCE_MS = 60000;       // no message (not even a heartbeat) for this long: reconnect
  var SEND_TIMEOUT_MS = 15000;  // a POST that hangs is aborted and retried later

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

  function store(key, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(key) || "[]");
      localStorage.setItem(key, JSON.stringify(value));
    } catch (err) { /* private mode or full: the page still works, without memory */ }
    return [];
  }

  function currentRev(boardId) {
    var el = document.getElementById("board-" + boardId + "-rev");
    return el ? parseInt(el.dataset.rev, 10) : null;
  }

  /* Keep one element per card id (the author's POST response and the push may both
   * arrive), drop pending copies the server has confirmed, and mark this phone's cards. */
  function tidy() {
    var seen = {};
    var composer = document.querySelector("[data-composer]");
    var mine = composer ? store(mineKey(composer)) : [];
    document.querySelectorAll("[data-card]").forEach(function (el) {
      if (seen[el.id]) { el.remove(); return; }
      seen[el.id] = true;
      if (mine.indexOf(el.dataset.uuid) >= 0) el.classList.add("card--mine");
    });
    document.querySelectorAll("[data-pending-list] [data-card-uuid]").forEach(function (el) {
      if (document.querySelector('[data-card][data-uuid="' + el.dataset.cardUuid + '"]')) el.remove();
    });
  }

  /* ---- live state ---- */

  // `latest` is the newest socket the extension made: events of older sockets are stale.
  var live = {
    wrapper: null, latest: null, open: false, stopped: false,
    syncing: {}, maxSeen: {}, lastMessage: Date.now(),
  };

  function hookSocketFactory() {
    var make = htmx.createWebSocket;
    htmx.createWebSocket = function (url) {
      // Never two sockets at once: the extension's retry timer and a wake-up may race.
      if (live.latest && live.latest.readyState <= WebSocket.OPEN) live.latest.close();
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
    var rev = revEl ? parseInt(revEl.dataset.rev, 10) : 0;
    var have = currentRev(id);
    var old = document.getElementById("board-" + id);
    if (!old || (have !== null && rev < have)) return;
    wall.removeAttribute("hx-swap-oob");
    old.replaceWith(wall);
    htmx.process(wall);
    tidy();
    // Pushes newer than this snapshot were dropped while it was on its way: fetch again.
    if ((live.maxSeen[id] || 0) > rev) setTimeout(function () { resync(id); }, 200);
  }

  function resync(boardId) {
    var wall = document.getElementById("board-" + boardId);
    if (!wall || live.syncing[boardId]) return;
    live.syncing[boardId] = true;
    fetch(wall.dataset.snapshotUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) { live.syncing[boardId] = false; applySnapshot(html); })
      .catch(function () { live.syncing[boardId] = false; });
  }

  function resyncAll() {
    document.querySelectorAll("section[data-board-id]").forEach(function (w) { resync(w.dataset.boardId); });
  }

  function reconnect(force) {
    if (live.stopped || !live.wrapper) return;
    var state = live.latest ? live.latest.readyState : WebSocket.CLOSED;
    if (!force && (state === WebSocket.OPEN || state === WebSocket.CONNECTING)) return;
    live.lastMessage = Date.now();
    live.wrapper.reconnect();
  }

  // Before htmx processes the page on DOMContentLoaded and opens the socket.
  hookSocketFactory();

  document.addEventListener("htmx:wsBeforeMessage", function (e) {
    live.lastMessage = Date.now();
    var message = e.detail.message;
    if (message.indexOf("data-heartbeat") >= 0 && message.length < 100) { e.preventDefault(); return; }
    var frag = parse(message);
    var revEl = frag.querySelector("[data-rev][data-board-id]");
    if (!revEl) return; // not a board message (e.g. participant counts)
    var id = revEl.dataset.boardId;
    var rev = parseInt(revEl.dataset.rev, 10);
    var have = currentRev(id);
    if (have === null) return;
    live.maxSeen[id] = Math.max(live.maxSeen[id] || 0, rev);
    if (frag.querySelector("[data-snapshot]")) {
      if (rev < have) e.preventDefault();
      return;
    }
    if (rev <= have) { e.preventDefault(); return; }  // already in the snapshot
    if (rev > have + 1) { e.preventDefault(); resync(id); }  // a push was lost
  });

  document.addEventListener("htmx:wsAfterMessage", tidy);

  document.addEventListener("htmx:wsOpen", function (e) {
    if (live.latest && e.detail.event.target !== live.latest) return;
    live.wrapper = e.detail.socketWrapper;
    live.open = true;
    live.lastMessage = Date.now();
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
      var joinUrl = document.querySelector("[data-join-url]");
      if (code === 4004 && joinUrl) setTimeout(function () { location.assign(joinUrl.dataset.joinUrl); }, 2500);
      return;
    }
    setStatus("offline", t("offline"));
    // The extension itself retries only after abnormal closes; retry after the others too.
    if ([1006, 1011, 1012, 1013].indexOf(code) < 0) setTimeout(reconnect, 1000 + Math.random() * 2000);
  });

  function wake(force) {
    if (live.stopped) return;
    var silent = Date.now() - live.lastMessage > SILENCE_MS;
    if (live.open && !force && !silent) resyncAll(); else reconnect(true);
    flushPending();
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") wake(false); });
  // A new network: the old socket may be half-open and silent forever.
  window.addEventListener("online", function () { wake(true); });
  window.addEventListener("pageshow", function (e) { if (e.persisted) wake(true); });
  var lastResync = Date.now();
  setInterval(function () {
    if (live.stopped || document.visibilityState !== "visible") return;
    if (live.open && Date.now() - live.lastMessage > SILENCE_MS) { reconnect(true); return; }
    if (live.open && Date.now() - lastResync > RESYNC_MS) { lastResync = Date.now(); resyncAll(); }
  }, 10000);

  /* ---- composing cards: sent exactly once, kept while offline ---- */

  function pendingKey(form) { return "stellwand.pending." + form.dataset.boardId; }
  function mineKey(form) { return "stellwand.mine." + form.dataset.boardId; }
  var sending = {};
  var flushing = false;

  function rememberMine(form, id) {
    var mine = store(mineKey(form));
    if (mine.indexOf(id) < 0) store(mineKey(form), mine.concat([id]).slice(-500));
  }

  function renderPending(form) {
    var list = document.querySelector("[data-pending-list]");
    if (!list) return;
    list.textContent = "";
    store(pendingKey(form)).forEach(function (item) {
      var li = document.createElement("li");
      li.className = "card card--pending" + (item.error ? " card--refused" : "");
      li.dataset.cardUuid = item.uuid;
      var p = document.createElement("p");
      p.className = "card__text";
      p.textContent = item.text;
      var s = document.createElement("p");
      s.className = "card__state";
      s.textContent = item.error || (sending[item.uuid] ? t("sending") : t("notSent"));
      li.append(p, s);
      list.append(li);
    });
  }

  function showError(form, message) {
    var el = form.querySelector("[data-composer-error]");
    if (el) el.textContent = message || "";
  }

  function update(form, id, change) {
    var items = store(pendingKey(form));
    var kept = [];
    items.forEach(function (item) {
      if (item.uuid !== id) { kept.push(item); return; }
      var changed = change(item);
      if (changed) kept.push(changed);
    });
    store(pendingKey(form), kept);
    renderPending(form);
  }

  /* POST one card; resolves when this attempt is over, whatever its outcome. */
  function send(form, item) {
    if (sending[item.uuid] || item.error) return Promise.resolve();
    sending[item.uuid] = true;
    renderPending(form);
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, SEND_TIMEOUT_MS);
    return fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      signal: abort.signal,
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ text: item.text, client_uuid: item.uuid }),
    }).then(function (r) {
      return r.text().then(function (html) { return { status: r.status, html: html }; });
    }).then(function (res) {
      sending[item.uuid] = false;
      var message = parse(res.html).querySelector("[data-composer-error]");
      if (res.status === 200) {
        update(form, item.uuid, function () { return null; });
        var cards = document.getElementById("board-" + form.dataset.boardId + "-cards");
        var card = parse(res.html).querySelector("[data-card]");
        if (cards && card && !document.getElementById(card.id)) cards.append(card);
        tidy();
        var shown = document.querySelector('[data-card][data-uuid="' + item.uuid + '"]');
        if (shown) shown.scrollIntoView({ block: "nearest" });
      } else if ((res.status === 400 || res.status === 413) && message) {
        // Refused for good (empty, too long): give the text back to its author if the
        // field is free, else keep it visible with the reason. Never drop it silently.
        var input = form.querySelector("textarea");
        if (input && !input.value) {
          update(form, item.uuid, function () { return null; });
          input.value = item.text;
          updateCount(form);
        } else {
          update(form, item.uuid, function (i) { i.error = message.textContent; return i; });
        }
        showError(form, message.textContent);
      } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        // Not allowed right now (session lost, workshop closed, group removed): keep it.
        showError(form, message ? message.textContent : t("refused"));
        renderPending(form);
      } else {
        renderPending(form);
      }
    }).catch(function () {
      sending[item.uuid] = false;
      renderPending(form);
    }).then(function () { clearTimeout(timer); });
  }

  /* Send what is pending one after another, so the wall keeps the order they were typed in. */
  function flushPending() {
    if (flushing) return;
    var forms = Array.prototype.slice.call(document.querySelectorAll("[data-composer]"));
    var queue = [];
    forms.forEach(function (form) {
      store(pendingKey(form)).forEach(function (item) { queue.push([form, item]); });
    });
    if (!queue.length) return;
    flushing = true;
    queue.reduce(function (chain, entry) {
      return chain.then(function () { return send(entry[0], entry[1]); });
    }, Promise.resolve()).then(function () { flushing = false; });
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
      rememberMine(form, item.uuid);
      store(pendingKey(form), store(pendingKey(form)).concat([item]));
      input.value = "";
      updateCount(form);
      input.focus();
      renderPending(form);
      var pending = document.querySelector('[data-pending-list] [data-card-uuid="' + item.uuid + '"]');
      if (pending) pending.scrollIntoView({ block: "nearest" });
      send(form, item);
    });
  }

  /* ---- small page helpers ---- */

  function setupFormset(box) {
    var rows = box.querySelector("[data-formset-rows]");
    var tpl = box.querySelector("[data-formset-template]");
    var total = box.querySelector('input[name$="-TOTAL_FORMS"]');
    box.querySelector("[data-formset-add]").addEventListener("click", function () {
      var n = parseInt(total.value, 10);
      rows.append(parse(tpl.innerHTML.replace(/__prefix__/g, String(n))));
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
    document.querySelectorAll("[data-composer]").forEach(setupComposer);
    document.querySelectorAll("[data-formset]").forEach(setupFormset);
    tidy();
    flushPending();
    if (document.querySelector("[data-live]")) setStatus("connecting", t("connecting"));
  });
})();
