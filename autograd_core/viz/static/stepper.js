/* autograd_core viz: the node-level step-through page (autograd_core.viz.backprop_html). Needs
 * network.js and controls.js. Reads the JSON of backprop_steps (#backprop-data): the engine's
 * backward pass, one node per step, every gradient as the engine held it. It shows those
 * numbers (4 significant digits, the full value on hover and in data-* attributes) and does no
 * arithmetic on them. The node being processed is kept on screen; during the step its input
 * edges carry backward arrows with local derivative × upstream = contribution.
 */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("backprop-data").textContent);
  var el = ACViz.el, fmt = ACViz.fmt;
  function $(id) { return document.getElementById(id); }
  var nodes = D.nodes, edges = D.edges, steps = D.steps, last = steps.length - 1;
  var svg = $("graph"), stage = $("graph-wrap"), explain = $("explain");
  var step = 0, view = null;
  function name(i) { return nodes[i].label || ("#" + i); }
  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
  function num(x) { var v = parseFloat(x); return isNaN(v) && x !== "nan" ? x : v; }  // "undefined" stays text

  var maxAbs = 0;
  D.final.forEach(function (s) { var v = Math.abs(parseFloat(s)); if (isFinite(v)) { maxAbs = Math.max(maxAbs, v); } });
  function fill(s) {  // the shared ramp, as draw_graph's color_by_grad but lighter (text sits on it)
    var v = parseFloat(s);
    if (!isFinite(v) || v === 0 || maxAbs === 0) { return "#ffffff"; }
    return ACViz.ramp(v, maxAbs, 0, 0.45, 0.5);
  }

  // ---- the gradients after step k --------------------------------------------------------
  function grader(k) {
    var grads = nodes.map(function () { return "0.0"; });
    for (var s = 0; s <= k; s++) {
      var st = steps[s];
      if (st.kind === "seed") { grads[st.node] = st.upstream; }
      st.contribs.forEach(function (c) { grads[c.parent] = c.after; });
    }
    return grads;
  }

  // ---- drawing (columns and rows from Python) ---------------------------------------------
  var colSize = [], nCols = 0, maxRows = 0;
  nodes.forEach(function (n) { colSize[n.col] = (colSize[n.col] || 0) + 1; nCols = Math.max(nCols, n.col + 1); });
  colSize.forEach(function (c) { maxRows = Math.max(maxRows, c || 0); });
  var outCount = nodes.map(function () { return 0; }), inCount = nodes.map(function () { return 0; });
  edges.forEach(function (e) { outCount[e.parent]++; inCount[e.child]++; });

  function draw(k) {
    var f = view ? view.font : 16, zoom = view ? view.zoom : 1;
    var W = 10.5 * f, H = 4.3 * f, GAP = 10.5 * f, ROWH = H + 2.2 * f, PAD = 1.2 * f;
    var width = 2 * PAD + (nCols - 1) * (W + GAP) + W, height = 2 * PAD + maxRows * ROWH;
    var availW = stage.clientWidth - 4, availH = stage.clientHeight - 4;
    var minFont = view && view.fitAll ? 0 : view && view.present ? 18.5 : 10;
    var fit = Math.max(Math.min(availW / width, availH / height, 1.4), minFont / f);
    var scale = fit * zoom;
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    svg.setAttribute("viewBox", "0 0 " + width.toFixed(1) + " " + height.toFixed(1));
    svg.setAttribute("width", Math.floor(width * scale));
    svg.setAttribute("height", Math.floor(height * scale));
    svg.setAttribute("font-size", f);
    var defs = el("defs", {}, svg);
    [["arrow-back", "#7048e8"], ["arrow-done", "#adb5bd"]].forEach(function (m) {
      var mk = el("marker", {id: m[0], viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 0.75 * f,
        markerHeight: 0.75 * f, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse"}, defs);
      el("path", {d: "M0,0 L10,5 L0,10 z", fill: m[1]}, mk);
    });
    var gEdges = el("g", {}, svg), gNodes = el("g", {}, svg), gLabels = el("g", {}, svg);
    var pos = nodes.map(function (n) {
      return {x: PAD + n.col * (W + GAP), cy: PAD + maxRows * ROWH / 2 + (n.row - (colSize[n.col] - 1) / 2) * ROWH};
    });

    var grads = grader(k), st = steps[k], active = {}, updated = {}, doneEdges = {}, doneNodes = {};
    st.contribs.forEach(function (c) { updated[c.parent] = true; active[c.edge] = c; });
    for (var s = 1; s < k; s++) {
      doneNodes[steps[s].node] = true;
      steps[s].contribs.forEach(function (c) { doneEdges[c.edge] = true; });
    }
    // edges: ends spread over the box sides, so parallel edges and their labels separate
    var outSeen = nodes.map(function () { return 0; }), inSeen = nodes.map(function () { return 0; }), labels = [];
    edges.forEach(function (e, idx) {
      var p = pos[e.parent], c = pos[e.child];
      outSeen[e.parent]++; inSeen[e.child]++;
      var x1 = p.x + W, y1 = p.cy - H / 2 + H * outSeen[e.parent] / (outCount[e.parent] + 1);
      var x2 = c.x, y2 = c.cy - H / 2 + H * inSeen[e.child] / (inCount[e.child] + 1);
      var dx = Math.max(2 * f, (x2 - x1) / 2), a = active[idx];
      var cls = "edge" + (a ? " active" : doneEdges[idx] ? " done" : "");
      var attrs = {"class": cls, id: "edge-" + idx, "data-parent": e.parent, "data-child": e.child,
        d: "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2};
      if (a) { attrs["marker-start"] = "url(#arrow-back)"; } else if (doneEdges[idx]) { attrs["marker-start"] = "url(#arrow-done)"; }
      el("path", attrs, gEdges);
      if (a) {
        var t = 0.5, u = 1 - t;
        labels.push({e: e, idx: idx, c: a,
          x: u * u * u * x1 + 3 * u * u * t * (x1 + dx) + 3 * u * t * t * (x2 - dx) + t * t * t * x2,
          y: u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2});
      }
    });
    var lh = 2.5 * f, lw = 0;
    labels.forEach(function (lb) {
      lb.t1 = fmt(num(lb.e.local)) + " \u00d7 " + fmt(num(st.upstream));
      lb.t2 = "= " + fmt(num(lb.c.contribution));
      lw = Math.max(lw, (Math.max(lb.t1.length, lb.t2.length) * 0.6 + 1) * f);
    });
    labels.sort(function (p, q) { return p.y - q.y; });
    // one stack per child: no overlaps, centred where the edges' midpoints are
    var wanted = labels.reduce(function (a, lb) { return a + lb.y; }, 0) / Math.max(1, labels.length);
    for (var i = 1; i < labels.length; i++) {
      var prev = labels[i - 1];
      if (Math.abs(prev.x - labels[i].x) < lw && labels[i].y < prev.y + lh + 0.2 * f) { labels[i].y = prev.y + lh + 0.2 * f; }
    }
    var got = labels.reduce(function (a, lb) { return a + lb.y; }, 0) / Math.max(1, labels.length);
    labels.forEach(function (lb) { lb.y = Math.max(lh / 2, Math.min(height - lh / 2, lb.y + wanted - got)); });
    labels.forEach(function (lb) {
      var g = el("g", {"class": "elabel active", id: "elabel-" + lb.idx, "data-contribution": lb.c.contribution}, gLabels);
      el("title", {}, g).textContent = "local derivative " + lb.e.local + " \u00d7 upstream " + st.upstream +
        " = " + lb.c.contribution;
      el("rect", {x: lb.x - lw / 2, y: lb.y - lh / 2, width: lw, height: lh, rx: 0.3 * f}, g);
      el("text", {x: lb.x, y: lb.y - 0.2 * f, "text-anchor": "middle"}, g).textContent = lb.t1;
      el("text", {x: lb.x, y: lb.y + 0.95 * f, "text-anchor": "middle"}, g).textContent = lb.t2;
    });
    var focusEl = null;
    nodes.forEach(function (n, i) {
      var cls = "node" + (n.leaf ? " leaf" : "") + (n.param ? " param" : "") + (i === st.node ? " current" : "") +
        (updated[i] ? " updated" : "") + (doneNodes[i] ? " done" : "");
      var g = el("g", {"class": cls, id: "node-" + i, "data-index": i, "data-label": n.label, "data-data": n.data,
        "data-grad": grads[i]}, gNodes);
      el("title", {}, g).textContent = name(i) + (n.math ? "  [" + n.math + "]" : "") + "\ndata = " + n.data +
        "\ngrad = " + grads[i] + (n.fan_out > 1 ? "\nused " + n.fan_out + " times: gradients from its " +
        n.paths + " paths to the root add up here" : "");
      var x = pos[i].x, top = pos[i].cy - H / 2;
      el("rect", {"class": "box", x: x, y: top, width: W, height: H, rx: 0.4 * f, style: "fill:" + fill(grads[i])}, g);
      el("path", {"class": "band", d: "M" + (x + 1) + "," + (top + 1.45 * f) + " V" + (top + 0.45 * f) + " a" + 0.4 * f +
        "," + 0.4 * f + " 0 0 1 " + 0.4 * f + "," + (-0.4 * f) + " H" + (x + W - 0.45 * f) + " a" + 0.4 * f + "," +
        0.4 * f + " 0 0 1 " + 0.4 * f + "," + 0.4 * f + " V" + (top + 1.45 * f) + " z"}, g);
      var shown = clip(n.short || name(i), 14);
      ACViz.mathText(el("text", {x: x + 0.5 * f, y: top + 1.05 * f, "class": "name"}, g), shown);
      el("text", {x: x + W - 0.5 * f, y: top + 1.05 * f, "class": "op", "text-anchor": "end"}, g).textContent =
        clip(n.op || (n.leaf ? "leaf" : ""), Math.max(3, Math.floor((W - 1.2 * f) / (0.55 * f)) -
          shown.replace(/[_^(){}]/g, "").length - 1));
      el("text", {x: x + 0.5 * f, y: top + 2.6 * f, "class": "key"}, g).textContent = "data";
      el("text", {x: x + W - 0.5 * f, y: top + 2.6 * f, "class": "val", "text-anchor": "end"}, g).textContent = fmt(num(n.data));
      el("text", {x: x + 0.5 * f, y: top + 3.85 * f, "class": "key"}, g).textContent = "grad";
      el("text", {x: x + W - 0.5 * f, y: top + 3.85 * f, "class": "val grad", "text-anchor": "end"}, g).textContent =
        fmt(num(grads[i]));
      if (n.fan_out > 1) {
        var sg = el("g", {"class": "sigma"}, g);
        el("circle", {cx: x + W - 0.1 * f, cy: top + 0.1 * f, r: 0.7 * f}, sg);
        el("text", {x: x + W - 0.1 * f, y: top + 0.4 * f, "text-anchor": "middle"}, sg).textContent = "\u03a3";
      }
      if (i === st.node) { focusEl = g; }
    });
    if (focusEl && focusEl.scrollIntoView) { focusEl.scrollIntoView({block: "center", inline: "center"}); }
  }

  // ---- the explanation of step k -------------------------------------------------------------
  function cell(tr, x, tag) {
    var td = document.createElement(tag || "td");
    if (typeof x === "object") { td.appendChild(x); } else { ACViz.mathHTML(td, x); }
    tr.appendChild(td);
  }
  function n4(s) { return ACViz.num(null, num(s)); }
  function describe(k) {
    var st = steps[k], i = st.node, n = nodes[i];
    explain.textContent = "";
    var p = document.createElement("p");
    if (st.kind === "seed") {
      ACViz.mathHTML(p, "Start: every gradient is 0 (interior nodes are reset, leaves start from zero_grad()); " +
        "the root " + name(i) + " is seeded: " + name(i) + ".grad = ");
      p.appendChild(n4(st.upstream));
      explain.appendChild(p);
    } else {
      ACViz.mathHTML(p, "Processing " + name(i) + " = " + n.op + " with upstream gradient " + name(i) + ".grad = ");
      p.appendChild(n4(st.upstream));
      p.appendChild(document.createTextNode(". Each input gets input.grad += local derivative \u00d7 upstream " +
        "(arrows point backward, to the inputs):"));
      explain.appendChild(p);
      var table = document.createElement("table"), head = document.createElement("tr");
      ["input", "local derivative", "\u00d7 upstream", "= contribution", "input.grad before", "after"].forEach(
        function (h) { cell(head, h, "th"); });
      table.appendChild(head);
      st.contribs.forEach(function (c) {
        var tr = document.createElement("tr");
        cell(tr, name(c.parent) + (nodes[c.parent].fan_out > 1 ? "  \u03a3" : ""));
        cell(tr, n4(edges[c.edge].local));
        cell(tr, n4(st.upstream));
        cell(tr, n4(c.contribution));
        cell(tr, n4(c.before));
        cell(tr, n4(c.after));
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
  var player = ACViz.player({last: last, interval: 900, render: function (k) { step = k; describe(k); draw(k); }});
  var show = player.show, pause = player.pause, toggle = player.toggle;
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var keys = {ArrowRight: function () { pause(); show(step + 1); },
      ArrowLeft: function () { pause(); show(step - 1); },
      Home: function () { pause(); show(0); }, End: function () { pause(); show(last); }, " ": toggle};
    if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
  });
  view = ACViz.controls({bar: $("controls"), redraw: function () { if (view) { show(step); } },
    svg: function () { return svg; }, name: function () { return "backprop-step-" + step; }});
  window.ACStepper = {show: show, view: view, svgText: function () { return view.svgText(); }};
  show(0);
})();
