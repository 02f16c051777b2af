/* Stellwand plenary on the projector: every group's column fits the screen.
 *
 * The server renders each group's clusters ranked (best first) with their cards. What does
 * not fit a column is hidden from the bottom up (the lowest-ranked cards go first) and
 * counted in the column's "+ n more cards" line, so nothing scrolls and nothing is cut.
 * Again after every push (a group's column is swapped by id) and when the window resizes.
 */
(function () {
  "use strict";

  function list(nodes) { return Array.prototype.slice.call(nodes); }

  function overflows(el) { return el.scrollHeight > el.clientHeight + 1; }

  function fit(col) {
    var body = col.querySelector(".pcol__body");
    var more = col.querySelector("[data-fit-more]");
    if (!body || !more) return;
    var items = list(col.querySelectorAll("[data-fit-item]"));
    var groups = list(col.querySelectorAll("[data-fit-group]"));
    items.concat(groups).forEach(function (el) { el.hidden = false; });
    more.hidden = true;
    var hiddenCount = 0;
    for (var i = items.length - 1; i >= 0 && overflows(body); i--) {
      items[i].hidden = true;
      hiddenCount += 1;
      var group = items[i].closest("[data-fit-group]");
      if (group && !group.querySelector("[data-fit-item]:not([hidden])")) group.hidden = true;
      if (hiddenCount === 1) {
        more.hidden = false;  // the line takes room from the body: measure again with it
      }
    }
    if (hiddenCount) {
      // Clusters that found no room at all are named: the room knows what else there is.
      var names = groups.filter(function (g) { return g.hidden && g.dataset.fitName; })
        .map(function (g) { return g.dataset.fitName; });
      more.textContent = (hiddenCount === 1 ? col.dataset.moreOne : col.dataset.moreMany.replace("{n}", hiddenCount))
        + (names.length ? " · " + names.join(", ") : "");
    }
    col.dataset.fitHidden = String(hiddenCount);
  }

  // Pushed without a request, the join panel may not know the host: the one this screen reached.
  function joinAddress() {
    list(document.querySelectorAll("[data-join-address]")).forEach(function (el) {
      if (!el.textContent.trim()) el.textContent = location.host;
    });
  }

  // A column's room changes when the header or the band above it does: fit it again.
  var watched = typeof ResizeObserver === "function" ? new ResizeObserver(function () { schedule(); }) : null;

  function fitAll() {
    joinAddress();
    list(document.querySelectorAll("[data-fit]")).forEach(function (col) {
      fit(col);
      var body = col.querySelector(".pcol__body");
      if (watched && body && !body.dataset.watched) { body.dataset.watched = "1"; watched.observe(body); }
    });
    var stage = document.querySelector("[data-plenary-stage]");
    if (stage) stage.dataset.fitted = String(Date.now());
  }

  var pending = null;
  function schedule() {
    if (pending) return;
    pending = requestAnimationFrame(function () { pending = null; fitAll(); });
  }

  // A new phase that shows something else (the room, the walls): the server renders that
  // view, so the screen loads it afresh (as projector.js does for the walls).
  document.addEventListener("htmx:wsAfterMessage", function () {
    var frame = document.querySelector(".projector__frame[data-view]");
    var phase = document.querySelector("[data-projector-phase]");
    if (!frame || !phase || frame.dataset.view === "any") return;
    if (phase.dataset.view !== frame.dataset.view) location.reload();
  });

  document.addEventListener("DOMContentLoaded", fitAll);
  document.addEventListener("htmx:wsAfterMessage", schedule);
  window.addEventListener("resize", schedule);
})();
