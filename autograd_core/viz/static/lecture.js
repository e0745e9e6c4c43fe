/* autograd_core viz: the lecture page (autograd_core.viz.lecture_html). Needs network.js and
 * controls.js. Reads the JSON written by Python (element #lecture-data): every number shown is
 * one the engine computed (lecture_steps); this script does no arithmetic on them.
 *
 * Steps: start; forward layer 1..L; the loss; backward for l = L..1: δ^(l), then ∂e/∂w^(l) on the
 * edges; the SGD update of layer 1..L; done. The neuron in focus (Up/Down) is written out.
 */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("lecture-data").textContent);
  var S = D.steps, sizes = D.sizes, L = sizes.length - 1;
  var fmt = ACViz.fmt;
  function $(id) { return document.getElementById(id); }
  var svg = $("net"), stage = $("stage"), explain = $("explain");
  var comma = Math.max.apply(null, sizes) >= 10 ? "," : "";
  var WORDS = {tanh: "tanh", sigmoid: "sigmoid", relu: "relu", linear: "identity"};

  var steps = [{kind: "start", l: 0}];
  for (var l = 1; l <= L; l++) { steps.push({kind: "forward", l: l}); }
  steps.push({kind: "loss", l: L + 1});
  for (l = L; l >= 1; l--) { steps.push({kind: "delta", l: l}); steps.push({kind: "grad", l: l}); }
  for (l = 1; l <= L; l++) { steps.push({kind: "sgd", l: l}); }
  steps.push({kind: "done", l: L + 1});
  var last = steps.length - 1, step = 0, focus = [];
  for (l = 0; l <= L + 1; l++) { focus.push(1); }

  // ---- notation -------------------------------------------------------------------------
  function w(i, j, l) { return "w_{" + i + comma + j + "}^(" + l + ")"; }
  function xn(i, l) { return "x_" + i + "^(" + l + ")"; }
  function wAt(l, i, j) { return D.w[l - 1][i][j - 1]; }
  function xAt(l, i) { return i === 0 ? 1 : S.x[l][i - 1]; }
  function theta(l) { return D.activations[l - 1]; }

  // ---- what is known after step k -------------------------------------------------------
  function known(k) {
    var K = {fwd: 0, loss: false, delta: L + 1, grad: L + 1, sgd: 0};
    for (var s = 0; s <= k; s++) {
      var st = steps[s];
      if (st.kind === "forward") { K.fwd = st.l; }
      if (st.kind === "loss") { K.loss = true; }
      if (st.kind === "delta") { K.delta = st.l; }
      if (st.kind === "grad") { K.grad = st.l; }
      if (st.kind === "sgd") { K.sgd = st.l; }
    }
    return K;
  }

  function focusId(st) {
    if (st.kind === "start") { return "0:" + focus[0]; }
    if (st.kind === "loss" || st.kind === "done") { return "e"; }
    return st.l + ":" + focus[st.l];
  }

  // ---- the network of step k --------------------------------------------------------------
  function spec(k) {
    var st = steps[k], K = known(k), cols = [], edges = [], fid = focusId(st);
    var dash = "\u2013";
    var c0 = {title: "input", nodes: [{id: "0:0", label: "x_0 = 1", kind: "bias", title: "the bias input x_0 = 1"}]};
    for (var i = 1; i <= sizes[0]; i++) {
      c0.nodes.push({id: "0:" + i, label: xn(i, 0), kind: "input", rows: [["x", S.x[0][i - 1]]]});
    }
    cols.push(c0);
    for (var l = 1; l <= L; l++) {
      var col = {title: "layer " + l + " \u00b7 " + WORDS[theta(l)], nodes: []};
      if (l < L) { col.nodes.push({id: l + ":0", label: "x_0 = 1", kind: "bias", title: "the bias input x_0 = 1"}); }
      for (var j = 1; j <= sizes[l]; j++) {
        var rows = [["s", K.fwd >= l ? S.s[l - 1][j - 1] : dash], ["x", K.fwd >= l ? S.x[l][j - 1] : dash],
          ["\u03b4", K.delta <= l ? S.delta[l - 1][j - 1] : dash]];
        var cls = [];
        if (st.kind === "forward" && st.l === l) { cls.push("updated"); }
        if (st.kind === "delta" && st.l === l) { cls.push("updated"); }
        if (st.kind === "delta" && st.l === l - 1) { cls.push("back"); }
        col.nodes.push({id: l + ":" + j, label: l === L && sizes[l] === 1 ? "h = " + xn(1, L) : xn(j, l), kind: "neuron",
          rows: rows, cls: cls.join(" "), title: "neuron " + j + " of layer " + l + " (click: its node-level graph)"});
      }
      cols.push(col);
    }
    cols.push({title: "loss", nodes: [
      {id: "y", label: "y", kind: "target", rows: [["y", D.y]]},
      {id: "e", label: "e = (h \u2212 y)\u00b2", kind: "loss", title: "e = (h \u2212 y)\u00b2; \u2202e/\u2202h = 2(h \u2212 y)",
        rows: [["e", K.loss ? S.e : dash], ["\u2202e/\u2202h", K.delta <= L ? D.dedh : dash]],
        cls: st.kind === "loss" ? "updated" : ""}]});

    for (l = 1; l <= L; l++) {
      for (j = 1; j <= sizes[l]; j++) {
        for (i = 0; i <= sizes[l - 1]; i++) {
          var wv = K.sgd >= l ? S.w_new[l - 1][i][j - 1] : wAt(l, i, j);
          var e = {from: (l - 1) + ":" + i, to: l + ":" + j, value: wv,
            title: w(i, j, l) + " = " + ACViz.full(wv) + (K.grad <= l ? "\n\u2202e/\u2202" + w(i, j, l) + " = " +
              ACViz.full(S.grad[l - 1][i][j - 1]) : "")};
          var mine = focus[l] === j;
          if (st.l === l && mine && st.kind === "forward") {
            e.cls = "active"; e.dir = "forward"; e.at = 0.5; e.data = wAt(l, i, j);
            e.text = fmt(wAt(l, i, j));
          } else if (st.l === l && mine && st.kind === "grad") {
            e.cls = "back"; e.dir = "backward"; e.at = 0.5; e.data = S.grad[l - 1][i][j - 1];
            e.text = fmt(S.grad[l - 1][i][j - 1]);
          } else if (st.l === l && mine && st.kind === "sgd") {
            e.cls = "active"; e.at = 0.5; e.data = S.w_new[l - 1][i][j - 1];
            e.text = fmt(wAt(l, i, j)) + "\n\u2192 " + fmt(S.w_new[l - 1][i][j - 1]);
          } else if (st.kind === "delta" && st.l === l - 1 && i === focus[l - 1]) {
            e.cls = "back"; e.dir = "backward"; e.at = 0.5;
            e.text = fmt(wAt(l, i, j)); e.data = wAt(l, i, j);
          } else if (st.kind !== "start" && st.kind !== "done" && !(st.l === l && st.kind !== "delta")) {
            e.cls = "dim";
          }
          edges.push(e);
        }
      }
    }
    var he = {from: L + ":1", to: "e", value: 0, title: "e = (h \u2212 y)\u00b2"};
    var ye = {from: "y", to: "e", value: 0};
    if (st.kind === "loss") { he.cls = ye.cls = "active"; he.dir = ye.dir = "forward"; }
    if (st.kind === "delta" && st.l === L) {
      he.cls = "back"; he.dir = "backward"; he.at = 0.45; he.data = D.dedh;
      he.text = "2(h \u2212 y)";
    }
    edges.push(he, ye);
    return {columns: cols, edges: edges, focus: fid};
  }

  // ---- the explanation of step k -------------------------------------------------------------
  function node(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  /* parts: strings in lecture notation, numbers shown with 4 significant digits (full value on hover) */
  function line(parent, parts, cls) {
    var p = node("p", cls || "formula", parent);
    parts.forEach(function (x) {
      if (typeof x === "number" || (x && x.n !== undefined)) {
        var v = typeof x === "number" ? x : x.n;
        var neg = typeof v === "number" && v < 0 && !(x && x.bare);
        if (neg) { p.appendChild(document.createTextNode("(")); }
        ACViz.num(p, v, x && x.hl ? "hl" : "");
        if (neg) { p.appendChild(document.createTextNode(")")); }
      } else { ACViz.mathHTML(p, x); }
    });
    return p;
  }
  /* a table of records; "across" (the default) lays each record out as a column, so a layer of
   * ten neurons takes three or four lines, not eleven */
  function table(parent, head, rows, down) {
    if (!down) {
      var across = head.map(function (h, k) { return [h].concat(rows.map(function (r) { return r[k]; })); });
      head = across[0];
      rows = across.slice(1);
    }
    var t = node("table", down ? "" : "across", parent), tr = node("tr", "", t);
    head.forEach(function (h) { ACViz.mathHTML(node("th", "", tr), h); });
    rows.forEach(function (r) {
      var row = node("tr", "", t);
      r.forEach(function (c) {
        var td = node("td", "", row);
        if (typeof c === "number") { ACViz.num(td, c); } else { ACViz.mathHTML(td, c); }
      });
    });
    return t;
  }
  function thetaPrime(l, i) {  // θ'(s_i^(l)) written with its numbers
    var a = theta(l), x = S.x[l][i - 1], s = S.s[l - 1][i - 1];
    if (a === "tanh") { return ["(1 \u2212 ", {n: x}, "\u00b2)"]; }
    if (a === "sigmoid") { return [{n: x}, "(1 \u2212 ", {n: x}, ")"]; }
    if (a === "relu") { return ["[", {n: s}, " > 0]"]; }
    return ["1"];
  }
  function thetaRule(l) {
    var a = theta(l);
    return "\u03b8 = " + WORDS[a] + ", \u03b8'(s) = " + {tanh: "1 \u2212 x\u00b2", sigmoid: "x(1 \u2212 x)",
      relu: "[s > 0]", linear: "1"}[a];
  }
  function describe(k) {
    var st = steps[k], l = st.l, j = focus[l], d, i;
    explain.textContent = "";
    var h2 = node("h2", "", explain);
    if (st.kind === "start") {
      ACViz.mathHTML(h2, "The network and one example");
      line(explain, ["Layer sizes d^(0..L) = " + sizes.join(", ") + "; bias input x_0 = 1 in every layer; " +
        "x = (" + S.x[0].map(fmt).join(", ") + "), y = ", D.y, ", square loss e = (h(x) \u2212 y)\u00b2, " +
        "SGD step \u03b7 = ", D.lr, "."], "");
      line(explain, ["Edges are the weights w_ij^(l) (blue > 0, red < 0, thicker = larger). " +
        "\u2192 steps forward, then backward; \u2191 \u2193 pick the neuron in focus; click a neuron or press Enter " +
        "for its node-level graph."], "muted");
    } else if (st.kind === "forward") {
      ACViz.mathHTML(h2, "Forward, layer " + l + ": x^(" + l + ") = \u03b8(W_" + l + " x^(" + (l - 1) + "))");
      var terms = ["s_" + j + "^(" + l + ") = \u03a3_{i=0}^{" + sizes[l - 1] + "} " + w("i", j, l) + " " + xn("i", l - 1) + " = "];
      for (i = 0; i <= sizes[l - 1]; i++) {
        if (i > 0) { terms.push(" + "); }
        terms.push({n: wAt(l, i, j)}, " \u00b7 ", i === 0 ? "1" : {n: xAt(l - 1, i)});
      }
      terms.push(" = ", {n: S.s[l - 1][j - 1], bare: true, hl: true});
      line(explain, terms);
      line(explain, [xn(j, l) + " = \u03b8(s_" + j + "^(" + l + ")) = " + WORDS[theta(l)] + "(", {n: S.s[l - 1][j - 1], bare: true},
        ") = ", {n: S.x[l][j - 1], bare: true, hl: true}]);
      d = [];
      for (i = 1; i <= sizes[l]; i++) { d.push(["j = " + i, S.s[l - 1][i - 1], S.x[l][i - 1]]); }
      table(explain, ["neuron", "s_j^(" + l + ")", "x_j^(" + l + ")"], d);
    } else if (st.kind === "loss") {
      ACViz.mathHTML(h2, "The loss");
      line(explain, ["e = (h \u2212 y)\u00b2 = (", {n: S.x[L][0], bare: true}, " \u2212 ", {n: D.y, bare: true}, ")\u00b2 = ",
        {n: S.e, bare: true, hl: true}, "   with h = " + xn(1, L)]);
    } else if (st.kind === "delta" && l === L) {
      ACViz.mathHTML(h2, "Backward, layer " + L + ": \u03b4^(L) = \u2202e/\u2202s^(L)");
      line(explain, ["\u03b4_1^(" + L + ") = 2(h \u2212 y) \u03b8'(s_1^(" + L + ")) = 2(", {n: S.x[L][0], bare: true}, " \u2212 ",
        {n: D.y, bare: true}, ") \u00d7 "].concat(thetaPrime(L, 1), [" = ", {n: D.dedh}, " \u00d7 ", {n: D.theta_prime[L - 1][0]},
        " = ", {n: S.delta[L - 1][0], bare: true, hl: true}]));
      line(explain, [thetaRule(L)], "muted");
    } else if (st.kind === "delta") {
      ACViz.mathHTML(h2, "Backward, layer " + l + ": \u03b4^(" + l + ") from \u03b4^(" + (l + 1) + ")");
      var g = D.neurons[l - 1][j - 1].theta;
      var parts = ["\u03b4_" + j + "^(" + l + ") = \u03b8'(s_" + j + "^(" + l + ")) \u03a3_k " + w(j, "k", l + 1) +
        " \u03b4_k^(" + (l + 1) + ") = "].concat(thetaPrime(l, j), [" \u00d7 ("]);
      for (var kk = 1; kk <= sizes[l + 1]; kk++) {
        if (kk > 1) { parts.push(" + "); }
        parts.push({n: wAt(l + 1, j, kk)}, " \u00b7 ", {n: S.delta[l][kk - 1]});
      }
      parts.push(") = ", {n: D.theta_prime[l - 1][j - 1]}, " \u00d7 ", {n: g ? g.upstream : 0}, " = ",
        {n: S.delta[l - 1][j - 1], bare: true, hl: true});
      line(explain, parts);
      line(explain, [thetaRule(l) + ". The sum is \u2202e/\u2202" + xn(j, l) + ": every path from " + xn(j, l) +
        " to e goes through one neuron of layer " + (l + 1) + "."], "muted");
      d = [];
      for (i = 1; i <= sizes[l]; i++) {
        var th = D.neurons[l - 1][i - 1].theta;
        d.push(["i = " + i, D.theta_prime[l - 1][i - 1], th ? th.upstream : 0, S.delta[l - 1][i - 1]]);
      }
      table(explain, ["neuron", "\u03b8'(s_i^(" + l + "))", "\u03a3_k w_ik \u03b4_k", "\u03b4_i^(" + l + ")"], d);
    } else if (st.kind === "grad") {
      ACViz.mathHTML(h2, "Gradients of layer " + l + ": \u2202e/\u2202" + w("i", "j", l) + " = " + xn("i", l - 1) + " \u03b4_j^(" + l + ")");
      d = [];
      for (i = 0; i <= sizes[l - 1]; i++) {
        d.push([w(i, j, l), xAt(l - 1, i), S.delta[l - 1][j - 1], S.grad[l - 1][i][j - 1]]);
      }
      line(explain, ["For neuron j = " + j + " (the weights into it, on the edges):"], "");
      table(explain, ["weight", "x_i^(" + (l - 1) + ")", "\u03b4_" + j + "^(" + l + ")", "\u2202e/\u2202w = x_i \u03b4_j"], d);
    } else if (st.kind === "sgd") {
      ACViz.mathHTML(h2, "SGD step, layer " + l + ": w \u2190 w \u2212 \u03b7 \u2202e/\u2202w");
      d = [];
      for (i = 0; i <= sizes[l - 1]; i++) {
        d.push([w(i, j, l), wAt(l, i, j), S.grad[l - 1][i][j - 1], S.w_new[l - 1][i][j - 1]]);
      }
      line(explain, ["\u03b7 = ", D.lr, "; for neuron j = " + j + ":"], "");
      table(explain, ["weight", "before", "\u2202e/\u2202w", "after = before \u2212 \u03b7 \u2202e/\u2202w"], d);
    } else {
      ACViz.mathHTML(h2, "One step of SGD done");
      line(explain, ["On the same example: e = ", {n: S.e, bare: true}, " before \u2192 ", {n: D.e_after, bare: true, hl: true},
        " after the update."]);
      node("p", "done-msg", explain).textContent = "Every \u03b4 and \u2202e/\u2202w here is what the engine's backward pass computed.";
    }
  }

  // ---- the node-level graph of one neuron (dialog) ------------------------------------------
  var dialog = $("node-dialog"), nodeSvg = $("node-graph"), nodeStage = $("node-stage"), open = null;
  function neuronSpec(l, j) {
    var N = D.neurons[l - 1][j - 1], s = N.s, t = N.theta, inputs = s.inputs.slice();
    inputs.sort(function (a, b) { return a.i - b.i || (a.kind === "param" ? -1 : 1); });
    var col = {title: "inputs of " + s.name, nodes: []}, edges = [];
    inputs.forEach(function (p, k) {
      var id = "p" + k;
      col.nodes.push({id: id, label: p.name + (p.kind === "param" && p.i === 0 ? "  (\u00d7 x_0 = 1)" : ""),
        kind: p.kind === "param" ? "param" : "input", rows: [["data", p.data]]});
      edges.push({from: id, to: "s", value: 0, cls: "back", dir: "backward", at: 0.5, data: p.contribution,
        text: fmt(p.local) + " \u00d7 " + fmt(s.upstream) + "\n= " + fmt(p.contribution),
        title: "local derivative \u2202s/\u2202" + p.name + " = " + ACViz.full(p.local) + "\n\u00d7 upstream \u03b4 = " +
          ACViz.full(s.upstream) + "\n= contribution " + ACViz.full(p.contribution)});
    });
    var cols = [col, {title: s.rule + " node", nodes: [{id: "s", label: s.name + " = " + s.rule, kind: "op",
      rows: [["data", s.data], ["grad \u03b4", s.upstream]], cls: "focus"}]}];
    if (t) {
      cols.push({title: t.rule + " node", nodes: [{id: "t", label: t.name + " = " + t.rule + "(s)", kind: "op",
        rows: [["data", t.data], ["grad", t.upstream]]}]});
      edges.push({from: "s", to: "t", value: 0, cls: "back", dir: "backward", at: 0.5, data: t.contribution,
        text: fmt(t.local) + " \u00d7 " + fmt(t.upstream) + "\n= " + fmt(t.contribution),
        title: "local derivative \u03b8'(s) = " + ACViz.full(t.local) + "\n\u00d7 upstream \u2202e/\u2202" + t.name + " = " +
          ACViz.full(t.upstream) + "\n= \u03b4 = " + ACViz.full(t.contribution)});
    }
    return {columns: cols, edges: edges, focus: "s", neuron: N};
  }
  function drawDialog() {
    if (!open) { return; }
    var sp = neuronSpec(open[0], open[1]);
    ACViz.drawNetwork(nodeSvg, sp, {font: view.font, zoom: view.zoom, width: nodeStage.clientWidth - 4,
      height: nodeStage.clientHeight - 4, minGap: 14 * view.font, minFont: view.present ? 18 : 15});
  }
  function openNeuron(id) {
    var p = id.split(":"), l = +p[0], j = +p[1];
    if (!(l >= 1 && l <= L)) { return; }
    focus[l] = j;
    open = [l, j];
    var N = D.neurons[l - 1][j - 1];
    $("node-title").textContent = "";
    ACViz.mathHTML($("node-title"), "Neuron " + j + " of layer " + l + " in the node-level graph");
    var text = $("node-text");
    text.textContent = "";
    ACViz.mathHTML(text, "Each input of a node receives local derivative \u00d7 upstream gradient = contribution; " +
      "the s node's gradient is \u03b4_" + j + "^(" + l + "). " + (N.theta ? "" : "(linear: no \u03b8 node)"));
    var tb = $("node-table");
    tb.textContent = "";
    var rows = N.s.inputs.map(function (p) { return [p.name, p.data, p.local, N.s.upstream, p.contribution]; });
    if (N.theta) { rows.unshift([N.s.name + " (through " + N.theta.rule + ")", N.s.data, N.theta.local, N.theta.upstream,
      N.theta.contribution]); }
    table(tb, ["input", "data", "local derivative", "\u00d7 upstream", "= contribution"], rows, true);
    dialog.hidden = false;
    document.body.setAttribute("data-dialog", id);
    drawDialog();
    $("btn-close").focus();
    show(step);
  }
  function closeDialog() {
    if (!open) { return; }
    dialog.hidden = true;
    open = null;
    document.body.removeAttribute("data-dialog");
  }
  $("btn-close").addEventListener("click", closeDialog);
  dialog.addEventListener("click", function (ev) { if (ev.target === dialog) { closeDialog(); } });

  // ---- showing step k -----------------------------------------------------------------------
  function redraw() {
    var sp = spec(step);
    var r = ACViz.drawNetwork(svg, sp, {font: view ? view.font : 16, zoom: view ? view.zoom : 1,
      width: stage.clientWidth - 4, height: stage.clientHeight - 4, onNodeClick: openNeuron,
      minGap: (view && view.present ? 4 : 6) * (view ? view.font : 16), minFont: view && view.fitAll ? 0 : view && view.present ? 18.5 : 11});
    var f = r.nodes[sp.focus];
    if (f && f.scrollIntoView) { f.scrollIntoView({block: "nearest", inline: "nearest"}); }
    document.body.setAttribute("data-focus", sp.focus);
    drawDialog();
  }
  var player = ACViz.player({last: last, interval: 1600, render: function (k) {
    step = k;
    document.body.setAttribute("data-kind", steps[k].kind);
    document.body.setAttribute("data-layer", steps[k].l);
    describe(k);
    redraw();
  }});
  var show = player.show, pause = player.pause, toggle = player.toggle;
  function moveFocus(dir) {
    var st = steps[step], l = st.kind === "start" ? 0 : st.l;
    if (l > L) { return; }
    var n = sizes[l];
    focus[l] = ((focus[l] - 1 + dir + n) % n) + 1;
    show(step);
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    if (ev.key === "Escape") { closeDialog(); return; }
    if (open && ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") { return; }
    var keys = {ArrowRight: function () { pause(); closeDialog(); show(step + 1); },
      ArrowLeft: function () { pause(); closeDialog(); show(step - 1); },
      ArrowDown: function () { moveFocus(1); }, ArrowUp: function () { moveFocus(-1); },
      Home: function () { pause(); show(0); }, End: function () { pause(); show(last); },
      " ": toggle,
      Enter: function () {
        var st = steps[step];
        if (st.l >= 1 && st.l <= L) { openNeuron(st.l + ":" + focus[st.l]); }
      }};
    if (ev.key === "Enter" && ev.target && ev.target.getAttribute && ev.target.getAttribute("role") === "button") { return; }
    if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
  });
  var view = null;
  view = ACViz.controls({bar: $("bar"), redraw: function () { if (view) { show(step); } },
    svg: function () { return open ? nodeSvg : svg; },
    name: function () { return "lecture-step-" + step + "-" + steps[step].kind; }});
  window.ACLecture = {steps: steps, show: show, focus: focus, view: view, svgText: function () { return view.svgText(); }};
  show(0);
})();
