/* Stellwand client: live board state (revisions, resync), and cards that are never lost.
 *
 * The WebSocket (htmx ws extension) only pushes. Each board has a revision in
 * #board-N-rev[data-rev]. A push with the next revision is applied; an old one is
 * dropped (the snapshot already had it); one that skips a revision waits a moment for the
 * missing one (pushes of one board can overtake each other), then the board is fetched
 * again over HTTP. About a second after a board changed, the server also sends its newest
 * revision alone: a screen still behind it shortly after lost a push and fetches the board. The server sends a heartbeat; a socket that stays silent
 * longer than that is dead (Wi-Fi change, NAT timeout) and is replaced.
 *
 * Cards are POSTed with a client-made id and kept in localStorage until the server has
 * them: a retry after a lost connection never creates a second card, and nothing typed
 * is lost while offline. A 429 holds the outbox for the server's Retry-After, then it goes on.
 *
 * The wall is the same for every participant; what is one person's own (their hidden
 * cards, their dots) comes in #board-N-me. After every swap `tidy()` decorates the wall
 * from it: own cards get their tools, vote buttons show this person's dots.
 */
(function () {
  "use strict";

  var STOP_CODES = { 4001: "removed", 4002: "closed", 4003: "revoked", 4004: "groupRemoved", 4005: "deleted" };
  var RESYNC_MS = 30000;        // a safety net: compare with the server now and then
  var SILENCE_MS = 60000;       // no message (not even a heartbeat) for this long: reconnect
  var SEND_TIMEOUT_MS = 15000;  // a POST that hangs is aborted and retried later
  var GAP_WAIT_MS = 1000;       // a push overtaken by a later one is usually here by then

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

  /* #board-N-me carries no revision (dots change none) and is rendered whole; under load an
   * older rendering can arrive after a newer one. Each says when it was rendered
   * (data-stamp, microseconds): an older one than the page has is dropped. */
  function staleMe(node) {
    var old = node && node.id ? document.getElementById(node.id) : null;
    if (!old || !node.hasAttribute("data-personal") || !old.dataset.stamp || !node.dataset.stamp) return false;
    return Number(node.dataset.stamp) < Number(old.dataset.stamp);
  }

  /* Replace an element by the one with the same id from a response (a card, #board-N-me). */
  function swapIn(node) {
    var old = node && node.id ? document.getElementById(node.id) : null;
    if (!old || staleMe(node)) return false;
    node.removeAttribute("hx-swap-oob");
    old.replaceWith(node);
    htmx.process(node);
    return true;
  }

  /* Keep one element per card id (the author's POST response and the push may both
   * arrive), drop pending copies the server has confirmed, and mark this person's cards.
   * The wall is the same for everyone; #board-N-me, which only its owner receives, lists
   * the ids of their cards on the wall and the client ids of everything they sent. */
  function tidy() {
    var seen = {};
    var me = document.querySelector("[data-personal]");
    var ownIds = me ? (me.dataset.ownCards || "").split(",") : [];
    var sent = me ? (me.dataset.ownUuids || "").split(",") : [];
    if (me) me.querySelectorAll("[data-own-card]").forEach(function (el) { sent.push(el.dataset.uuid); });
    document.querySelectorAll("[data-card]").forEach(function (el) {
      if (seen[el.id]) { el.remove(); return; }
      seen[el.id] = true;
      var mine = ownIds.indexOf(el.dataset.cardId) >= 0;
      el.classList.toggle("card--mine", mine);
      var tools = el.querySelector("[data-own-tools]");
      if (tools) tools.hidden = !mine;
    });
    document.querySelectorAll("[data-pending-list] [data-card-uuid]").forEach(function (el) {
      if (sent.indexOf(el.dataset.cardUuid) >= 0) el.remove();
    });
    boardState();
    decorateVotes();
  }

  /* ---- live state ---- */

  // `latest` is the newest socket the extension made: events of older sockets are stale.
  var live = {
    wrapper: null, latest: null, open: false, stopped: false, retries: 0,
    syncing: {}, maxSeen: {}, held: {}, lastMessage: Date.now(),
  };
  var TRY_AGAIN = 4013;  // the server cannot reach its channel layer (Redis) right now

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

  /* A participant's snapshot is the wall followed by their own element #board-N-me. */
  function applySnapshot(html) {
    var frag = parse(html);
    var wall = frag.querySelector("section[data-board-id]");
    var me = frag.querySelector("[data-personal]");
    // Nobody's votes are in flight: the personal part is the truth of this moment.
    if (me && !voting.inFlight) swapIn(me);
    if (!wall) { tidy(); return; }
    var id = wall.dataset.boardId;
    var revEl = wall.querySelector("[data-rev]");
    var rev = revEl ? parseInt(revEl.dataset.rev, 10) : 0;
    var have = currentRev(id);
    var old = document.getElementById("board-" + id);
    if (!old || (have !== null && rev < have)) { tidy(); return; }
    wall.removeAttribute("hx-swap-oob");
    old.replaceWith(wall);
    htmx.process(wall);
    tidy();
    releaseHeld();
    // Pushes newer than this snapshot were dropped while it was on its way: fetch again.
    if ((live.maxSeen[id] || 0) > (currentRev(id) || rev)) setTimeout(function () { resync(id); }, 200);
  }

  /* A push that skips a revision waits for the one it skipped: under load the pushes of one
   * board can arrive out of order, and a burst must not send every phone for a snapshot.
   * What is still missing after GAP_WAIT_MS was lost: the board is fetched. */
  function holdPush(id, rev, message) {
    var held = live.held[id] || (live.held[id] = { messages: {}, timer: null });
    held.messages[rev] = message;
    if (held.timer) return;
    held.timer = setTimeout(function () {
      held.timer = null;
      if (!Object.keys(held.messages).length) return;
      held.messages = {};
      resync(id);
    }, GAP_WAIT_MS);
  }

  /* Apply held pushes that are next now; forget the ones a snapshot already covers. */
  function releaseHeld() {
    Object.keys(live.held).forEach(function (id) {
      var held = live.held[id];
      var have = currentRev(id);
      Object.keys(held.messages).forEach(function (r) {
        if (have === null || parseInt(r, 10) <= have) delete held.messages[r];
      });
      var next = have === null ? null : held.messages[have + 1];
      if (next) {
        delete held.messages[have + 1];
        // Through the socket's own handling, as if it arrived now (and the next after it).
        replay(parse(next));
      } else if (!Object.keys(held.messages).length && held.timer) {
        clearTimeout(held.timer);
        held.timer = null;
      }
    });
  }

  /* What is left of a frame, through the socket's own handling as if it arrived now. */
  function replay(frag) {
    if (!frag.children.length || !live.latest) return;
    var box = document.createElement("div");
    box.append(frag);
    live.latest.dispatchEvent(new MessageEvent("message", { data: box.innerHTML }));
  }

  /* The server's newest revision of a board: still behind it a moment later, a push was
   * lost (not just slower than this signal), and the board is fetched. */
  function noteRevision(id, rev) {
    var have = currentRev(id);
    if (have === null || !(rev > have)) return;
    live.maxSeen[id] = Math.max(live.maxSeen[id] || 0, rev);
    setTimeout(function () {
      var now = currentRev(id);
      if (now !== null && now < rev) resync(id);
    }, GAP_WAIT_MS);
  }

  function resync(boardId) {
    var wall = document.getElementById("board-" + boardId);
    if (!wall || live.syncing[boardId]) return Promise.resolve();
    live.syncing[boardId] = true;
    // A page can say where its walls' snapshots come from (the facilitators' look at a
    // group's phones fetches the participants' wall, not their own).
    var from = wall.closest("[data-snapshot-from]");
    return fetch(from ? from.dataset.snapshotFrom : wall.dataset.snapshotUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) { live.syncing[boardId] = false; applySnapshot(html); })
      .catch(function () { live.syncing[boardId] = false; });
  }

  function resyncAll() {
    document.querySelectorAll("section[data-board-id]").forEach(function (w) { resync(w.dataset.boardId); });
  }

  /* A push `<template data-navigate="/path/">` sends this page elsewhere (a participant
   * moved to another group, assigned one, or sent on by the agenda). Paths of this site only. */
  function follow(url) {
    if (!url || url.charAt(0) !== "/" || url.charAt(1) === "/" || url.charAt(1) === "\\") return;
    // A facilitator watching what a group's phones show stays where they are.
    if (document.querySelector("[data-preview]")) return;
    live.stopped = true;
    live.navigating = true;
    location.assign(url);
  }

  /* A refused socket looks like a lost one. Ask over HTTP whether this wall is still this
   * page's: if not (moved to another group while offline), the page is loaded again and
   * leads on to where it belongs now. */
  var lastAsked = 0;
  function stillMine() {
    var wall = document.querySelector("section[data-board-id][data-snapshot-url]");
    if (!wall || !navigator.onLine || Date.now() - lastAsked < 10000) return;
    lastAsked = Date.now();
    var from = wall.closest("[data-snapshot-from]");
    fetch(from ? from.dataset.snapshotFrom : wall.dataset.snapshotUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { if (r.status === 404) location.reload(); })
      .catch(function () { /* offline after all: the socket retries */ });
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
    // Live once the server speaks (its snapshot comes first), not when the socket opens:
    // a server that cannot reach its channel layer opens and closes at once.
    if (live.retries || !live.confirmed) { live.retries = 0; live.confirmed = true; setStatus("live", t("live")); }
    var message = e.detail.message;
    if (message.indexOf("data-heartbeat") >= 0 && message.length < 100) { e.preventDefault(); return; }
    var frag = parse(message);
    var go = frag.querySelector("template[data-navigate]");
    if (go) { e.preventDefault(); follow(go.dataset.navigate); return; }
    var signal = frag.querySelector("template[data-rev-signal]");
    if (signal) { e.preventDefault(); noteRevision(signal.dataset.boardId, parseInt(signal.dataset.rev, 10)); return; }
    var revEl = frag.querySelector("[data-rev][data-board-id]");
    // This phone's dots are on their way (the answer to the last one brings the truth), or
    // this element of its own is older than the one shown: it is dropped, not the rest of
    // the frame (a snapshot's last frame also brings the phase and the spotlight).
    var own = revEl ? null : frag.querySelector("[data-personal]");
    if (own && (voting.inFlight || staleMe(own))) {
      e.preventDefault();
      own.remove();
      replay(frag);
      return;
    }
    // The plenary's links and conclusions reach every screen of the workshop; a page that
    // does not show them (a group's wall) lets them pass instead of logging a missing target.
    if (!revEl && frag.querySelector("[data-synergies-part]") && !document.querySelector("[data-synergies]")) { e.preventDefault(); return; }
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
    if (rev > have + 1) { e.preventDefault(); holdPush(id, rev, message); }  // overtaken, or lost
  });

  document.addEventListener("htmx:wsAfterMessage", function () { tidy(); releaseHeld(); });

  /* ---- the agenda: the phone says what to do now and goes where the phase is ---- */

  function followPhase() {
    var banner = document.querySelector("[data-phase]");
    var page = document.querySelector("[data-page-view]");
    if (!banner) return;
    var composer = document.querySelector("[data-composer]");
    var off = document.querySelector("[data-composer-off]");
    var mayWrite = banner.dataset.mayWrite !== "false";
    if (composer && !composer.closest("[data-closed]")) composer.hidden = !mayWrite;
    if (off) off.hidden = mayWrite || !composer;
    if (!page) return;
    // The plenary takes every phone there; the group work takes each back to its wall.
    // Before the agenda starts (and in the room) a phone stays where its person went.
    if (banner.hasAttribute("hidden")) return;
    var view = banner.dataset.view;
    var here = page.dataset.pageView;
    if (view === "plenary" && here !== "plenary" && banner.dataset.plenaryUrl) {
      location.assign(banner.dataset.plenaryUrl);
    } else if (view === "groups" && here === "plenary" && page.dataset.groupUrl) {
      location.assign(page.dataset.groupUrl);
    }
  }
  document.addEventListener("htmx:wsAfterMessage", followPhase);

  document.addEventListener("htmx:wsOpen", function (e) {
    if (live.latest && e.detail.event.target !== live.latest) return;
    live.wrapper = e.detail.socketWrapper;
    live.open = true;
    live.confirmed = false;
    live.lastMessage = Date.now();
    flushPending();
  });

  document.addEventListener("htmx:wsClose", function (e) {
    // A socket replaced by a newer one closing late says nothing about the connection.
    if (live.latest && e.detail.event.target !== live.latest) return;
    live.wrapper = e.detail.socketWrapper;
    live.open = false;
    if (live.navigating) return;  // on its way to another page
    var code = e.detail.event.code;
    if (STOP_CODES[code]) {
      live.stopped = true;
      setStatus("stopped", t(STOP_CODES[code]));
      document.querySelectorAll("[data-composer] textarea, [data-composer] button").forEach(function (el) { el.disabled = true; });
      var joinUrl = document.querySelector("[data-join-url]");
      if (code === 4004 && joinUrl) setTimeout(function () { location.assign(joinUrl.dataset.joinUrl); }, 2500);
      return;
    }
    if (code === TRY_AGAIN) {
      // Back off: 1, 2, 4 … 30 s, with jitter, so a room of phones does not retry at once.
      live.retries += 1;
      setStatus("reconnecting", t("reconnecting"));
      var delay = Math.min(30000, 1000 * Math.pow(2, live.retries - 1));
      setTimeout(reconnect, delay * (0.5 + Math.random() / 2));
      return;
    }
    setStatus("offline", t("offline"));
    stillMine();
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
  var sending = {};
  var flushing = false;
  // After a 429: nothing is sent before the server's Retry-After; then the outbox goes on.
  var held = { until: 0, timer: null, message: "" };

  function renderPending(form) {
    var list = document.querySelector("[data-pending-list]");
    if (!list) return;
    list.textContent = "";
    store(pendingKey(form)).forEach(function (item) {
      var li = document.createElement("li");
      li.className = "card card--pending" + (item.color ? " card--" + item.color : "") + (item.error ? " card--refused" : "");
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

  function hold(form, retryAfter, message) {
    var wait = Math.max(1, parseInt(retryAfter, 10) || 10) * 1000;
    held.until = Date.now() + wait;
    held.message = message;
    showError(form, message);
    clearTimeout(held.timer);
    held.timer = setTimeout(function resume() {
      if (flushing) { held.timer = setTimeout(resume, 1000); return; }
      held.until = 0;
      flushPending();
    }, wait);
  }

  /* POST one card; resolves when this attempt is over, whatever its outcome. */
  function send(form, item) {
    if (sending[item.uuid] || item.error || Date.now() < held.until) return Promise.resolve();
    sending[item.uuid] = true;
    renderPending(form);
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, SEND_TIMEOUT_MS);
    return fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      signal: abort.signal,
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ text: item.text, client_uuid: item.uuid, color: item.color || "" }),
    }).then(function (r) {
      return r.text().then(function (html) {
        return { status: r.status, html: html, retryAfter: r.headers.get("Retry-After") };
      });
    }).then(function (res) {
      sending[item.uuid] = false;
      var message = parse(res.html).querySelector("[data-composer-error]");
      if (res.status === 200) {
        update(form, item.uuid, function () { return null; });
        var shownError = form.querySelector("[data-composer-error]");
        if (held.message && shownError && shownError.textContent === held.message) showError(form, "");
        var answer = parse(res.html);
        var cards = document.getElementById("board-" + form.dataset.boardId + "-cards");
        var card = answer.querySelector("[data-card]");
        if (cards && card && !document.getElementById(card.id)) cards.append(card);
        // Hidden or handed in: the answer is the author's own element, not a card.
        var me = answer.querySelector("[data-personal]");
        if (me) swapIn(me);
        tidy();
        var shown = (card && document.getElementById(card.id)) || document.querySelector('[data-own-card][data-uuid="' + item.uuid + '"]');
        if (shown) shown.scrollIntoView({ block: "nearest" });
      } else if (res.status === 409 && message && message.hasAttribute("data-drop")) {
        // Sent before, and taken off the wall by the facilitators since: nothing to resend.
        update(form, item.uuid, function () { return null; });
        showError(form, message.textContent);
      } else if ((res.status === 400 || res.status === 409 || res.status === 413) && message) {
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
      } else if (res.status === 429) {
        // Too many at once: the card stays in the outbox and goes when the server said.
        hold(form, res.retryAfter, message ? message.textContent : t("refused"));
        renderPending(form);
      } else if (res.status >= 400 && res.status < 500 && res.status !== 408) {
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
    form.querySelectorAll('input[name="color"]').forEach(function (radio) {
      radio.addEventListener("change", function () { form.dataset.colorChosen = "true"; });
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text) { showError(form, form.dataset.emptyMessage || ""); input.focus(); return; }
      var picked = form.querySelector('input[name="color"]:checked');
      var item = { uuid: uuid4(), text: text, color: picked ? picked.value : "" };
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

  /* ---- what to do now: the wall's state drives the phone ---- */

  // Shared by htmx requests (moderation, forms with hx-post): the CSRF token as a header.
  document.addEventListener("htmx:configRequest", function (e) {
    if (!e.detail.headers["X-CSRFToken"]) e.detail.headers["X-CSRFToken"] = csrfToken();
  });

  var lastTask = null;

  function boardState() {
    var composer = document.querySelector("[data-composer]");
    var wall = composer && document.getElementById("board-" + composer.dataset.boardId);
    if (!wall) return;
    // The facilitators' colour, until this person picked one themselves.
    if (!composer.dataset.colorChosen) {
      var preset = composer.querySelector('input[name="color"][value="' + wall.dataset.cardColor + '"]');
      if (preset) preset.checked = true;
    }
    // "Dots left" sticks right under the phone's top bar, whatever its height.
    var bar = document.querySelector(".phone__top");
    if (bar) document.documentElement.style.setProperty("--sticky-top", bar.offsetHeight + "px");
    var task = wall.querySelector("[data-task]");
    var key = [wall.dataset.mode, wall.hasAttribute("data-locked"), wall.dataset.voting].join("|");
    if (lastTask !== null && key !== lastTask && task) {
      // The instruction changed under the reader's eyes: say it (the wall itself is replaced
      // silently) and bring it into view.
      var say = document.querySelector("[data-task-announce]");
      if (say) say.textContent = task.textContent.replace(/\s+/g, " ").trim();
      task.classList.add("task--changed");
      if (task.getBoundingClientRect().bottom < 0) task.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    lastTask = key;
  }

  var toastTimer = null;
  function toast(message) {
    var el = document.querySelector("[data-toast]");
    if (!el || !message) return;
    el.textContent = message;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, 6000);
  }

  // Messages of this page that the shared i18n template does not carry.
  function say(key) {
    var el = document.querySelector("[data-toast]");
    return (el && el.dataset[key]) || t("refused");
  }

  function messageIn(html) {
    var el = parse(html).querySelector("[data-error-message], [data-composer-error]");
    return el ? el.textContent.trim() : "";
  }

  function post(url, values) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(values),
    }).then(function (r) {
      return r.text().then(function (html) { return { status: r.status, html: html, retryAfter: r.headers.get("Retry-After") }; });
    });
  }

  /* ---- dot voting: one tap, counted at once, the server's answer is the truth ---- */

  // `delta`: taps sent but not answered yet, per target ("card-17": +2).
  var voting = { delta: {}, inFlight: 0, queue: Promise.resolve(), pausedUntil: 0, pauseMessage: "" };

  function myVotes(me) {
    var raw = (me.dataset.votes || "").trim();
    if (raw && raw.charAt(0) !== "{") raw = "{" + raw + "}";
    try { return JSON.parse(raw || "{}"); } catch (err) { return {}; }
  }

  function dots(box, filled, total) {
    var html = "";
    for (var i = 0; i < total; i++) html += '<span class="dot' + (i < filled ? " dot--on" : "") + '"></span>';
    if (box.innerHTML !== html) box.innerHTML = html;
  }

  function decorateVotes() {
    var me = document.querySelector("[data-personal]");
    if (!me) return;
    var votes = myVotes(me);
    var left = parseInt(me.dataset.dotsLeft, 10) || 0;
    Object.keys(voting.delta).forEach(function (key) {
      votes[key] = Math.max(0, (votes[key] || 0) + voting.delta[key]);
      left -= voting.delta[key];
    });
    left = Math.max(0, left);
    var line = document.querySelector("[data-dots-left-line]");
    if (line) {
      var total = parseInt(line.dataset.total, 10) || 0;
      var text = (left > 0 ? line.dataset.some : line.dataset.none) || "";
      line.querySelector("[data-dots-left-text]").textContent = text.replace("{left}", left).replace("{total}", total);
      dots(line.querySelector("[data-dots-left-dots]"), left, total);
      line.classList.toggle("dots-left--none", left <= 0);
    }
    document.querySelectorAll("[data-vote]").forEach(function (box) {
      var n = votes[box.dataset.target] || 0;
      var max = parseInt(box.dataset.max, 10) || 1;
      dots(box.querySelector("[data-my-dots]"), n, n);
      var spoken = box.querySelector("[data-my-dots-text]");
      if (spoken) spoken.textContent = n > 0 ? spoken.dataset.label.replace("{n}", n) : "";
      box.classList.toggle("vote--mine", n > 0);
      var target = box.closest("[data-card], [data-cluster]");
      if (target) target.classList.toggle("has-my-dots", n > 0);
      box.querySelector("[data-vote-cast]").setAttribute("aria-disabled", String(left <= 0 || n >= max));
      box.querySelector("[data-vote-retract]").setAttribute("aria-disabled", String(n <= 0));
    });
  }

  function vote(button) {
    if (button.getAttribute("aria-disabled") === "true") return;
    // Told to wait (429): the taps in between would only be refused too.
    if (Date.now() < voting.pausedUntil) { toast(voting.pauseMessage); return; }
    var key = button.closest("[data-vote]").dataset.target;
    var step = button.hasAttribute("data-vote-cast") ? 1 : -1;
    var values = {};
    values[button.dataset.name] = button.dataset.value;
    var url = button.dataset.url;
    voting.delta[key] = (voting.delta[key] || 0) + step;
    voting.inFlight += 1;
    decorateVotes();
    function settle() {
      voting.delta[key] -= step;
      if (!voting.delta[key]) delete voting.delta[key];
      voting.inFlight -= 1;
    }
    // One after another: the server sees the taps in the order they were made.
    voting.queue = voting.queue.then(function () {
      return post(url, values).then(function (res) {
        settle();
        var me = parse(res.html).querySelector("[data-personal]");
        if (me) swapIn(me);
        if (res.status === 429) {
          voting.pausedUntil = Date.now() + Math.max(1, parseInt(res.retryAfter, 10) || 10) * 1000;
          voting.pauseMessage = messageIn(res.html) || say("failed");
        }
        if (res.status !== 200) toast(messageIn(res.html) || say("failed"));
        tidy();
      }).catch(function () {
        settle();
        toast(say("offline"));
        tidy();
      });
    });
  }

  /* ---- own cards: edit in a dialog outside the wall (pushes replace the wall), delete ---- */

  var editing = null;

  function ownTools(button) {
    var tools = button.closest("[data-own-tools]");
    var card = button.closest("[data-card], [data-own-card]");
    var wall = button.closest("section[data-board-id]") || document.querySelector("section[data-board-id]");
    return { tools: tools, card: card, boardId: wall ? wall.dataset.boardId : null };
  }

  function answerOwnCard(html, cardId) {
    var answer = parse(html);
    var me = answer.querySelector("[data-personal]");
    var card = answer.querySelector("[data-card]");
    if (me) swapIn(me);
    if (card) swapIn(card);
    if (!me && !card) {
      var gone = document.getElementById("card-" + cardId);
      if (gone) gone.remove();
    }
    tidy();
  }

  function openEditor(button) {
    var dialog = document.querySelector("[data-edit-dialog]");
    var found = ownTools(button);
    if (!dialog || !found.tools) return;
    editing = {
      cardId: found.tools.dataset.cardId, url: found.tools.dataset.editUrl,
      deleteUrl: found.tools.dataset.deleteUrl, version: found.tools.dataset.version,
      boardId: found.boardId, opener: button,
    };
    var input = dialog.querySelector("textarea");
    input.value = found.card.querySelector(".card__text").textContent;
    dialog.querySelector("[data-edit-error]").textContent = "";
    dialog.querySelector("[data-edit-current]").hidden = true;
    dialog.showModal();
    input.focus();
  }

  function saveEditor(dialog) {
    if (!editing) return;
    var job = editing;
    var input = dialog.querySelector("textarea");
    var error = dialog.querySelector("[data-edit-error]");
    post(job.url, { text: input.value, version: job.version }).then(function (res) {
      if (res.status === 200) {
        answerOwnCard(res.html, job.cardId);
        editing = null;
        dialog.close();
        return;
      }
      error.textContent = messageIn(res.html) || say("failed");
      if (res.status !== 409) return;
      // Changed by someone else meanwhile: show what is on the wall now; saving again
      // knowingly replaces it.
      resync(job.boardId).then(function () {
        var card = document.getElementById("card-" + job.cardId) || document.getElementById("own-card-" + job.cardId);
        var tools = card && card.querySelector("[data-own-tools]");
        if (!tools) return;
        job.version = tools.dataset.version;
        dialog.querySelector("[data-edit-current-text]").textContent = card.querySelector(".card__text").textContent;
        dialog.querySelector("[data-edit-current]").hidden = false;
      });
    }).catch(function () { error.textContent = say("offline"); });
  }

  function deleteOwn(button) {
    var dialog = button.closest("dialog");
    var job = editing;
    if (!job || !window.confirm(button.dataset.confirmMessage)) return;
    var error = dialog.querySelector("[data-edit-error]");
    post(job.deleteUrl, { version: job.version }).then(function (res) {
      if (res.status === 200) {
        answerOwnCard(res.html, job.cardId);
        dialog.close();
        return;
      }
      error.textContent = messageIn(res.html) || say("failed");
      if (res.status === 409 && job.boardId) resync(job.boardId);
    }).catch(function () { error.textContent = say("offline"); });
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-vote-cast], [data-vote-retract], [data-own-edit], [data-edit-delete], [data-edit-cancel]");
    if (!button) return;
    if (button.hasAttribute("data-own-edit")) openEditor(button);
    else if (button.hasAttribute("data-edit-delete")) deleteOwn(button);
    else if (button.hasAttribute("data-edit-cancel")) button.closest("dialog").close();
    else vote(button);
  });

  document.addEventListener("submit", function (e) {
    if (!e.target.matches("[data-edit-form]")) return;
    e.preventDefault();
    saveEditor(e.target.closest("dialog"));
  });

  /* ---- dialogs opened by a button (the phone's name), answered through htmx ---- */

  document.addEventListener("click", function (e) {
    var opener = e.target.closest && e.target.closest("[data-dialog-open]");
    var closer = e.target.closest && e.target.closest("[data-dialog-close]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.dialogOpen);
      if (!dialog) return;
      dialog.querySelectorAll("[data-name-error]").forEach(function (el) { el.textContent = ""; });
      dialog.showModal();
      // A choice opens on what is chosen now (the phone's own group), else the first field.
      var first = dialog.querySelector("input[type=radio]:checked") || dialog.querySelector("input:not([type=hidden]), textarea");
      if (first) first.focus();
    } else if (closer) {
      closer.closest("dialog").close();
    }
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!form.matches || !form.matches("[data-name-form]")) return;
    var dialog = form.closest("dialog");
    if (e.detail.successful) {
      dialog.close();
      // The button that opened it was swapped with the new name: focus the new one.
      var again = document.querySelector('[data-dialog-open="' + dialog.id + '"]');
      if (again) again.focus();
      return;
    }
    var error = form.querySelector("[data-name-error]");
    var xhr = e.detail.xhr;
    error.textContent = (xhr && xhr.status && messageIn(xhr.responseText || "")) || say("offline");
  });

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
    var dialog = document.querySelector("[data-edit-dialog]");
    if (dialog) dialog.addEventListener("close", function () {
      var opener = editing && editing.opener;
      editing = null;
      // The button that opened it may have been replaced by a live update meanwhile.
      if (opener && document.body.contains(opener)) opener.focus();
    });
    tidy();
    followPhase();
    flushPending();
    if (document.querySelector("[data-live]")) setStatus("connecting", t("connecting"));
  });
})();
