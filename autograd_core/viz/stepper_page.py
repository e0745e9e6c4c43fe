"""The style sheet and script of the step-through page (inlined into the HTML; no network).

The script reads the JSON written by :func:`autograd_core.viz.stepper.backprop_steps`, lays
the nodes out on the given columns and rows, and shows step ``k`` by replaying steps
0..k. It only displays the gradient strings computed in Python; it never does arithmetic
on them, so what it shows is exactly what the engine computes.
"""

__all__ = ["PAGE_CSS", "PAGE_JS"]

PAGE_CSS = r"""
:root { --cur: #e8590c; --upd: #2f9e44; --ink: #212529; --muted: #6c757d;
        --mono: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
body { margin: 0; padding: 12px 18px; color: var(--ink); background: #fafafa;
       font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif; }
h1 { font-size: 19px; margin: 0 0 2px; }
.sub { margin: 0 0 8px; color: var(--muted); }
#controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
#controls button { font: inherit; padding: 4px 12px; border: 1px solid #adb5bd; border-radius: 6px;
                   background: #fff; cursor: pointer; }
#controls button:hover:not(:disabled) { background: #f1f3f5; }
#controls button:disabled { opacity: .45; cursor: default; }
#step-counter { font-weight: 600; margin-left: 6px; }
.keys { color: var(--muted); font-size: 12px; margin-left: auto; }
#explain { background: #fff; border: 1px solid #dee2e6; border-radius: 8px; padding: 8px 12px;
           margin-bottom: 8px; min-height: 74px; }
#explain p { margin: 0 0 4px; }
#explain table { border-collapse: collapse; font-size: 13px; }
#explain th, #explain td { padding: 2px 10px 2px 0; text-align: left; white-space: nowrap; }
#explain th { color: var(--muted); font-weight: 500; }
#explain td.num { font-family: var(--mono); }
#explain .done-msg { color: var(--upd); font-weight: 600; }
#graph-wrap { overflow: auto; background: #fff; border: 1px solid #dee2e6; border-radius: 8px; }
svg text { font-family: var(--mono); font-size: 12px; fill: var(--ink); }
svg .node rect.box { stroke: #868e96; stroke-width: 1.2; }
svg .node .band { fill: #f1f3f5; }
svg .node.leaf .band { fill: #d3f9d8; }
svg .node.param .band { fill: #fff3bf; }
svg .node text.name { font-weight: 700; font-family: system-ui, "DejaVu Sans", sans-serif; font-size: 13px; }
svg .node text.op { fill: var(--muted); font-size: 11px; }
svg .node text.key { fill: var(--muted); font-size: 11px; }
svg .node.done rect.box { stroke: #495057; }
svg .node.updated rect.box { stroke: var(--upd); stroke-width: 3; }
svg .node.current rect.box { stroke: var(--cur); stroke-width: 4; }
svg .sigma circle { fill: #fff4e6; stroke: #d9480f; }
svg .sigma text { fill: #d9480f; font-weight: 700; font-size: 11px; }
svg path.edge { fill: none; stroke: #ced4da; stroke-width: 1.3; }
svg path.edge.done { stroke: #868e96; }
svg path.edge.active { stroke: var(--cur); stroke-width: 2.6; }
svg g.elabel { display: none; }
svg g.elabel.active { display: inline; }
svg g.elabel rect { fill: #fff; stroke: var(--cur); stroke-width: 1; }
svg g.elabel text { font-size: 11px; }
#legend { margin-top: 6px; color: var(--muted); font-size: 12px; }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -2px;
      margin: 0 3px 0 10px; border: 2px solid #868e96; }
.sw.cur { border: 3px solid var(--cur); } .sw.upd { border: 3px solid var(--upd); }
.sw.leaf { background: #d3f9d8; } .sw.param { background: #fff3bf; }
.sw.pos { background: #8fb3d9; } .sw.neg { background: #e39aa2; }
.sigma { color: #d9480f; font-weight: 700; margin-left: 10px; }
"""

PAGE_JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("backprop-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var W = 214, H = 70, COLW = 344, ROWH = 96, PAD = 24, MIN_SCALE = 0.8;
  var nodes = D.nodes, edges = D.edges, steps = D.steps, last = steps.length - 1;
  var svg = document.getElementById("graph"), wrap = document.getElementById("graph-wrap");
  var explain = document.getElementById("explain"), counter = document.getElementById("step-counter");
  var bPrev = document.getElementById("btn-prev"), bNext = document.getElementById("btn-next");
  var bPlay = document.getElementById("btn-play"), bReset = document.getElementById("btn-reset");
  var step = 0, timer = null;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function text(parent, x, y, s, cls, anchor) {
    var t = el("text", {x: x, y: y, "class": cls || "", "text-anchor": anchor || "start"}, parent);
    t.textContent = s;
    return t;
  }
  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
  function name(i) { return nodes[i].label || ("#" + i); }

  // ---- layout: columns and rows come from Python --------------------------------------
  var colSize = [], nCols = 0, maxRows = 0;
  nodes.forEach(function (n) {
    colSize[n.col] = (colSize[n.col] || 0) + 1;
    nCols = Math.max(nCols, n.col + 1);
  });
  colSize.forEach(function (c) { maxRows = Math.max(maxRows, c || 0); });
  var width = 2 * PAD + (nCols - 1) * COLW + W, height = 2 * PAD + maxRows * ROWH;
  nodes.forEach(function (n) {
    n.x = PAD + n.col * COLW;
    n.cy = PAD + maxRows * ROWH / 2 + (n.row - (colSize[n.col] - 1) / 2) * ROWH;
  });
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);

  var defs = el("defs", {}, svg);
  [["arrow", "#adb5bd"], ["arrow-active", "#e8590c"]].forEach(function (m) {
    var mk = el("marker", {id: m[0], viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7,
      orient: "auto"}, defs);
    el("path", {d: "M0,0 L10,5 L0,10 z", fill: m[1]}, mk);
  });
  var gEdges = el("g", {}, svg), gNodes = el("g", {}, svg), gLabels = el("g", {}, svg);

  // ---- edges parent -> child, parallel ones offset --------------------------------------
  var seen = {}, pairCount = {};
  edges.forEach(function (e) { var k = e.parent + ">" + e.child; pairCount[k] = (pairCount[k] || 0) + 1; });
  edges.forEach(function (e, k) {
    var p = nodes[e.parent], c = nodes[e.child], key = e.parent + ">" + e.child;
    var m = seen[key] = (seen[key] || 0) + 1;
    var off = (m - 1 - (pairCount[key] - 1) / 2) * 14;
    var x1 = p.x + W, y1 = p.cy + off, x2 = c.x - 2, y2 = c.cy + off, dx = Math.max(40, (x2 - x1) / 2);
    e.path = el("path", {"class": "edge", id: "edge-" + k, "marker-end": "url(#arrow)",
      d: "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2}, gEdges);
    var t = 0.42, u = 1 - t;  // label on the curve, nearer the parent that receives the contribution
    var lx = u * u * u * x1 + 3 * u * u * t * (x1 + dx) + 3 * u * t * t * (x2 - dx) + t * t * t * x2;
    var ly = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2;
    e.label = el("g", {"class": "elabel", id: "elabel-" + k}, gLabels);
    e.rect = el("rect", {x: lx - 60, y: ly - 17, width: 120, height: 34, rx: 4}, e.label);
    e.line1 = text(e.label, lx, ly - 3, "", "", "middle");
    e.line2 = text(e.label, lx, ly + 12, "", "", "middle");
  });

  // ---- nodes: name and function, data, grad ---------------------------------------------
  nodes.forEach(function (n, i) {
    var g = el("g", {"class": "node" + (n.leaf ? " leaf" : "") + (n.param ? " param" : ""), id: "node-" + i,
      "data-index": i, "data-label": n.label, "data-data": n.data, "data-grad": "0.0"}, gNodes);
    var tip = el("title", {}, g);
    tip.textContent = name(i) + (n.math ? "  [" + n.math + "]" : "") + "\ndata = " + n.data +
      (n.fan_out > 1 ? "\ngradients from " + n.fan_out + " paths add up here" : "");
    var top = n.cy - H / 2;
    n.box = el("rect", {"class": "box", x: n.x, y: top, width: W, height: H, rx: 7, fill: "#ffffff"}, g);
    el("path", {"class": "band", d: "M" + (n.x + 1) + "," + (top + 21) + " V" + (top + 7) + " a6,6 0 0 1 6,-6 H" +
      (n.x + W - 7) + " a6,6 0 0 1 6,6 V" + (top + 21) + " z"}, g);
    var shown = clip(n.short || name(i), 16), room = Math.floor((W - 24 - 8 * shown.length) / 6.7);
    text(g, n.x + 8, top + 15, shown, "name");
    text(g, n.x + W - 8, top + 15, clip(n.op || (n.leaf ? "leaf" : ""), Math.max(3, room)), "op", "end");
    text(g, n.x + 8, top + 40, "data", "key");
    text(g, n.x + 44, top + 40, clip(n.data, 22), "val");
    text(g, n.x + 8, top + 60, "grad", "key");
    n.gradText = text(g, n.x + 44, top + 60, "0.0", "val grad");
    if (n.fan_out > 1) {
      var s = el("g", {"class": "sigma"}, g);
      el("circle", {cx: n.x + W - 2, cy: top + 2, r: 10}, s);
      text(s, n.x + W - 2, top + 6, "\u03a3", "", "middle");
    }
    n.g = g;
  });

  var maxAbs = 0;
  D.final.forEach(function (s) { var v = Math.abs(parseFloat(s)); if (isFinite(v)) { maxAbs = Math.max(maxAbs, v); } });
  function fill(s) {
    var v = parseFloat(s);
    if (!isFinite(v) || v === 0 || maxAbs === 0) { return "#ffffff"; }
    var t = Math.sqrt(Math.min(1, Math.abs(v) / maxAbs)) * 0.45;
    var b = v > 0 ? [33, 102, 172] : [178, 24, 43];
    return "rgb(" + b.map(function (c) { return Math.round(255 + (c - 255) * t); }).join(",") + ")";
  }

  // ---- showing step k ---------------------------------------------------------------------
  function grader(k) {
    var grads = nodes.map(function () { return "0.0"; });
    for (var s = 0; s <= k; s++) {
      var st = steps[s];
      if (st.kind === "seed") { grads[st.node] = st.upstream; }
      st.contribs.forEach(function (c) { grads[c.parent] = c.after; });
    }
    return grads;
  }
  function cell(tr, s, cls, tag) {
    var td = document.createElement(tag || "td");
    td.textContent = s;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
  }
  function describe(k) {
    var st = steps[k], i = st.node, n = nodes[i];
    explain.textContent = "";
    var p = document.createElement("p");
    if (st.kind === "seed") {
      p.textContent = "Start: every gradient is 0 (interior nodes are reset, leaves start from zero_grad()); " +
        "the root " + name(i) + " is seeded: " + name(i) + ".grad = " + st.upstream + ".";
      explain.appendChild(p);
    } else {
      p.textContent = "Processing " + name(i) + " = " + n.op + " with upstream gradient " + name(i) + ".grad = " +
        st.upstream + ". Each input gets input.grad += local derivative \u00d7 upstream:";
      explain.appendChild(p);
      var table = document.createElement("table"), head = document.createElement("tr");
      ["input", "local derivative", "\u00d7 upstream", "= contribution",
       "input.grad: before + contribution = after"].forEach(function (h) { cell(head, h, "", "th"); });
      table.appendChild(head);
      st.contribs.forEach(function (c) {
        var tr = document.createElement("tr");
        cell(tr, name(c.parent) + (nodes[c.parent].fan_out > 1 ? "  \u03a3" : ""));
        cell(tr, edges[c.edge].local, "num");
        cell(tr, st.upstream, "num");
        cell(tr, c.contribution, "num");
        cell(tr, c.before + " + " + c.contribution + " = " + c.after, "num");
        table.appendChild(tr);
      });
      explain.appendChild(table);
    }
    if (k === last) {
      var done = document.createElement("p");
      done.className = "done-msg";
      done.textContent = "Backward pass complete: every node now shows the gradient that backward() stores in .grad.";
      explain.appendChild(done);
    }
  }
  function show(k) {
    step = Math.max(0, Math.min(last, k));
    var grads = grader(step), st = steps[step];
    var updated = {}, active = {}, doneEdges = {}, doneNodes = {};
    st.contribs.forEach(function (c) { updated[c.parent] = true; active[c.edge] = c; });
    for (var s = 1; s < step; s++) {
      doneNodes[steps[s].node] = true;
      steps[s].contribs.forEach(function (c) { doneEdges[c.edge] = true; });
    }
    nodes.forEach(function (n, i) {
      n.g.setAttribute("data-grad", grads[i]);
      n.gradText.textContent = clip(grads[i], 22);
      n.box.setAttribute("fill", fill(grads[i]));
      n.g.classList.toggle("current", i === st.node);
      n.g.classList.toggle("updated", !!updated[i]);
      n.g.classList.toggle("done", !!doneNodes[i]);
    });
    edges.forEach(function (e, k) {
      var c = active[k];
      e.path.setAttribute("class", "edge" + (c ? " active" : doneEdges[k] ? " done" : ""));
      e.path.setAttribute("marker-end", c ? "url(#arrow-active)" : "url(#arrow)");
      e.label.setAttribute("class", "elabel" + (c ? " active" : ""));
      if (c) {
        e.line1.textContent = e.local_short + " \u00d7 " + st.upstream_short;
        e.line2.textContent = "= " + c.contribution_short;
      }
    });
    counter.textContent = "Step " + step + " / " + last;
    document.body.setAttribute("data-step", step);
    document.body.setAttribute("data-last-step", last);
    bPrev.disabled = bReset.disabled = step === 0;
    bNext.disabled = step === last;
    describe(step);
  }
  function pause() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    bPlay.textContent = "\u25b6 Play";
    document.body.setAttribute("data-playing", "false");
  }
  function play() {
    if (step === last) { show(0); }
    bPlay.textContent = "\u2016 Pause";
    document.body.setAttribute("data-playing", "true");
    var ms = parseInt(document.body.getAttribute("data-interval") || "900", 10);  // tests may speed it up
    timer = setInterval(function () { if (step >= last) { pause(); } else { show(step + 1); } }, ms > 0 ? ms : 900);
  }
  function toggle() { if (timer === null) { play(); } else { pause(); } }
  function on(button, f) { button.addEventListener("click", function () { f(); button.blur(); }); }
  on(bNext, function () { pause(); show(step + 1); });
  on(bPrev, function () { pause(); show(step - 1); });
  on(bReset, function () { pause(); show(0); });
  on(bPlay, toggle);
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var keys = {ArrowRight: function () { pause(); show(step + 1); },
      ArrowLeft: function () { pause(); show(step - 1); },
      Home: function () { pause(); show(0); }, End: function () { pause(); show(last); }, " ": toggle};
    if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
  });
  // fit the graph to the window, but never below MIN_SCALE (then the frame scrolls)
  function fit() {
    var scale = Math.min(1, Math.max(MIN_SCALE, (wrap.clientWidth - 2) / width));
    svg.setAttribute("width", Math.round(width * scale));
    svg.setAttribute("height", Math.round(height * scale));
  }
  window.addEventListener("resize", fit);
  fit();
  show(0);
})();
"""
