/* Breakouts on the console: moving a participant from the participants panel.
 *
 * The panel is replaced by a live push when anyone joins, moves or goes offline, so the
 * form that was used may be gone when its answer comes. The move is POSTed here, its
 * answer (what happened, or why not) goes to #people-message, and the focus follows the
 * person into their new group, so a keyboard user can go on from there.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function focusPerson(personId, groupId) {
    var row = document.querySelector('[data-people-group="' + groupId + '"] [data-person="' + personId + '"]');
    var target = row && (row.querySelector("select") || row.querySelector("button"));
    if (!target) return false;
    target.focus();
    return true;
  }

  function follow(personId, groupId) {
    if (focusPerson(personId, groupId)) return;
    // The push with the new panel has not come yet: wait for it (a few seconds at most).
    var done = false;
    function after() {
      if (!done && focusPerson(personId, groupId)) stop();
    }
    function stop() {
      done = true;
      document.removeEventListener("htmx:wsAfterMessage", after);
    }
    document.addEventListener("htmx:wsAfterMessage", after);
    setTimeout(stop, 5000);
  }

  // The panel is replaced whenever a phone opens or closes a page: whoever is working in
  // it keeps their place (the focused control, and every group already picked in a select,
  // so a "Move" pressed after a push still moves to the group that was picked).
  var kept = null;
  document.addEventListener("htmx:wsBeforeMessage", function () {
    var panel = document.getElementById("people-panel");
    kept = null;
    if (!panel) return;
    var active = document.activeElement;
    kept = { focus: active && active.id && panel.contains(active) ? active.id : null, picked: {} };
    panel.querySelectorAll("select[id]").forEach(function (select) {
      var chosen = select.options[select.selectedIndex];
      if (chosen && !chosen.defaultSelected && select.selectedIndex !== 0) kept.picked[select.id] = select.value;
    });
  });
  document.addEventListener("htmx:wsAfterMessage", function () {
    if (!kept) return;
    Object.keys(kept.picked).forEach(function (id) {
      var select = document.getElementById(id);
      var value = kept.picked[id];
      if (select && select.querySelector('option[value="' + value + '"]')) select.value = value;
    });
    var again = kept.focus && document.getElementById(kept.focus);
    if (again && again !== document.activeElement) again.focus();
    kept = null;
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches(".person__move")) return;
    e.preventDefault();
    var message = document.getElementById("people-message");
    var personId = form.closest("[data-person]").dataset.person;
    var groupId = form.querySelector("select").value;
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)),
    }).then(function (r) {
      return r.text().then(function (html) { return { ok: r.ok, html: html }; });
    }).then(function (res) {
      if (button) button.disabled = false;
      var tpl = document.createElement("template");
      tpl.innerHTML = res.html;
      var answer = tpl.content.querySelector("#people-message");
      if (message && answer) {
        message.className = answer.className;
        message.textContent = answer.textContent;
      }
      if (res.ok && answer && !answer.classList.contains("people-message--error")) follow(personId, groupId);
    }).catch(function () {
      if (button) button.disabled = false;
      if (message) {
        message.className = "people-message people-message--error";
        message.textContent = message.dataset.offline || "";
      }
    });
  });
})();
