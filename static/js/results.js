/* Downloads that take a moment (a PDF, the pictures of the walls): the link says that the
   file is being made, and fetches it itself, so that a second click does not start a second
   render. Without JavaScript the link downloads as usual. */
(function () {
  "use strict";

  function t(key) {
    var el = document.getElementById("i18n");
    return (el && el.dataset[key]) || key;
  }

  function filename(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=utf-8''([^;]+)/i.exec(header);
    if (star) return decodeURIComponent(star[1]);
    var plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  function status(link) {
    var item = link.closest(".download");
    return item ? item.querySelector(".download__state") : null;
  }

  function say(link, text) {
    var box = status(link);
    if (box) box.textContent = text;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-download]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || !window.fetch) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    say(link, t("exporting"));
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) {
            throw new Error(response.status < 500 && text.length < 500 ? text : t("exportFailed"));
          });
        }
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = filename(response, "stellwand");
          document.body.appendChild(save);
          save.click();
          save.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          say(link, t("exported"));
        });
      })
      .catch(function (error) {
        say(link, error && error.message ? error.message : t("exportFailed"));
      })
      .then(function () {
        link.removeAttribute("aria-busy");
      });
  });

  // The summary editor: text typed and not saved is not lost by leaving or moving a section.
  var dirty = null;
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest(".summary-section__form");
    if (form) dirty = form;
  });
  document.addEventListener("submit", function (event) {
    if (dirty && event.target === dirty) dirty = null;
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
