/* The facilitator's page "Synergies & conclusions": every form swaps the editor back in.
   A refused form (422, 409) comes back with its message next to it, so it is swapped too;
   after a swap the element the server names gets the focus and the status is announced. */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (!target || target.id !== "synergies-editor") return;
    var status = e.detail.xhr && e.detail.xhr.status;
    if (status === 422 || status === 409) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // Something removed meanwhile (by another facilitator): the page shows what is there now.
  document.addEventListener("htmx:responseError", function (e) {
    var target = e.detail.target;
    if (target && target.id === "synergies-editor" && e.detail.xhr && e.detail.xhr.status === 404) {
      window.location.reload();
    }
  });

  function settle() {
    var editor = document.getElementById("synergies-editor");
    if (!editor) return;
    var status = editor.querySelector("template[data-status]");
    var region = document.getElementById("synergies-status");
    if (status && region) region.textContent = status.content.textContent.trim();
    var id = editor.dataset.focus;
    var el = id && document.getElementById(id);
    if (el) {
      var details = el.closest("details");
      if (details) details.open = true;
      el.focus();
      if (el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
    }
  }

  // This page swaps nothing but the editor.
  document.addEventListener("htmx:afterSettle", settle);
})();
