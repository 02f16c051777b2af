/* Stellwand projector: lays the walls out in pages that fit the screen, and turns them.
 *
 * The walls stay what the server renders and pushes (swapped by id, resynced by revision
 * in stellwand.js). After every change this pager measures them and places their cards in
 * columns, so that nothing scrolls and nothing is cut off: what does not fit at the
 * smallest readable size goes on another page. Several walls share a page where each gets
 * at least two columns (small walls stack one above another); a wall too big for one page
 * is spread evenly over several. Everything only fills one page: the type grows instead.
 *
 * Generic, by the stage's data attributes: a stage holds sections (walls), each with items
 * (cards), optionally in groups with a head (clusters: the head stays with its first card
 * and is named again where the group goes on). What else a section holds (its header, a
 * status line) stays on top of it. A section with ranking rows ([data-rank-target]) is laid
 * out in their order, with places.
 *
 * Which page: #projector-pager, pushed when the facilitators turn pages from the console
 * (or let them turn by themselves every few seconds). Arrow keys and PageUp/PageDown on the
 * projector turn pages locally, until the console turns them again.
 */
(function () {
  "use strict";

  var COL_EM = 11;          // narrowest card column, in card-text em: German compounds fit
  var COL_MAX_EM = 17;      // widest: lines longer than this are hard to read from afar
  var GAP_EM = 0.55;        // between cards, and between columns
  var GROUP_GAP_EM = 0.9;   // above a cluster that follows other cards in a column
  var WALL_GAP_EM = 0.9;    // between walls
  var MIN_COLS = 2;         // a wall is never narrower than two columns
  var BOOST = [2, 1.75, 1.5, 1.25];  // larger type when everything fits one page anyway
  var SLACK = 1;            // px kept free at the bottom of a column for rounding

  var stage = null;
  var cfg = null;
  var plan = null;
  var shown = -1;
  var laying = false;
  var observer = null;
  var state = { base: 0, auto: false, seconds: 20, t0: Date.now(), local: 0, el: null };

  // htmx "settles" a swapped element by giving it the old one's class and style for a
  // moment: the old positions would come back after the pager placed the new element (and a
  // style attribute written by htmx breaks the CSP). The pager places new elements itself.
  if (window.htmx) htmx.config.attributesToSettle = [];

  function list(nodes) { return Array.prototype.slice.call(nodes); }
  function px(value) { return parseFloat(value) || 0; }
  function mod(n, m) { return ((n % m) + m) % m; }

  /* ---- reading the walls ---- */

  // Ranking rows, if the section has them: order and dots of its groups and items.
  function ranking(section) {
    var rows = list(section.querySelectorAll("[data-rank-target]"));
    if (!rows.length) return null;
    var out = { order: {}, dots: {}, place: {} };
    var seen = { card: [], cluster: [] };
    rows.forEach(function (row, i) {
      var id = row.dataset.rankTarget;
      var dots = parseInt(row.dataset.dots, 10) || 0;
      out.order[id] = i;
      out.dots[id] = dots;
      var kind = id.split("-")[0];
      var same = seen[kind] || (seen[kind] = []);
      // Equal dots share a place, as on paper: 1, 2, 2, 4.
      var place = same.length + 1;
      if (same.length && same[same.length - 1].dots === dots) place = same[same.length - 1].place;
      same.push({ dots: dots, place: place });
      if (dots > 0) out.place[id] = place;
    });
    return out;
  }

  /* The section's content as runs: a group (its head, then its items) or one loose item. */
  function runsOf(section) {
    var rank = ranking(section);
    var runs = [];
    var groups = [];
    var loose = [];
    list(section.querySelectorAll(cfg.groups + ", " + cfg.items)).forEach(function (el) {
      if (el.matches(cfg.groups)) {
        groups.push({ group: el, head: el.querySelector(cfg.groupHead), items: [], cont: false });
      } else {
        var group = el.parentElement.closest(cfg.groups);
        var owner = group && groups.filter(function (g) { return g.group === group; })[0];
        if (owner) owner.items.push(el); else loose.push(el);
      }
    });
    if (rank) {
      var byDots = function (a, b) { return (rank.dots[b.id] || 0) - (rank.dots[a.id] || 0); };
      var at = function (g) { var i = rank.order[g.group.id]; return i === undefined ? 1e9 : i; };
      groups = stable(groups, function (a, b) { return at(a) - at(b); });
      groups.forEach(function (g) { g.items = stable(g.items, byDots); });
      loose = stable(loose, byDots);
    }
    runs = groups.concat(loose.map(function (el) { return { group: null, head: null, items: [el], cont: false }; }));
    return { runs: runs, rank: rank };
  }

  function stable(items, compare) {
    return items.map(function (x, i) { return [x, i]; })
      .sort(function (a, b) { return compare(a[0], b[0]) || a[1] - b[1]; })
      .map(function (pair) { return pair[0]; });
  }

  /* ---- packing: runs into columns of a given height ---- */

  // The first element of a run (its head, or the "continued" label) stays with the next.
  function runElements(run) {
    var els = run.items.slice();
    if (run.head) els.unshift(run.head);
    else if (run.cont) els.unshift(run.probe);
    return els;
  }

  function pack(runs, height, m) {
    var limit = height + 0.01;  // sums in another order round differently
    var cols = [[]];
    var col = cols[0];
    var y = 0;
    function next() { col = []; cols.push(col); y = 0; }
    runs.forEach(function (run) {
      var els = runElements(run);
      var total = els.reduce(function (sum, el) { return sum + m.h(el) + m.gap; }, -m.gap);
      var lead = col.length ? (run.head ? m.groupGap : m.gap) : 0;
      // A run that fits a column whole starts a new one rather than being split.
      if (col.length && y + lead + total > limit && total <= limit) next();
      els.forEach(function (el, i) {
        var h = m.h(el);
        var labelled = i === 0 && el !== run.items[0];
        var gap = col.length ? (i === 0 && run.head ? m.groupGap : m.gap) : 0;
        var need = labelled && els.length > 1 ? h + m.gap + m.h(els[1]) : h;
        if (col.length && y + gap + need > limit) {
          next();
          gap = 0;
          // Mid-group in a new column: the group's name again, above its next card.
          if (i > 0 && (run.head || run.cont)) {
            col.push({ el: run.probe, cont: true, run: run, y: 0, h: m.h(run.probe) });
            y = m.h(run.probe);
            gap = m.gap;
          }
        }
        col.push({ el: el, cont: el === run.probe, run: run, y: y + gap, h: h });
        y += gap + h;
      });
    });
    if (!cols[cols.length - 1].length && cols.length > 1) cols.pop();
    return cols;
  }

  function count(runs) {
    return runs.reduce(function (n, run) { return n + runElements(run).length; }, 0);
  }

  /* The lowest column height that still fits `k` columns: balanced columns. */
  function balanced(runs, k, limit, m) {
    var heads = runs.filter(function (r) { return r.head || r.cont; }).map(function (r) {
      return runElements(r).reduce(function (sum, el) { return sum + m.h(el) + m.gap; }, -m.gap);
    });
    var lo = Math.min(limit, Math.max.apply(null, [0].concat(heads)));
    if (pack(runs, lo, m).length <= k) return pack(runs, lo, m);
    var hi = limit;
    for (var i = 0; i < 16 && hi - lo > 1; i++) {
      var mid = (lo + hi) / 2;
      if (pack(runs, mid, m).length <= k) hi = mid; else lo = mid;
    }
    return pack(runs, hi, m);
  }

  /* ---- measuring ---- */

  function geometry(scale) {
    stage.style.setProperty("--pj-scale", String(scale));
    var em = px(getComputedStyle(stage).fontSize);
    return {
      em: em, W: stage.clientWidth, H: stage.clientHeight,
      col: COL_EM * em, colMax: COL_MAX_EM * em, gap: GAP_EM * em,
      groupGap: GROUP_GAP_EM * em, wallGap: WALL_GAP_EM * em,
    };
  }

  function contains(el) {
    return el.matches(cfg.groups + ", " + cfg.items) || el.querySelector(cfg.groups + ", " + cfg.items);
  }

  /* Set every section to `colsOf(s)` columns of `colW` px; then read all heights at once. */
  function measure(sections, g, colW, colsOf) {
    sections.forEach(function (s) {
      s.el.style.left = "0px";
      s.el.style.top = "0px";
      s.el.style.height = "";
      s.el.style.width = wallWidth(s, colsOf(s), colW, g) + "px";
      s.all.forEach(function (el) { el.style.width = colW + "px"; });
    });
    sections.forEach(function (s) {
      var heights = new Map();
      s.all.forEach(function (el) { heights.set(el, el.getBoundingClientRect().height); });
      var top = 0;
      list(s.el.children).forEach(function (child) {
        if (child.classList.contains("pager-deco")) return;
        var style = getComputedStyle(child);
        if (style.display === "none" || style.position === "absolute" || contains(child)) return;
        top = Math.max(top, child.offsetTop + child.getBoundingClientRect().height + px(style.marginBottom));
      });
      s.top = top;
      s.height = g.H - top - s.padBottom - SLACK;
      s.m = { gap: g.gap, groupGap: g.groupGap, h: function (el) { return heights.get(el) || 0; } };
    });
  }

  function wallWidth(s, cols, colW, g) {
    return s.padX + cols * colW + (cols - 1) * g.gap;
  }

  /* ---- pages ---- */

  function paginate(sections, scale) {
    var g = geometry(scale);
    // At the narrowest: a wall's header is then as tall as it gets.
    measure(sections, g, g.col, function () { return MIN_COLS; });
    var fit = function (cols) { return sections.length && 0 <= g.W - wallWidth(sections[0], cols, g.col, g); };
    var maxCols = MIN_COLS;
    while (fit(maxCols + 1)) maxCols++;
    // Every section's columns at the full height; one too wide for a page is cut in parts.
    var parts = [];
    sections.forEach(function (s) {
      var cols = pack(s.runs, s.height, s.m).filter(function (c) { return c.length; });
      var n = Math.max(1, Math.ceil(cols.length / maxCols));
      // Spread over its pages evenly rather than leaving a last page almost empty.
      if (n > 1) cols = balanced(s.runs, n * maxCols, s.height, s.m);
      for (var i = 0; i < n; i++) {
        var own = cols.slice(i * maxCols, (i + 1) * maxCols);
        parts.push({ s: s, part: i, parts: n, runs: regroup(own), cols: Math.max(MIN_COLS, own.length) });
      }
    });
    // Pages of stacks side by side; a stack is one wall, or small walls one above another.
    var pages = [];
    var page = null;
    var used = 0;
    parts.forEach(function (p) {
      var small = p.parts === 1 && p.cols === MIN_COLS;
      var need = small ? heightOf(p) : g.H;
      var stack = page && page[page.length - 1];
      if (small && stack && stack.small && stack.used + g.wallGap + need <= g.H) {
        stack.parts.push(p);
        stack.used += g.wallGap + need;
        p.need = need;
        return;
      }
      var width = wallWidth(p.s, p.cols, g.col, g);
      if (!page || used + g.wallGap + width > g.W) {
        page = [];
        pages.push(page);
        used = -g.wallGap;
      }
      p.need = need;
      page.push({ small: small, used: need, cols: p.cols, parts: [p] });
      used += g.wallGap + width;
    });
    pages.forEach(function (on) {
      widen(on, g);
      on.forEach(function (stack) { share(stack, g); });
    });
    return { scale: scale, pages: pages, sections: sections };
  }

  /* How tall a small wall is at two columns: its header, its balanced columns, its edge. */
  function heightOf(p) {
    var s = p.s;
    var cols = balanced(p.runs, p.cols, s.height, s.m);
    var content = cols.reduce(function (h, col) {
      var last = col[col.length - 1];
      return last ? Math.max(h, last.y + last.h) : h;
    }, 0);
    return s.top + content + s.padBottom + 2 * SLACK;
  }

  /* The walls of a stack share its height: what is left goes to each alike. */
  function share(stack, g) {
    var gaps = (stack.parts.length - 1) * g.wallGap;
    var needed = stack.parts.reduce(function (h, p) { return h + (stack.small ? p.need : g.H); }, 0);
    var extra = Math.max(0, g.H - gaps - needed) / stack.parts.length;
    var top = 0;
    stack.parts.forEach(function (p) {
      p.top = top;
      p.height = stack.parts.length === 1 ? g.H : p.need + extra;
      top += p.height + g.wallGap;
    });
  }

  function limitOf(p) {
    return p.height - p.s.top - p.s.padBottom - SLACK;
  }

  function partsOf(page) {
    return page.reduce(function (all, stack) { return all.concat(stack.parts); }, []);
  }

  function pageWidth(page, colW, g) {
    return page.reduce(function (w, stack) {
      return w + wallWidth(stack.parts[0].s, stack.cols, colW, g);
    }, 0) + (page.length - 1) * g.wallGap;
  }

  /* Cards with a word wider than their column (it would be broken mid-word) at this size. */
  function broken(sections) {
    stage.dataset.wholeWords = "";
    var n = 0;
    sections.forEach(function (s) {
      s.all.forEach(function (el) {
        var text = el.querySelector(".card__text, h2, h3");
        if (text && text.scrollWidth > text.clientWidth + 1) n++;
      });
    });
    delete stage.dataset.wholeWords;
    return n;
  }

  /* Width left on a page goes to the walls as more columns, where they have cards for them. */
  function widen(page, g) {
    while (g.W - pageWidth(page, g.col, g) >= g.col + g.gap) {
      // Only a wall alone in its stack, and only where another column would take cards.
      var wants = page.filter(function (stack) {
        var p = stack.parts[0];
        return stack.parts.length === 1 && p.runs.length > stack.cols &&
          balanced(p.runs, stack.cols + 1, p.s.height, p.s.m).length > stack.cols;
      });
      if (!wants.length) return;
      var load = function (stack) { return count(stack.parts[0].runs) / stack.cols; };
      wants.sort(function (a, b) { return load(b) - load(a); });
      wants[0].cols += 1;
      wants[0].parts[0].cols = wants[0].cols;
      wants[0].small = false;
    }
  }

  /* The runs of some columns, as packed: a group cut off above goes on with a label. */
  function regroup(cols) {
    var runs = [];
    var last = null;
    cols.forEach(function (col) {
      col.forEach(function (placed) {
        if (placed.cont) return;
        if (!last || last.source !== placed.run) {
          last = { source: placed.run, group: placed.run.group, head: null, items: [], cont: false, probe: placed.run.probe };
          runs.push(last);
          if (placed.el !== placed.run.head && (placed.run.head || placed.run.cont)) last.cont = true;
        }
        if (placed.el === placed.run.head) last.head = placed.el; else last.items.push(placed.el);
      });
    });
    return runs;
  }

  /* ---- showing one page ---- */

  function show(index) {
    if (!plan || !plan.pages.length) return;
    var page = plan.pages[index];
    var parts = partsOf(page);
    var g = geometry(plan.scale);
    var on = new Set(parts.map(function (p) { return p.s; }));
    plan.sections.forEach(function (s) {
      s.el.classList.toggle("pager-off", !on.has(s));
      s.all.forEach(function (el) { el.classList.add("pager-off"); });
      list(s.el.querySelectorAll(".pager-cont:not(.pager-probe)")).forEach(function (el) { el.remove(); });
    });
    var live = parts.map(function (p) { return p.s; });
    live.forEach(function (s) { s.all.forEach(function (el) { el.classList.remove("pager-off"); }); });
    // This page's own column counts: a wall that leaves columns empty gives them back.
    var cols = new Map(page.map(function (stack) { return [stack, stack.cols]; }));
    var stackOf = function (p) { return page.filter(function (st) { return st.parts.indexOf(p) >= 0; })[0]; };
    var colsOf = function (s) { return cols.get(stackOf(parts.filter(function (p) { return p.s === s; })[0])); };
    var width = function (colW) {
      return page.reduce(function (w, st) { return w + wallWidth(st.parts[0].s, cols.get(st), colW, g); }, 0) +
        (page.length - 1) * g.wallGap;
    };
    var colW, layouts;
    for (var round = 0; round < 3; round++) {
      // Columns share what width is left, up to a comfortable line length.
      var total = page.reduce(function (n, st) { return n + cols.get(st); }, 0);
      colW = Math.min(g.colMax, g.col + Math.max(0, g.W - width(g.col)) / total);
      measure(live, g, colW, colsOf);
      layouts = parts.map(function (p) {
        return { p: p, cols: balanced(p.runs, cols.get(stackOf(p)), limitOf(p), p.s.m) };
      });
      var shrunk = false;
      page.forEach(function (st) {
        var used = Math.max.apply(null, layouts.filter(function (l) { return st.parts.indexOf(l.p) >= 0; })
          .map(function (l) { return l.cols.length; }));
        if (Math.max(MIN_COLS, used) < cols.get(st)) { cols.set(st, Math.max(MIN_COLS, used)); shrunk = true; }
      });
      if (!shrunk) break;
    }
    if (layouts.some(function (l) { return l.cols.length > cols.get(stackOf(l.p)); })) {
      // Never expected (wider columns only make cards shorter); the narrow measure fits.
      cols = new Map(page.map(function (stack) { return [stack, stack.cols]; }));
      colW = g.col;
      measure(live, g, colW, colsOf);
      layouts = parts.map(function (p) { return { p: p, cols: pack(p.runs, limitOf(p), p.s.m) }; });
    }
    var x = Math.max(0, (g.W - width(colW)) / 2);
    page.forEach(function (st) {
      layouts.forEach(function (l) {
        if (st.parts.indexOf(l.p) >= 0) place(l, cols.get(st), colW, x, g);
      });
      x += wallWidth(st.parts[0].s, cols.get(st), colW, g) + g.wallGap;
    });
    var label = document.querySelector("[data-pager-label]");
    if (label) {
      label.hidden = plan.pages.length < 2;
      label.textContent = (label.dataset.label || "").replace("{page}", index + 1).replace("{pages}", plan.pages.length);
    }
    stage.dataset.pages = String(plan.pages.length);
    stage.dataset.page = String(index);
    if (shown !== -1 && shown !== index && stage.animate && !matchMedia("(prefers-reduced-motion: reduce)").matches) {
      stage.animate([{ opacity: 0.15 }, { opacity: 1 }], { duration: 450, easing: "ease-out" });
    }
    shown = index;
  }

  function place(l, k, colW, x, g) {
    var s = l.p.s;
    s.el.style.left = x + "px";
    s.el.style.top = l.p.top + "px";
    s.el.style.height = l.p.height + "px";
    s.el.style.width = wallWidth(s, k, colW, g) + "px";
    var keep = new Set();
    l.cols.forEach(function (col, c) {
      var left = s.padLeft + c * (colW + g.gap);
      col.forEach(function (placed) {
        var el = placed.el;
        if (placed.cont) el = continued(s, el);
        el.style.left = left + "px";
        el.style.top = s.top + placed.y + "px";
        el.style.width = colW + "px";
        keep.add(el);
      });
    });
    s.all.forEach(function (el) { el.classList.toggle("pager-off", !keep.has(el)); });
  }

  // A visible copy of the group's "continued" label, which was measured hidden.
  function continued(s, probe) {
    var label = probe.cloneNode(true);
    label.classList.remove("pager-probe", "pager-off");
    s.el.append(label);
    return label;
  }

  function probeFor(section, run) {
    var probe = document.createElement("p");
    probe.className = "pager-deco pager-cont pager-probe";
    probe.setAttribute("aria-hidden", "true");
    probe.dataset.group = run.group.id;
    var title = run.head ? (run.head.querySelector("h2, h3, h4") || run.head).textContent.trim() : "";
    probe.textContent = (stage.dataset.pagerContinued || "{title}").replace("{title}", title);
    section.append(probe);
    return probe;
  }

  /* ---- ranked walls: the place of each card and cluster ---- */

  function decorate(section, rank) {
    if (!rank) return;
    Object.keys(rank.place).forEach(function (id) {
      var target = document.getElementById(id);
      if (!target || !section.contains(target)) return;
      var host = target.matches(cfg.groups) ? target.querySelector(cfg.groupHead) : target;
      if (!host) return;
      var badge = document.createElement("span");
      badge.className = "pager-deco pager-place" + (rank.place[id] === 1 ? " pager-place--first" : "");
      badge.setAttribute("aria-hidden", "true");
      badge.dataset.place = String(rank.place[id]);
      badge.textContent = rank.place[id] + ".";
      host.prepend(badge);
    });
  }

  /* ---- the whole layout, after every change ---- */

  function layout() {
    if (!stage) return;
    laying = true;
    joinAddress();
    list(stage.querySelectorAll(".pager-deco")).forEach(function (el) { el.remove(); });
    list(stage.querySelectorAll(".pager-off")).forEach(function (el) { el.classList.remove("pager-off"); });
    stage.dataset.paged = "";
    var ranked = false;
    var sections = list(stage.querySelectorAll(cfg.sections)).map(function (el) {
      var content = runsOf(el);
      decorate(el, content.rank);
      ranked = ranked || !!content.rank;
      var style = getComputedStyle(el);
      var all = [];
      content.runs.forEach(function (run) {
        if (run.group) all.push(run.probe = probeFor(el, run));
        runElements(run).forEach(function (x) { all.push(x); });
      });
      return {
        el: el, runs: content.runs, all: all,
        padLeft: px(style.paddingLeft),
        padX: px(style.paddingLeft) + px(style.paddingRight) + px(style.borderLeftWidth) + px(style.borderRightWidth),
        padBottom: px(style.paddingBottom) + px(style.borderTopWidth) + px(style.borderBottomWidth),
      };
    });
    if (ranked) stage.dataset.ranked = ""; else delete stage.dataset.ranked;
    plan = paginate(sections, 1);
    if (plan.pages.length === 1) {
      // As large as still fits one page, unless that breaks words the base size keeps whole.
      var base = broken(sections);
      for (var i = 0; i < BOOST.length; i++) {
        var bigger = paginate(sections, BOOST[i]);
        if (bigger.pages.length === 1 && broken(sections) <= base) { plan = bigger; break; }
      }
      if (plan.scale === 1) plan = paginate(sections, 1);
    }
    shown = -1;
    show(current());
    done();
  }

  function done() {
    // Our own changes to the page are not news.
    if (observer) observer.takeRecords();
    laying = false;
  }

  // Before the next paint: a swapped wall is never seen unplaced. `data-pending` says a
  // layout is due (tests wait for it to go).
  function schedule() {
    if (stage.hasAttribute("data-pending")) return;
    stage.dataset.pending = "";
    requestAnimationFrame(function () {
      delete stage.dataset.pending;
      readState();
      layout();
    });
  }

  /* ---- which page ---- */

  function readState() {
    var el = document.getElementById("projector-pager");
    if (!el || el === state.el) return;
    state.el = el;
    var base = parseInt(el.dataset.page, 10) || 0;
    var auto = el.dataset.auto === "true";
    // The console turned (not merely a reconnect's copy): it wins over local keys.
    if (base !== state.base || auto !== state.auto) state.local = 0;
    state.base = base;
    state.auto = auto;
    state.seconds = Math.max(5, parseInt(el.dataset.seconds, 10) || 20);
    state.t0 = Date.now() - (parseInt(el.dataset.elapsed, 10) || 0) * 1000;
  }

  function current() {
    var pages = plan ? plan.pages.length : 1;
    var turned = state.auto ? Math.floor((Date.now() - state.t0) / 1000 / state.seconds) : 0;
    return mod(state.base + turned + state.local, Math.max(1, pages));
  }

  function turn(step) {
    if (!plan || plan.pages.length < 2) return;
    state.local += step;
    laying = true;
    show(current());
    done();
  }

  function joinAddress() {
    // Pushed without a request, the panel may not know the host: the one this screen reached.
    document.querySelectorAll("[data-join-address]").forEach(function (el) {
      if (!el.textContent.trim()) el.textContent = location.host;
    });
  }

  document.addEventListener("keydown", function (e) {
    if (!stage || e.altKey || e.ctrlKey || e.metaKey) return;
    var step = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 }[e.key];
    if (e.key === "Home") step = -current();
    if (!step) return;
    e.preventDefault();
    turn(step);
  });

  // A new phase that shows something else (the room, the walls, the plenary): the server
  // renders that view, so the screen loads it afresh.
  document.addEventListener("htmx:wsAfterMessage", function () {
    var frame = document.querySelector(".projector__frame[data-view]");
    var phase = document.querySelector("[data-projector-phase]");
    if (!frame || !phase || frame.dataset.view === "any") return;
    if (phase.dataset.view !== frame.dataset.view) location.reload();
  });

  document.addEventListener("DOMContentLoaded", function () {
    stage = document.querySelector("[data-pager-stage]");
    if (!stage) return;
    cfg = {
      sections: stage.dataset.pagerSections, groups: stage.dataset.pagerGroups,
      groupHead: stage.dataset.pagerGroupHead, items: stage.dataset.pagerItems,
    };
    readState();
    layout();
    var frame = stage.closest("[data-live]") || document.body;
    observer = new MutationObserver(function (records) {
      if (laying) return;
      var news = records.some(function (r) {
        return !(r.target.closest && r.target.closest("[data-live-status], [data-pager-label]"));
      });
      if (news) schedule();
    });
    observer.observe(frame, { childList: true, subtree: true, characterData: true });
    window.addEventListener("resize", schedule);
    setInterval(function () {
      if (plan && state.auto && current() !== shown) turn(0);
    }, 1000);
  });
})();
