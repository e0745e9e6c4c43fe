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
  // Focus and context: the node being processed and its inputs are drawn as full boxes (name,
  // function, data, grad); every other node is a small dot (its numbers in its tooltip), and a
  // column of dots is narrow, so the step in focus reads at >= 14 px without scrolling.
  var nCols = 0;
  nodes.forEach(function (n) { nCols = Math.max(nCols, n.col + 1); });
  var byCol = [];
  for (var c0 = 0; c0 < nCols; c0++) { byCol.push([]); }
  nodes.forEach(function (n, i) { byCol[n.col].push(i); });
  byCol.forEach(function (list) { list.sort(function (a, b) { return nodes[a].row - nodes[b].row; }); });
  var outCount = nodes.map(function () { return 0; }), inCount = nodes.map(function () { return 0; });
  var parentsOf = nodes.map(function () { return []; });
  edges.forEach(function (e) { outCount[e.parent]++; inCount[e.child]++; parentsOf[e.child].push(e.parent); });

  function focusSet(k) {
    var st = steps[k], F = {};
    F[st.node] = true;
    parentsOf[st.node].forEach(function (p) { F[p] = true; });
    return F;
  }

  function draw(k) {
    var f = view ? view.font : 16, zoom = view ? view.zoom : 1;
    var st = steps[k], F = focusSet(k), grads = grader(k);
    var W = 10.5 * f, H = 3.45 * f, DOT = 0.75 * f, PAD = 0.8 * f;
    function vgap(i) { return F[i] ? 0.45 * f : 0.25 * f; }  // dots sit closer together
    var labelW = 0;
    var active = {}, updated = {}, doneEdges = {}, doneNodes = {};
    st.contribs.forEach(function (c) {
      updated[c.parent] = true; active[c.edge] = c;
      var e = edges[c.edge], t1 = fmt(num(e.local)) + " \u00d7 " + fmt(num(st.upstream)), t2 = "= " + fmt(num(c.contribution));
      labelW = Math.max(labelW, (Math.max(t1.length, t2.length) * 0.6 + 1) * f);
    });
    for (var s = 1; s < k; s++) {
      doneNodes[steps[s].node] = true;
      steps[s].contribs.forEach(function (c) { doneEdges[c.edge] = true; });
    }
    var wide = byCol.map(function (list) { return list.some(function (i) { return F[i]; }); });
    var curCol = nodes[st.node].col;
    // column x positions: wide columns hold boxes, the gap left of the node in focus holds the labels
    var colX = [], colW = [], x = PAD;
    for (var c = 0; c < nCols; c++) {
      colW.push(wide[c] ? W : DOT);
      if (c > 0) {
        var gap = c === curCol && labelW ? labelW + 2.4 * f : wide[c] || wide[c - 1] ? 3 * f : 1.2 * f;
        x += gap;
      }
      colX.push(x);
      x += colW[c];
    }
    var width = x + PAD;
    function nodeH(i) { return F[i] ? H : DOT; }
    var colH = byCol.map(function (list) {
      return list.reduce(function (a, i, n) { return a + nodeH(i) + (n ? Math.max(vgap(i), vgap(list[n - 1])) : 0); }, 0);
    });
    var inner = Math.max.apply(null, colH), height = inner + 2 * PAD;
    var availW = stage.clientWidth - 4, availH = stage.clientHeight - 4;
    var minFont = view && view.present && !view.fitAll ? 18.5 : 0;
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
    var pos = [];
    byCol.forEach(function (list, c) {
      var y = PAD + (inner - colH[c]) / 2;
      list.forEach(function (i, n) {
        var h = nodeH(i);
        if (n) { y += Math.max(vgap(i), vgap(list[n - 1])); }
        pos[i] = {x: colX[c] + (colW[c] - (F[i] ? W : DOT)) / 2, y: y, w: F[i] ? W : DOT, h: h};
        y += h;
      });
    });

    // edges: ends spread over the box sides, so parallel edges and their labels separate
    var outSeen = nodes.map(function () { return 0; }), inSeen = nodes.map(function () { return 0; }), labels = [];
    var mid = curCol > 0 ? colX[curCol] - (labelW + 2.4 * f) / 2 : 0;
    edges.forEach(function (e, idx) {
      var p = pos[e.parent], q = pos[e.child];
      outSeen[e.parent]++; inSeen[e.child]++;
      var x1 = p.x + p.w, y1 = p.y + p.h * outSeen[e.parent] / (outCount[e.parent] + 1);
      var x2 = q.x, y2 = q.y + q.h * inSeen[e.child] / (inCount[e.child] + 1);
      var dx = Math.max(f, (x2 - x1) / 2), a = active[idx];
      var cls = "edge" + (a ? " active" : doneEdges[idx] ? " done" : "");
      var attrs = {"class": cls, id: "edge-" + idx, "data-parent": e.parent, "data-child": e.child,
        d: "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2};
      if (a) { attrs["marker-start"] = "url(#arrow-back)"; } else if (doneEdges[idx]) { attrs["marker-start"] = "url(#arrow-done)"; }
      el("path", attrs, gEdges);
      if (a) {
        var t = x2 === x1 ? 0.5 : Math.max(0, Math.min(1, (mid - x1) / (x2 - x1)));
        labels.push({e: e, idx: idx, c: a, x: mid, y: y1 + (y2 - y1) * (t * t * (3 - 2 * t))});
      }
    });
    // the labels, in the gap left of the node in focus (clear of every box), stacked without overlap
    var lh = 2.5 * f, sep = 0.25 * f;
    labels.sort(function (p, q) { return p.y - q.y; });
    var prevBottom = -Infinity;
    labels.forEach(function (lb) { lb.y = Math.max(lb.y, prevBottom + sep + lh / 2, lh / 2); prevBottom = lb.y + lh / 2; });
    var limit = height;
    for (var li = labels.length - 1; li >= 0; li--) { labels[li].y = Math.min(labels[li].y, limit - lh / 2); limit = labels[li].y - lh / 2 - sep; }
    labels.forEach(function (lb) {
      var g = el("g", {"class": "elabel active", id: "elabel-" + lb.idx, "data-contribution": lb.c.contribution}, gLabels);
      el("title", {}, g).textContent = "local derivative " + lb.e.local + " \u00d7 upstream " + st.upstream +
        " = " + lb.c.contribution;
      el("rect", {x: lb.x - labelW / 2, y: lb.y - lh / 2, width: labelW, height: lh, rx: 0.3 * f}, g);
      el("text", {x: lb.x, y: lb.y - 0.2 * f, "text-anchor": "middle"}, g).textContent =
        fmt(num(lb.e.local)) + " \u00d7 " + fmt(num(st.upstream));
      el("text", {x: lb.x, y: lb.y + 0.95 * f, "text-anchor": "middle"}, g).textContent = "= " + fmt(num(lb.c.contribution));
    });
    var focusEl = null;
    nodes.forEach(function (n, i) {
      var cls = "node" + (n.leaf ? " leaf" : "") + (n.param ? " param" : "") + (i === st.node ? " current" : "") +
        (updated[i] ? " updated" : "") + (doneNodes[i] ? " done" : "") + (F[i] ? "" : " dot");
      var g = el("g", {"class": cls, id: "node-" + i, "data-index": i, "data-label": n.label, "data-data": n.data,
        "data-grad": grads[i]}, gNodes);
      el("title", {}, g).textContent = name(i) + (n.math ? "  [" + n.math + "]" : "") + "\ndata = " + n.data +
        "\ngrad = " + grads[i] + (n.fan_out > 1 ? "\nused " + n.fan_out + " times: gradients from its " +
        n.paths + " paths to the root add up here" : "");
      var b = pos[i];
      if (!F[i]) {  // out of focus: a dot, its numbers in the tooltip
        el("rect", {"class": "box", x: b.x, y: b.y, width: b.w, height: b.h, rx: b.h / 2, style: "fill:" + fill(grads[i])}, g);
        return;
      }
      var x = b.x, top = b.y;
      el("rect", {"class": "box", x: x, y: top, width: W, height: H, rx: 0.4 * f, style: "fill:" + fill(grads[i])}, g);
      el("path", {"class": "band", d: "M" + (x + 1) + "," + (top + 1.2 * f) + " V" + (top + 0.45 * f) + " a" + 0.4 * f +
        "," + 0.4 * f + " 0 0 1 " + 0.4 * f + "," + (-0.4 * f) + " H" + (x + W - 0.45 * f) + " a" + 0.4 * f + "," +
        0.4 * f + " 0 0 1 " + 0.4 * f + "," + 0.4 * f + " V" + (top + 1.2 * f) + " z"}, g);
      var shown = clip(n.short || name(i), 14);
      ACViz.mathText(el("text", {x: x + 0.5 * f, y: top + 0.95 * f, "class": "name"}, g), shown);
      el("text", {x: x + W - 0.5 * f, y: top + 0.95 * f, "class": "op", "text-anchor": "end"}, g).textContent =
        clip(n.op || (n.leaf ? "leaf" : ""), Math.max(3, Math.floor((W - 1.2 * f) / (0.6 * f)) -
          shown.replace(/[_^(){}]/g, "").length - 1));
      el("text", {x: x + 0.5 * f, y: top + 2.2 * f, "class": "key"}, g).textContent = "data";
      el("text", {x: x + W - 0.5 * f, y: top + 2.2 * f, "class": "val", "text-anchor": "end"}, g).textContent = fmt(num(n.data));
      el("text", {x: x + 0.5 * f, y: top + 3.2 * f, "class": "key"}, g).textContent = "grad";
      el("text", {x: x + W - 0.5 * f, y: top + 3.2 * f, "class": "val grad", "text-anchor": "end"}, g).textContent =
        fmt(num(grads[i]));
      if (n.fan_out > 1) {
        var sg = el("g", {"class": "sigma"}, g);
        el("circle", {cx: x + W - 0.1 * f, cy: top + 0.1 * f, r: 0.7 * f}, sg);
        el("text", {x: x + W - 0.1 * f, y: top + 0.4 * f, "text-anchor": "middle"}, sg).textContent = "\u03a3";
      }
      if (i === st.node) { focusEl = g; }
    });
    if (focusEl && focusEl.scrollIntoView && zoom > 1) { focusEl.scrollIntoView({block: "center", inline: "center"}); }
  }

  // ---- the explanation of step k -------------------------------------------------------------
  function cell(tr, x, tag) {
    var td = document.createElement(tag || "td");
    if (typeof x === "object") { td.appendChild(x); } else { ACViz.mathHTML(td, x); }
    tr.appendChild(td);
  }
  function n4(s) { return ACViz.num(null, num(s)); }
  /* parts: lecture notation (sub/superscripts), or {code: "zero_grad()"} shown as code, never parsed */
  function rich(parent, parts) {
    parts.forEach(function (x) {
      if (typeof x === "string") { ACViz.mathHTML(parent, x); return; }
      var c = document.createElement("code");
      c.textContent = x.code;
      parent.appendChild(c);
    });
  }
  function describe(k) {
    var st = steps[k], i = st.node, n = nodes[i];
    explain.textContent = "";
    var p = document.createElement("p");
    if (st.kind === "seed") {
      rich(p, ["Start: every gradient is 0 (interior nodes are reset, leaves start from ", {code: "zero_grad()"},
        "); the root " + name(i) + " is seeded: " + name(i), {code: ".grad"}, " = "]);
      p.appendChild(n4(st.upstream));
      explain.appendChild(p);
    } else {
      rich(p, ["Processing " + name(i) + " = " + n.op + " with upstream gradient " + name(i), {code: ".grad"}, " = "]);
      p.appendChild(n4(st.upstream));
      rich(p, [". Each input gets ", {code: "input.grad += local derivative \u00d7 upstream"},
        " (arrows point backward, to the inputs):"]);
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
    if (k === last) {  // on the first line, so the last step is no taller than the others
      var done = document.createElement("span");
      done.className = "done-msg";
      rich(done, ["Backward pass complete: every node now shows the gradient that ", {code: "backward()"}, " stores in ",
        {code: ".grad"}, ". "]);
      p.insertBefore(done, p.firstChild);
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
