/* Stellwand timers: every countdown on the page counts down by itself.
 *
 * The server sends the milliseconds left when it rendered a timer (data-remaining-ms) and
 * whether it runs (data-state). This screen counts on from the moment the element arrived,
 * on its own monotonic clock (performance.now), so a phone whose wall clock is wrong still
 * shows the same time as the projector. No per-second pushes.
 *
 * The countdown is not read out every second: one polite live region says "1 minute left"
 * and "Time is up" when the countdown crosses them while this page is open. Where the
 * facilitators switched the sound on (data-sound), the end rings on the console and the
 * projector: a short WebAudio beep, only after someone touched that page (no autoplay).
 */
(function () {
  "use strict";

  var TICK_MS = 250;
  var seen = new WeakMap();   // element -> { t0, remaining }
  var lastLeft = {};          // timer id -> ms left at the last tick (crossings, not states)
  var announcer = null;
  var audio = null;

  function now() { return (window.performance && performance.now) ? performance.now() : Date.now(); }

  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    s = s % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function arm(el) {
    if (seen.has(el)) return seen.get(el);
    var info = { t0: now(), remaining: parseInt(el.dataset.remainingMs, 10) || 0 };
    seen.set(el, info);
    return info;
  }

  function left(el) {
    var info = arm(el);
    if (el.dataset.state === "running") return info.remaining - (now() - info.t0);
    if (el.dataset.state === "paused") return info.remaining;
    return 0;
  }

  function announce(text) {
    if (!text) return;
    try {
      if (!announcer) {
        announcer = document.createElement("p");
        announcer.className = "visually-hidden";
        announcer.setAttribute("aria-live", "polite");
        announcer.dataset.timerAnnouncer = "";
        document.body.appendChild(announcer);
      }
      announcer.textContent = "";
      setTimeout(function () { announcer.textContent = text; }, 60);
    } catch (err) { /* never let the countdown break the page */ }
  }

  /* The sound may only start after a gesture on this page; until then it stays silent. */
  function unlockAudio() {
    if (audio) { if (audio.state === "suspended" && audio.resume) audio.resume().catch(function () {}); return; }
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) audio = new Ctx();
    } catch (err) { audio = null; }
  }
  // Events that count as a user's gesture (touchstart does not: its context would stay mute).
  ["click", "keydown", "touchend"].forEach(function (type) {
    document.addEventListener(type, unlockAudio, { capture: true, passive: true });
  });

  function beep() {
    try {
      if (!audio || audio.state !== "running") return;
      var start = audio.currentTime + 0.05;
      [0, 0.28, 0.56].forEach(function (offset) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = "sine";
        osc.frequency.value = offset === 0.56 ? 660 : 880;
        gain.gain.setValueAtTime(0.0001, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.22);
        osc.connect(gain).connect(audio.destination);
        osc.start(start + offset);
        osc.stop(start + offset + 0.24);
      });
    } catch (err) { /* a screen without sound still shows the end */ }
  }

  function update(el) {
    if (el.hidden) { delete lastLeft[el.id]; return; }
    var ms = left(el);
    var digits = el.querySelector("[data-timer-digits]");
    var text = clock(ms);
    if (digits && digits.textContent !== text) digits.textContent = text;
    var before = lastLeft[el.id];
    if (el.dataset.state === "running") {
      if (before !== undefined && before > 60000 && ms <= 60000 && ms > 0) announce(el.dataset.announceMinute);
      if (ms <= 0) {
        el.dataset.state = "over";
        // Only an end this page saw coming: a page opened later just shows it.
        if (before !== undefined && before > 0) {
          announce(el.dataset.announceOver);
          if (el.hasAttribute("data-sound")) beep();
        }
      }
    }
    lastLeft[el.id] = ms;
  }

  /* The console's Pause button says Resume while its timer is paused. */
  function syncControls() {
    document.querySelectorAll("[data-timer-controls]").forEach(function (form) {
      var el = document.getElementById(form.dataset.timerControls);
      var toggle = form.querySelector("[data-timer-toggle]");
      if (!toggle) return;
      var paused = !!el && !el.hidden && el.dataset.state === "paused";
      var value = paused ? "resume" : "pause";
      if (toggle.value !== value) {
        toggle.value = value;
        toggle.textContent = paused ? toggle.dataset.labelResume : toggle.dataset.labelPause;
      }
    });
  }

  function tick() {
    try {
      document.querySelectorAll("[data-timer]").forEach(update);
      syncControls();
    } catch (err) { /* keep ticking */ }
  }

  // Arm new elements the moment they arrive, not at the next tick.
  ["htmx:oobAfterSwap", "htmx:afterSwap", "htmx:wsAfterMessage"].forEach(function (type) {
    document.addEventListener(type, tick);
  });

  function messageIn(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html || "";
    var el = tpl.content.querySelector("[data-error-message]");
    return el ? el.textContent.trim() : "";
  }

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt && e.detail.elt.closest && e.detail.elt.closest("[data-timer-controls], [data-done]");
    if (!form || !document.body.contains(form)) return;
    var box = form.querySelector("[data-form-error]");
    if (!box) return;
    var xhr = e.detail.xhr;
    box.textContent = e.detail.successful ? "" : ((xhr && xhr.status && messageIn(xhr.responseText)) || box.dataset.offline || "");
  });

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, TICK_MS);
  });
})();
