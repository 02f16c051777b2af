/* Stellwand moderation wall: drag and drop, the moderation forms, toasts.
 *
 * Every moderation form (form[data-mod]) is sent with fetch; the server answers 204 and
 * pushes the new wall over the socket, or 400/409 with a message shown as a toast (a 409
 * brings the wall as it is now, which replaces the stale one). Without JavaScript the same
 * forms post normally and the page is redirected back.
 *
 * Snapshots replace the whole wall, so whatever the facilitator was doing in it (an open
 * menu, a half-typed text, the focus, the cards selected for merging) is remembered here
 * and put back after each swap. While a card is being dragged, snapshots are held back
 * until the drop, so a push never pulls the card from under the pointer.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-moderate]");
  if (!root) return;
  var boardId = root.dataset.boardId;
  var socket = root.querySelector("[data-mod-socket]");

  var state = {
    open: new Set(),        // ids of open <details> (card, cluster and panel menus)
    drafts: new Map(),      // "action|name" -> what the facilitator typed or chose
    focus: null,            // how to find the focused control again after a swap
    selected: [],           // card ids picked for merging, in the order they were picked
    dragging: false,
    held: null,             // the newest snapshot that arrived during a drag
    section: null,          // the wall element last seen: a new one means a snapshot
    panelTimer: null,
    panelPending: null,
  };

  function t(key) { return root.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] || ""; }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function wall() { return document.getElementById("board-" + boardId); }

  /* ---- toasts (one live region, polite) ---- */

  function toast(message, kind) {
    var box = document.getElementById("mod-toasts");
    if (!box || !message) return;
    Array.prototype.forEach.call(box.children, function (old) {
      if (old.textContent.indexOf(message) === 0) old.remove();  // the same news once
    });
    var item = document.createElement("div");
    item.className = "mod-toast mod-toast--" + (kind || "info");
    var text = document.createElement("p");
    text.className = "mod-toast__text";
    text.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "mod-toast__close";
    close.setAttribute("aria-label", t("dismiss"));
    close.textContent = "×";
    close.addEventListener("click", function () { item.remove(); });
    item.append(text, close);
    box.append(item);
    while (box.children.length > 3) box.firstElementChild.remove();
    setTimeout(function () { item.remove(); }, kind === "error" ? 9000 : 5000);
  }

  /* ---- sending ---- */

  function send(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body: body,
    }).then(function (r) {
      return r.text().then(function (text) { return { ok: r.ok, status: r.status, text: text }; });
    });
  }

  function refusal(res) {
    // A 400 carries a plain sentence, a 409 its sentence and the wall as it is now;
    // anything else (an error page) is not shown raw.
    var plain = res.text && res.text.length < 400 && res.text.indexOf("<") < 0;
    if (plain) return res.text;
    var now = stale(res);
    var said = now && now.said;
    return said || t("network");
  }

  /* What a 409 says and the wall it brings, or null. */
  function stale(res) {
    if (res.status !== 409 || !res.text || res.text.indexOf("data-error-message") < 0) return null;
    var frag = document.createElement("template");
    frag.innerHTML = res.text;
    var said = frag.content.querySelector("[data-error-message]");
    var fresh = frag.content.querySelector("section#board-" + boardId);
    return { said: said ? said.textContent.trim() : "", wall: fresh ? res.text : "" };
  }

  /* ---- the composer: one client id per card, kept across panel redraws until it is on
   * the wall, so a retry after a lost answer never pins it twice ---- */

  function uuid4() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function composeId() {
    if (!state.composeId) state.composeId = uuid4();
    root.querySelectorAll("[data-compose-uuid]").forEach(function (el) { el.value = state.composeId; });
    return state.composeId;
  }

  root.addEventListener("keydown", function (e) {
    var form = e.target.closest && e.target.closest("form[data-compose]");
    if (!form || e.target.tagName !== "TEXTAREA") return;
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });

  function formKey(el) {
    var form = el.form || el.closest("form");
    if (el.id) return "#" + el.id;
    if (!form) return null;
    return form.getAttribute("action") + "|" + el.name + "|" + (el.type === "checkbox" ? el.value : "") + "|" + el.tagName;
  }

  function findByKey(key) {
    if (!key) return null;
    if (key.charAt(0) === "#") return document.getElementById(key.slice(1));
    var parts = key.split("|");
    var form = root.querySelector('form[action="' + CSS.escape(parts[0]) + '"]');
    if (!form) return null;
    var found = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (found || el.tagName !== parts[3] || el.name !== parts[1]) return;
      if (el.type === "checkbox" && el.value !== parts[2]) return;
      found = el;
    });
    return found;
  }

  function draftKey(el) {
    var form = el.form;
    if (!form || !el.name || el.type === "hidden" || el.hasAttribute("data-merge-pick")) return null;
    return form.getAttribute("action") + "|" + el.name;
  }

  function forgetDrafts(form) {
    var prefix = form.getAttribute("action") + "|";
    Array.from(state.drafts.keys()).forEach(function (key) {
      if (key.indexOf(prefix) === 0) state.drafts.delete(key);
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-mod]") || !root.contains(form)) return;
    e.preventDefault();
    if (form.dataset.busy) return;
    // Url-encoded, not multipart: a form without fields would make an empty multipart
    // body, which Django refuses.
    if (form.hasAttribute("data-compose")) composeId();
    var body = new URLSearchParams(new FormData(form));
    if (form.hasAttribute("data-with-selection") || form.hasAttribute("data-merge-form")) {
      body.delete("cards");
      state.selected.forEach(function (id) { body.append("cards", id); });
    }
    var button = form.querySelector('[type="submit"]');
    form.dataset.busy = "1";
    if (button) button.setAttribute("aria-busy", "true");
    var menu = form.closest("details[data-popover]");
    var menuId = menu ? menu.id : null;
    send(form.getAttribute("action"), body).then(function (res) {
      if (!res.ok) {
        toast(refusal(res), "error");
        // Stale: the 409 brought the wall that won; the next try is made on it.
        var now = stale(res);
        if (now && now.wall) apply(now.wall, true);
        return;
      }
      forgetDrafts(form);
      if (form.dataset.done) toast(form.dataset.done, "success");
      if (form.hasAttribute("data-clear-selection")) { state.selected = []; syncSelection(); }
      if (form.matches("[data-with-selection]")) form.reset();
      if (form.hasAttribute("data-compose")) {
        // On the wall: the next card gets a new id; kind, colour and place stay chosen.
        state.composeId = null;
        composeId();
        var text = form.querySelector("textarea");
        text.value = "";
        text.focus();
      }
      if (menuId && form.hasAttribute("data-close")) {
        // Back to the card's (or cluster's) menu button. The push may have redrawn the
        // wall already, so look the menu up again rather than using the one submitted.
        state.open.delete(menuId);
        var current = document.getElementById(menuId);
        var summary = current && current.querySelector("summary");
        if (current) current.open = false;
        state.focus = summary && summary.id ? "#" + summary.id : null;
        if (summary) summary.focus({ preventScroll: true });
      }
    }).catch(function () {
      toast(t("network"), "error");
    }).then(function () {
      delete form.dataset.busy;
      if (button) button.removeAttribute("aria-busy");
    });
  });

  /* ---- remembering what the facilitator was doing ---- */

  document.addEventListener("toggle", function (e) {
    var details = e.target;
    if (!details.id || !root.contains(details)) return;
    if (details.open) {
      state.open.add(details.id);
      if (details.hasAttribute("data-popover")) {
        root.querySelectorAll("details[data-popover][open]").forEach(function (other) {
          if (other !== details) other.open = false;
        });
        place(details);
      }
    } else {
      state.open.delete(details.id);
      details.querySelectorAll("form").forEach(forgetDrafts);
    }
  }, true);

  function place(details) {
    var panel = details.querySelector(".tools-panel");
    if (!panel) return;
    // Opens leftwards from its button; flipped when that would leave the wall.
    var area = details.closest(".mod-wall") || document.body;
    panel.classList.remove("tools-panel--start");
    if (panel.getBoundingClientRect().left < area.getBoundingClientRect().left + 4) {
      panel.classList.add("tools-panel--start");
    }
  }

  function remember(e) {
    var key = draftKey(e.target);
    if (!key) return;
    var el = e.target;
    if (el.type === "radio") { if (el.checked) state.drafts.set(key, { value: el.value }); return; }
    if (el.type === "checkbox") { state.drafts.set(key, { checked: el.checked }); return; }
    state.drafts.set(key, { value: el.value });
  }
  root.addEventListener("input", remember);
  root.addEventListener("change", remember);

  root.addEventListener("focusin", function (e) {
    state.focus = formKey(e.target) || (e.target.id ? "#" + e.target.id : null);
  });

  root.addEventListener("focusout", function (e) {
    var left = e.target;
    if (!e.relatedTarget) {
      // Focus left for nowhere (a click on the wall): forget it, unless the control was
      // removed by a swap, which is when it should come back.
      setTimeout(function () {
        if (left.isConnected && document.activeElement === document.body) state.focus = null;
      }, 0);
    }
    var panel = document.getElementById("mod-panel");
    if (state.panelPending && panel && !panel.contains(e.relatedTarget)) {
      var html = state.panelPending;
      state.panelPending = null;
      setTimeout(function () { swapPanel(html); }, 0);
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = e.target.closest && e.target.closest("details[data-popover][open]");
    if (!open || !root.contains(open)) return;
    open.open = false;
    var summary = open.querySelector("summary");
    if (summary) summary.focus();
  });

  document.addEventListener("click", function (e) {
    root.querySelectorAll("details[data-popover][open]").forEach(function (open) {
      if (!open.contains(e.target)) open.open = false;
    });
  });

  function restore() {
    composeId();
    state.open.forEach(function (id) {
      var el = document.getElementById(id);
      if (el && el.tagName === "DETAILS") el.open = true; else if (!el) state.open.delete(id);
    });
    state.drafts.forEach(function (draft, key) {
      var cut = key.lastIndexOf("|");
      var form = root.querySelector('form[action="' + CSS.escape(key.slice(0, cut)) + '"]');
      if (!form) return;
      var field = form.elements.namedItem(key.slice(cut + 1));
      if (!field) return;
      var fields = field instanceof RadioNodeList ? Array.from(field) : [field];
      fields.forEach(function (el) {
        if (el.type === "hidden") return;
        if (el.type === "radio") el.checked = el.value === draft.value;
        else if (el.type === "checkbox") el.checked = Boolean(draft.checked);
        else el.value = draft.value;
      });
    });
    var active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) {
      var target = findByKey(state.focus);
      if (target) target.focus({ preventScroll: true });
    }
  }

  /* ---- cards selected for merging (or for a new cluster) ---- */

  root.addEventListener("change", function (e) {
    if (!e.target.matches("[data-merge-pick]")) return;
    var id = e.target.value;
    state.selected = state.selected.filter(function (x) { return x !== id; });
    if (e.target.checked) state.selected.push(id);
    syncSelection();
  });

  function syncSelection() {
    var shown = {};
    root.querySelectorAll("[data-merge-pick]").forEach(function (box) {
      shown[box.value] = box;
      box.checked = state.selected.indexOf(box.value) >= 0;
      var card = box.closest("[data-card]");
      if (card) card.classList.toggle("card--selected", box.checked);
    });
    // A card merged or deleted meanwhile drops out of the selection.
    state.selected = state.selected.filter(function (id) { return shown[id]; });
    var n = state.selected.length;
    var count = root.querySelector("[data-selection-count]");
    if (count) count.textContent = n ? count.dataset.some.replace("{n}", n) : count.dataset.none;
    var submit = root.querySelector("[data-merge-submit]");
    if (submit) submit.disabled = n < 2;
    var clear = root.querySelector("[data-selection-clear]");
    if (clear) clear.hidden = n === 0;
    var hint = root.querySelector("[data-selection-hint]");
    if (hint) hint.hidden = n === 0;
    var field = root.querySelector("[data-merge-target]");
    if (field) {
      field.hidden = n < 2;
      var select = field.querySelector("select");
      var keep = select.value;
      select.textContent = "";
      state.selected.forEach(function (id) {
        var option = document.createElement("option");
        option.value = id;
        option.textContent = shown[id].dataset.text;
        select.append(option);
      });
      if (state.selected.indexOf(keep) >= 0) select.value = keep;
    }
  }

  root.addEventListener("click", function (e) {
    if (!e.target.closest("[data-selection-clear]")) return;
    state.selected = [];
    syncSelection();
  });

  /* ---- drag and drop ---- */

  function sortables() {
    if (!window.Sortable) return;
    root.querySelectorAll("ol[data-cards], ol[data-inbox-cards]").forEach(function (list) {
      if (list.sortable) return;
      var inbox = list.hasAttribute("data-inbox-cards");
      list.sortable = Sortable.create(list, {
        group: { name: "board-" + boardId, pull: true, put: !inbox },
        sort: !inbox,
        draggable: "li[data-card]",
        filter: "[data-card-tools]",
        preventOnFilter: false,
        animation: 150,
        delay: 180,
        delayOnTouchOnly: true,   // on touch, a short hold starts a drag; a swipe scrolls
        touchStartThreshold: 5,
        emptyInsertThreshold: 24,
        ghostClass: "card--ghost",
        chosenClass: "card--chosen",
        dragClass: "card--dragging",
        onStart: function () {
          state.dragging = true;
          root.classList.add("is-dragging");
          root.querySelectorAll("details[data-popover][open]").forEach(function (d) { d.open = false; });
        },
        onEnd: drop,
      });
    });
  }

  function drop(evt) {
    state.dragging = false;
    root.classList.remove("is-dragging");
    setTimeout(unstyle, 400);
    var card = evt.item;
    var moved = evt.from !== evt.to || evt.oldDraggableIndex !== evt.newDraggableIndex;
    var form = card.querySelector("form[data-move-form]");
    if (!moved || !form) { release(); return; }
    var body = new URLSearchParams({
      cluster: evt.to.dataset.clusterId || "",
      index: String(evt.newDraggableIndex),
      version: card.dataset.version || "",
    });
    card.classList.add("card--saving");
    send(form.getAttribute("action"), body).then(function (res) {
      if (res.ok) {
        // The push of this move is on its way; until it lands, a second drag of the same
        // card names the version the move made (the service counts one up).
        state.held = null;
        card.dataset.version = String(parseInt(card.dataset.version, 10) + 1);
        return;
      }
      toast(refusal(res), "error");
      var now = stale(res);
      if (now && now.wall) { state.held = null; apply(now.wall, true); } else truth();
    }).catch(function () {
      toast(t("network"), "error");
      truth();
    });
  }

  function apply(html, force) {
    var frag = document.createElement("template");
    frag.innerHTML = html;
    var fresh = frag.content.querySelector("section#board-" + boardId);
    var old = wall();
    if (!fresh || !old) return;
    var revEl = fresh.querySelector("[data-rev]");
    var haveEl = document.getElementById("board-" + boardId + "-rev");
    var rev = revEl ? parseInt(revEl.dataset.rev, 10) : 0;
    var have = haveEl ? parseInt(haveEl.dataset.rev, 10) : 0;
    if (rev < have || (rev === have && !force)) return;
    fresh.removeAttribute("hx-swap-oob");
    old.replaceWith(fresh);
    htmx.process(fresh);
  }

  function release() {
    if (state.held) apply(state.held, false);
    state.held = null;
  }

  /* After a refused drop the wall shows a place the card is not in: show the true state. */
  function truth() {
    var held = state.held;
    state.held = null;
    if (held) { apply(held, true); return; }
    var url = wall() && wall().dataset.snapshotUrl;
    if (!url) return;
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) apply(html, true); });
  }

  /* Sortable animates with inline styles; htmx copies an old element's attributes onto
   * its successor in a swap, which the CSP (no inline styles) refuses, noisily. */
  function unstyle() {
    root.querySelectorAll("li[data-card][style], ol[style]").forEach(function (el) { el.removeAttribute("style"); });
  }

  document.addEventListener("htmx:wsBeforeMessage", function (e) {
    if (!state.dragging) unstyle();
    if (!state.dragging || e.defaultPrevented) return;
    var message = e.detail.message;
    if (message.indexOf("data-snapshot") >= 0 && message.indexOf('id="board-' + boardId + '"') >= 0) {
      state.held = message;
      e.preventDefault();
    }
  });

  /* ---- after every change of the wall ---- */

  function fillClusterSelects() {
    // A card pushed alone (a participant wrote it) comes without the cluster list.
    var clusters = Array.prototype.map.call(root.querySelectorAll("section[data-cluster]"), function (c) {
      var title = c.querySelector(".cluster__title");
      return [c.dataset.clusterId, title ? title.textContent : ""];
    });
    root.querySelectorAll("select[data-cluster-select]").forEach(function (select) {
      if (select.options.length === clusters.length + 1) return;
      var first = select.options[0];
      select.textContent = "";
      select.append(first);
      clusters.forEach(function (c) {
        var option = document.createElement("option");
        option.value = c[0];
        option.textContent = c[1];
        option.selected = c[0] === select.dataset.current;
        select.append(option);
      });
    });
  }

  function changed() {
    if (state.dragging) return;
    sortables();
    fillClusterSelects();
    syncSelection();
    restore();
    var current = wall();
    if (current !== state.section) {
      if (state.section) schedulePanel();
      state.section = current;
    }
  }

  /* ---- the tools panel follows the wall's state (counts, voting, undo) ---- */

  function schedulePanel() {
    clearTimeout(state.panelTimer);
    state.panelTimer = setTimeout(function () {
      fetch(root.dataset.panelUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (!html) return;
          var panel = document.getElementById("mod-panel");
          var typing = panel && panel.contains(document.activeElement) &&
            document.activeElement.matches("input:not([type=submit]), select, textarea");
          if (typing) state.panelPending = html; else swapPanel(html);
        });
    }, 150);
  }

  function swapPanel(html) {
    state.panelPending = null;  // whatever waited is older than this one
    var frag = document.createElement("template");
    frag.innerHTML = html;
    var fresh = frag.content.querySelector("#mod-panel");
    var old = document.getElementById("mod-panel");
    if (!fresh || !old) return;
    old.replaceWith(fresh);
    htmx.process(fresh);
    syncSelection();
    restore();
  }

  var observer = new MutationObserver(function () {
    if (state.dragging) return;
    changed();
    observer.takeRecords();  // our own touch-ups are not news
  });

  function start() {
    changed();
    if (socket) observer.observe(socket, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
