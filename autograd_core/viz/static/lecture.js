/* autograd_core viz: the lecture page (autograd_core.viz.lecture_html). Needs network.js and
 * controls.js. Reads the JSON written by Python (element #lecture-data): every number shown is
 * one the engine computed (lecture_steps); this script does no arithmetic on them.
 *
 * Steps: start; forward layer 1..L; (cross-entropy: softmax;) the loss; backward for l = L..1:
 * δ^(l), then ∂e/∂w^(l) on the edges; the SGD update of layer 1..L; done (the prediction).
 * Each step writes the general formula in the lecture's indices (i the layer below, j the layer
 * above), then the same line with the numbers of the neuron in focus (Up/Down), or of every
 * neuron of the layer ("all neurons", key a).
 *
 * Layout: the page is measured once (per window size and mode) over every step: the panel is as
 * high as its tallest step, the drawing gets the rest, and the network's boxes and columns keep
 * their places from one step to the next. On a wide screen the panel may sit beside the drawing.
 */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("lecture-data").textContent);
  var S = D.steps, sizes = D.sizes, L = sizes.length - 1, CE = D.loss === "cross_entropy", K = sizes[L];
  var fmt = ACViz.fmt;
  function $(id) { return document.getElementById(id); }
  var svg = $("net"), stage = $("stage"), explain = $("explain"), main = $("main");
  var comma = Math.max.apply(null, sizes) >= 10 ? "," : "";
  var WORDS = {tanh: "tanh", sigmoid: "\u03c3", relu: "relu", linear: "identity"};
  var MINUS = "\u2212", DASH = "\u2013";

  var steps = [{kind: "start", l: 0}];
  for (var l = 1; l <= L; l++) { steps.push({kind: "forward", l: l}); }
  if (CE) { steps.push({kind: "softmax", l: L + 1}); }
  steps.push({kind: "loss", l: L + 1});
  for (l = L; l >= 1; l--) { steps.push({kind: "delta", l: l}); steps.push({kind: "grad", l: l}); }
  for (l = 1; l <= L; l++) { steps.push({kind: "sgd", l: l}); }
  steps.push({kind: "done", l: L + 1});
  var last = steps.length - 1, step = 0, focus = [], allNeurons = false;
  for (l = 0; l <= L + 1; l++) { focus.push(1); }

  // ---- notation -------------------------------------------------------------------------
  function w(i, j, l) { return "w_{" + i + comma + j + "}^(" + l + ")"; }
  function xn(i, l) { return "x_" + i + "^(" + l + ")"; }
  function sn(i, l) { return "s_" + i + "^(" + l + ")"; }
  function dn(i, l) { return "\u03b4_" + i + "^(" + l + ")"; }
  function wAt(l, i, j) { return D.w[l - 1][i][j - 1]; }
  function xAt(l, i) { return i === 0 ? 1 : S.x[l][i - 1]; }
  function theta(l) { return D.activations[l - 1]; }
  function sup(l) { return "^(" + l + ")"; }
  var SUPER = {"0": "\u2070", "1": "\u00b9", "2": "\u00b2", "3": "\u00b3", "4": "\u2074", "5": "\u2075", "6": "\u2076",
    "7": "\u2077", "8": "\u2078", "9": "\u2079", "l": "\u02e1", "L": "\u1d38", "-": "\u207b", "(": "\u207d", ")": "\u207e"};
  function dUp(l) {  // d^(l) for an upper index: "d⁽ˡ⁻¹⁾"
    return "d" + ("(" + l + ")").replace(/ /g, "").split("").map(function (c) { return SUPER[c] || c; }).join("");
  }
  function subDigits(n) { return String(n).replace(/\d/g, function (c) { return String.fromCharCode(0x2080 + +c); }); }
  function classOf(k) { return "class " + (k - 1); }  // neuron k of the output layer scores class k - 1 (y = 0..K-1)
  function yk(k) { return D.onehot[k - 1]; }

  // ---- what is known after step k -------------------------------------------------------
  function known(k) {
    var Kn = {fwd: 0, soft: false, loss: false, delta: L + 1, grad: L + 1, sgd: 0};
    for (var s = 0; s <= k; s++) {
      var st = steps[s];
      if (st.kind === "forward") { Kn.fwd = st.l; }
      if (st.kind === "softmax") { Kn.soft = true; }
      if (st.kind === "loss") { Kn.loss = true; Kn.soft = true; }
      if (st.kind === "delta") { Kn.delta = st.l; }
      if (st.kind === "grad") { Kn.grad = st.l; }
      if (st.kind === "sgd") { Kn.sgd = st.l; }
    }
    return Kn;
  }

  function focusId(st) {
    if (st.kind === "start") { return "0:" + focus[0]; }
    if (st.kind === "softmax") { return L + ":" + focus[L]; }
    if (st.kind === "loss" || st.kind === "done") { return "e"; }
    return st.l + ":" + focus[st.l];
  }

  /* the digits that show the SGD step's change: the fewest (4..10) at which before and after differ
   * in at least two digits (they differ at one digit fewer) */
  function sgdDigits(l) {
    for (var d = 4; d <= 10; d++) {
      var ok = true;
      for (var i = 0; i <= sizes[l - 1] && ok; i++) {
        for (var j = 1; j <= sizes[l] && ok; j++) {
          var a = wAt(l, i, j), b = S.w_new[l - 1][i][j - 1];
          if (typeof a === "number" && typeof b === "number" && a !== b && a.toPrecision(d - 1) === b.toPrecision(d - 1)) { ok = false; }
        }
      }
      if (ok) { return d; }
    }
    return 10;
  }
  function fmtD(x, d) {
    if (typeof x !== "number" || !isFinite(x) || x === 0 || d <= 4) { return fmt(x); }
    return (Math.abs(x) < 1e-4 ? x.toExponential(d - 1) : x.toPrecision(d)).replace("e+", "e");
  }

  function digits() { return view && view.present ? 3 : 4; }  // in the drawing: 3 on a projector
  function ef(x) { return fmt(x, digits()); }

  // ---- the network of step k --------------------------------------------------------------
  function spec(k) {
    var st = steps[k], Kn = known(k), cols = [], edges = [], fid = focusId(st);
    var c0 = {title: "input", nodes: [{id: "0:0", label: "x_0 = 1", kind: "bias", title: "the bias input x_0 = 1"}]};
    for (var i = 1; i <= sizes[0]; i++) {
      c0.nodes.push({id: "0:" + i, label: xn(i, 0), kind: "input", rows: [["x", S.x[0][i - 1]]]});
    }
    cols.push(c0);
    for (var l = 1; l <= L; l++) {
      var out = l === L;
      var col = {title: "layer " + l + " \u00b7 " + (CE && out ? "scores" : WORDS[theta(l)]), nodes: []};
      if (l < L) { col.nodes.push({id: l + ":0", label: "x_0 = 1", kind: "bias", title: "the bias input x_0 = 1"}); }
      for (var j = 1; j <= sizes[l]; j++) {
        var rows = [["s", Kn.fwd >= l ? S.s[l - 1][j - 1] : DASH], ["x", Kn.fwd >= l ? S.x[l][j - 1] : DASH],
          ["\u03b4", Kn.delta <= l ? S.delta[l - 1][j - 1] : DASH]];
        if (CE && out) {
          rows = [["f", Kn.fwd >= l ? S.f[j - 1] : DASH], ["p", Kn.soft ? S.p[j - 1] : DASH], ["y", String(yk(j))], rows[2]];
        }
        var cls = [];
        if ((st.kind === "forward" || st.kind === "delta") && st.l === l) { cls.push("updated"); }
        if (st.kind === "softmax" && out) { cls.push("updated"); }
        if (st.kind === "delta" && st.l === l - 1) { cls.push("back"); }
        var label = out && !CE && sizes[l] === 1 ? "h = " + xn(1, L) : CE && out ? "f_" + j + " = " + xn(j, L) : xn(j, l);
        col.nodes.push({id: l + ":" + j, label: label, kind: "neuron", rows: rows, cls: cls.join(" "),
          title: "neuron " + j + " of layer " + l + (CE && out ? " (the score of " + classOf(j) + ")" : "") +
            " (click: its node-level graph)"});
      }
      cols.push(col);
    }
    var outCol = cols[L];
    if (CE) {
      cols.push({title: "loss", nodes: [
        {id: "e", label: "L", kind: "loss", title: "L = \u2212\u03a3_k y_k log p_k = \u2212log p_y",
          rows: [["L", Kn.loss ? S.e : DASH], ["y", String(D.y)]], cls: st.kind === "loss" ? "updated" : ""}]});
    } else {  // the loss sits under the output neuron: e, then the label y
      outCol.title = "layer " + L + " \u00b7 " + WORDS[theta(L)] + " \u00b7 loss";
      outCol.nodes.push({id: "e", label: "e = (h \u2212 y)\u00b2", kind: "loss", gapBefore: 1.8,
        title: "e = (h \u2212 y)\u00b2; \u2202e/\u2202h = 2(h \u2212 y)",
        rows: [["e", Kn.loss ? S.e : DASH], ["\u2202e/\u2202h", Kn.delta <= L ? D.dedh : DASH]],
        cls: st.kind === "loss" ? "updated" : ""});
      outCol.nodes.push({id: "y", label: "y", kind: "target", rows: [["y", D.y]]});
    }

    for (l = 1; l <= L; l++) {
      for (j = 1; j <= sizes[l]; j++) {
        for (i = 0; i <= sizes[l - 1]; i++) {
          var wv = Kn.sgd >= l ? S.w_new[l - 1][i][j - 1] : wAt(l, i, j);
          var e = {from: (l - 1) + ":" + i, to: l + ":" + j, value: wv,
            title: w(i, j, l) + " = " + ACViz.full(wv) + (Kn.grad <= l ? "\n\u2202e/\u2202" + w(i, j, l) + " = " +
              ACViz.full(S.grad[l - 1][i][j - 1]) : "")};
          var mine = focus[l] === j;
          if (st.l === l && mine && st.kind === "forward") {
            e.cls = "active"; e.dir = "forward"; e.data = wAt(l, i, j); e.text = ef(wAt(l, i, j));
          } else if (st.l === l && mine && st.kind === "grad") {
            e.cls = "back"; e.dir = "backward"; e.data = S.grad[l - 1][i][j - 1]; e.text = ef(S.grad[l - 1][i][j - 1]);
          } else if (st.l === l && mine && st.kind === "sgd") {
            e.cls = "active"; e.data = S.w_new[l - 1][i][j - 1]; e.text = ef(S.w_new[l - 1][i][j - 1]);
          } else if (st.kind === "delta" && st.l === l - 1 && i === focus[l - 1]) {
            e.cls = "back"; e.dir = "backward"; e.text = ef(wAt(l, i, j)); e.data = wAt(l, i, j);
          } else if (st.kind !== "start" && st.kind !== "done" && !(st.l === l && st.kind !== "delta")) {
            e.cls = "dim";
          }
          edges.push(e);
        }
      }
    }
    if (CE) {
      for (j = 1; j <= K; j++) {
        var pe = {from: L + ":" + j, to: "e", value: 0, title: "L = \u2212\u03a3_k y_k log p_k, p_k = e^{f_k} / \u03a3_j e^{f_j}"};
        if (st.kind === "loss") { pe.cls = "active"; pe.dir = "forward"; }
        if (st.kind === "delta" && st.l === L && j === focus[L]) {
          pe.cls = "back"; pe.dir = "backward"; pe.data = S.delta[L - 1][j - 1]; pe.text = "p" + subDigits(j) + " \u2212 y" + subDigits(j);
        }
        edges.push(pe);
      }
    } else {
      var he = {from: L + ":1", to: "e", value: 0, title: "e = (h \u2212 y)\u00b2"};
      var ye = {from: "y", to: "e", value: 0};
      if (st.kind === "loss") { he.cls = ye.cls = "active"; he.dir = ye.dir = "forward"; }
      if (st.kind === "delta" && st.l === L) {
        he.cls = "back"; he.dir = "backward"; he.data = D.dedh; he.text = "2(h \u2212 y)";
      }
      edges.push(he, ye);
    }
    return {columns: cols, edges: edges, focus: fid};
  }

  // ---- the explanation of step k -------------------------------------------------------------
  function node(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  /* parts: strings in lecture notation; numbers ({n: x}, or a bare number) with 4 significant
   * digits (or {n: x, d: digits}), full value on hover; negative ones in parentheses unless bare */
  function line(parent, parts, cls) {
    var p = node("p", cls === undefined ? "formula" : cls, parent);
    parts.forEach(function (x) {
      if (typeof x === "number" || (x && x.n !== undefined)) {
        var v = typeof x === "number" ? x : x.n;
        var neg = typeof v === "number" && v < 0 && !(x && x.bare);
        if (neg) { p.appendChild(document.createTextNode("(")); }
        var span = ACViz.num(p, v, x && x.hl ? "hl" : "");
        if (x && x.d) { span.textContent = fmtD(v, x.d); }
        if (neg) { p.appendChild(document.createTextNode(")")); }
      } else { ACViz.mathHTML(p, x); }
    });
    return p;
  }
  function general(text) { return line(explain, [text], "formula general"); }
  /* a table of records; "across" (the default) lays each record out as a column, so a layer of
   * ten neurons takes three or four lines, not eleven */
  var narrow = false;  // the panel beside the drawing: tables run down, one record per line
  function table(parent, head, rows, down, digits) {
    down = down || narrow;
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
        if (typeof c === "number") { var sp = ACViz.num(td, c); if (digits) { sp.textContent = fmtD(c, digits); } }
        else { ACViz.mathHTML(td, c); }
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
  function which(l) {  // the neurons of layer l written out: the one in focus, or all of them
    var out = [];
    for (var j = 1; j <= sizes[l]; j++) { if (allNeurons || focus[l] === j) { out.push(j); } }
    return out;
  }
  function forwardLine(l, j) {  // x_j^(l) = θ(Σ_i w_ij x_i) = θ(s_j) = x_j, in numbers
    var linear = theta(l) === "linear";
    var terms = [(CE && l === L ? "f_" + j + " = " : "") + xn(j, l) + " = " + (linear ? "" : WORDS[theta(l)] + "(")];
    for (var i = 0; i <= sizes[l - 1]; i++) {
      if (i > 0) { terms.push(" + "); }
      terms.push({n: wAt(l, i, j)}, "\u00b7", i === 0 ? "1" : {n: xAt(l - 1, i)});
    }
    if (linear) { return terms.concat([" = ", {n: S.x[l][j - 1], bare: true, hl: true}]); }
    return terms.concat([") = " + WORDS[theta(l)] + "(", {n: S.s[l - 1][j - 1], bare: true}, ") = ",
      {n: S.x[l][j - 1], bare: true, hl: true}]);
  }
  function deltaLine(l, i) {  // δ_i^(l) = θ'(s_i^(l)) Σ_j w_ij^(l+1) δ_j^(l+1), in numbers
    var parts = [dn(i, l) + " = \u03b8'(" + sn(i, l) + ") \u03a3_j " + w(i, "j", l + 1) + " " + dn("j", l + 1) + " = "]
      .concat(thetaPrime(l, i), [" \u00d7 ("]);
    for (var j = 1; j <= sizes[l + 1]; j++) {
      if (j > 1) { parts.push(" + "); }
      parts.push({n: wAt(l + 1, i, j)}, "\u00b7", {n: S.delta[l][j - 1]});
    }
    var g = D.neurons[l - 1][i - 1].theta;
    return parts.concat([") = ", {n: D.theta_prime[l - 1][i - 1]}, " \u00d7 ", {n: g ? g.upstream : 0}, " = ",
      {n: S.delta[l - 1][i - 1], bare: true, hl: true}]);
  }
  function describe(k) {
    var st = steps[k], l = st.l, d, i, j;
    explain.textContent = "";
    var h2 = node("h2", "", explain);
    if (st.kind === "start") {
      ACViz.mathHTML(h2, "The network and one example");
      line(explain, ["Layer sizes d^(0..L) = " + sizes.join(", ") + "; bias input x_0 = 1 in every layer; x = (" +
        S.x[0].map(fmt).join(", ") + ")" + (CE ? ", class y = " + D.y + " of K = " + K + "; softmax and cross-entropy " +
        "L = \u2212\u03a3_k y_k log p_k" : ", y = " + fmt(D.y) + ", square loss e = (h(x) \u2212 y)\u00b2") +
        "; SGD step \u03b7 = " + ACViz.full(D.lr) + "."], "");
      line(explain, ["Edges are the weights w_ij^(l) (blue > 0, red < 0, thicker = larger). " +
        "\u2192 steps forward, then backward; \u2191 \u2193 pick the neuron in focus; click a neuron or press Enter " +
        "for its node-level graph; a: all neurons."], "muted");
    } else if (st.kind === "forward") {
      ACViz.mathHTML(h2, "Forward, layer " + l + (CE && l === L ? ": the scores f_k = " + xn("k", L) : ""));
      general(xn("j", "l") + " = \u03b8(\u03a3_{i=0}^{" + dUp("l-1") + "} " + w("i", "j", "l") + " " + xn("i", "l-1") + ")");
      which(l).forEach(function (jj) { line(explain, forwardLine(l, jj)); });
      d = [];
      for (i = 1; i <= sizes[l]; i++) { d.push(["j = " + i, S.s[l - 1][i - 1], S.x[l][i - 1]]); }
      if (!allNeurons) { table(explain, ["neuron", "s_j^(" + l + ")", "x_j^(" + l + ")"], d); }
    } else if (st.kind === "softmax") {
      ACViz.mathHTML(h2, "Softmax: the scores as probabilities");
      general("p_k = e^{f\u2096} / \u03a3_{j=1}^{K} e^{f\u2c7c}");
      which(L).forEach(function (kk) {
        // e^{f_j} with the score as an exponent (the scores' full values are in the table below)
        var parts = ["p_" + kk + " = e^{" + fmt(S.f[kk - 1]) + "} / ("];
        for (j = 1; j <= K; j++) { parts.push((j > 1 ? " + " : "") + "e^{" + fmt(S.f[j - 1]) + "}"); }
        line(explain, parts.concat([") = ", {n: S.p[kk - 1], bare: true, hl: true}]));
      });
      d = [];
      for (j = 1; j <= K; j++) { d.push(["k = " + j, S.f[j - 1], S.p[j - 1]]); }
      table(explain, ["class", "f_k", "p_k"], d);
    } else if (st.kind === "loss") {
      ACViz.mathHTML(h2, "The loss");
      if (CE) {
        general("L = \u2212\u03a3_{k=1}^{K} y_k log p_k = \u2212log p_y   (y one-hot: y_k = [k = y])");
        line(explain, ["L = \u2212log p_" + (D.y + 1) + " = \u2212log ", {n: S.p[D.y], bare: true}, " = ",
          {n: S.e, bare: true, hl: true}, "   (class y = " + D.y + " is output k = " + (D.y + 1) + ")"]);
      } else {
        general("e = (h(x) \u2212 y)\u00b2,   h(x) = " + xn(1, "L"));
        line(explain, ["e = (", {n: S.x[L][0], bare: true}, " \u2212 ", {n: D.y, bare: true}, ")\u00b2 = ",
          {n: S.e, bare: true, hl: true}]);
      }
    } else if (st.kind === "delta" && l === L && CE) {
      ACViz.mathHTML(h2, "Backward, layer " + L + ": \u03b4^(L) = p \u2212 y");
      general("\u03b4_k^(L) = \u2202L/\u2202" + sn("k", "L") + " = \u03a3_j (\u2202L/\u2202p_j)(\u2202p_j/\u2202f_k) = " +
        "\u03a3_j (\u2212y_j/p_j) p_j([j = k] \u2212 p_k) = p_k \u03a3_j y_j \u2212 y_k = p_k \u2212 y_k");
      which(L).forEach(function (kk) {
        line(explain, [dn(kk, L) + " = p_" + kk + " \u2212 y_" + kk + " = ", {n: S.p[kk - 1], bare: true}, " \u2212 " +
          yk(kk) + " = ", {n: S.delta[L - 1][kk - 1], bare: true, hl: true}]);
      });
      d = [];
      for (j = 1; j <= K; j++) { d.push(["k = " + j, S.p[j - 1], String(yk(j)), S.delta[L - 1][j - 1]]); }
      table(explain, ["class", "p_k", "y_k", "\u03b4_k^(" + L + ")"], d);
    } else if (st.kind === "delta" && l === L) {
      ACViz.mathHTML(h2, "Backward, layer " + L + ": \u03b4^(L) = \u2202e/\u2202s^(L)");
      general(dn(1, "L") + " = \u2202e/\u2202" + xn(1, "L") + " \u00d7 \u2202" + xn(1, "L") + "/\u2202" + sn(1, "L") +
        " = 2(" + xn(1, "L") + " \u2212 y) \u03b8'(" + sn(1, "L") + ")");
      line(explain, [dn(1, L) + " = 2(", {n: S.x[L][0], bare: true}, " \u2212 ", {n: D.y, bare: true}, ") \u00d7 "]
        .concat(thetaPrime(L, 1), [" = ", {n: D.dedh}, " \u00d7 ", {n: D.theta_prime[L - 1][0]}, " = ",
          {n: S.delta[L - 1][0], bare: true, hl: true}]));
      line(explain, [thetaRule(L)], "muted");
    } else if (st.kind === "delta") {
      ACViz.mathHTML(h2, "Backward, layer " + l + ": \u03b4^(" + l + ") from \u03b4^(" + (l + 1) + ")");
      general(dn("i", "l-1") + " = \u03b8'(" + sn("i", "l-1") + ") \u03a3_{j=1}^{" + dUp("l") + "} " + w("i", "j", "l") +
        " " + dn("j", "l") + ",   " + thetaRule(l));
      which(l).forEach(function (ii) { line(explain, deltaLine(l, ii)); });
      d = [];
      for (i = 1; i <= sizes[l]; i++) {
        var th = D.neurons[l - 1][i - 1].theta;
        d.push(["i = " + i, D.theta_prime[l - 1][i - 1], th ? th.upstream : 0, S.delta[l - 1][i - 1]]);
      }
      if (!allNeurons) {
        table(explain, ["neuron", "\u03b8'(s_i^(" + l + "))", "\u03a3_j w_ij^(" + (l + 1) + ") \u03b4_j^(" + (l + 1) + ")",
          "\u03b4_i^(" + l + ")"], d);
      }
    } else if (st.kind === "grad") {
      ACViz.mathHTML(h2, "Gradients of layer " + l + " (on the edges into neuron j = " + focus[l] + ")");
      general("\u2202e/\u2202" + w("i", "j", "l") + " = " + xn("i", "l-1") + " " + dn("j", "l"));
      which(l).forEach(function (jj) {
        d = [];
        for (i = 0; i <= sizes[l - 1]; i++) { d.push([String(i), xAt(l - 1, i), S.grad[l - 1][i][jj - 1]]); }
        line(explain, ["j = " + jj + ":  " + dn(jj, l) + " = ", {n: S.delta[l - 1][jj - 1], bare: true}], "");
        table(explain, ["i", xn("i", l - 1), "\u2202e/\u2202" + w("i", jj, l)], d);
      });
    } else if (st.kind === "sgd") {
      var dg = sgdDigits(l);
      ACViz.mathHTML(h2, "SGD step, layer " + l + ", \u03b7 = " + ACViz.full(D.lr));
      general(w("i", "j", "l") + " \u2190 " + w("i", "j", "l") + " \u2212 \u03b7 " + xn("i", "l-1") + " " + dn("j", "l") +
        ",   \u0394w = \u2212\u03b7 " + xn("i", "l-1") + " " + dn("j", "l"));
      which(l).forEach(function (jj) {
        d = [];
        for (i = 0; i <= sizes[l - 1]; i++) {
          d.push([w(i, jj, l), wAt(l, i, jj), D.dw[l - 1][i][jj - 1], S.w_new[l - 1][i][jj - 1]]);
        }
        table(explain, ["weight", "before", "\u0394w", "after"], d, false, dg);
      });
    } else {
      ACViz.mathHTML(h2, CE ? "The prediction, and one step of SGD done" : "One step of SGD done");
      if (CE) {
        general("prediction = argmax_k f_k");
        line(explain, ["argmax_k f_k = " + (S.prediction + 1) + " (class " + S.prediction + "), with p = ",
          {n: S.p[S.prediction], bare: true}, "; the label is class " + D.y + "."]);
      }
      line(explain, ["On the same example: " + (CE ? "L" : "e") + " = ", {n: S.e, bare: true}, " before \u2192 ",
        {n: D.e_after, bare: true, hl: true}, " after the update."]);
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
      edges.push({from: id, to: "s", value: 0, cls: "back", dir: "backward", data: p.contribution,
        text: fmt(p.local) + " \u00d7 " + fmt(s.upstream) + "\n= " + fmt(p.contribution),
        title: "local derivative \u2202s/\u2202" + p.name + " = " + ACViz.full(p.local) + "\n\u00d7 upstream \u03b4 = " +
          ACViz.full(s.upstream) + "\n= contribution " + ACViz.full(p.contribution)});
    });
    var cols = [col, {title: s.rule + " node", nodes: [{id: "s", label: s.name + " = " + s.rule, kind: "op",
      rows: [["data", s.data], ["grad \u03b4", s.upstream]], cls: "focus"}]}];
    if (t) {
      cols.push({title: t.rule + " node", nodes: [{id: "t", label: t.name + " = " + t.rule + "(s)", kind: "op",
        rows: [["data", t.data], ["grad", t.upstream]]}]});
      edges.push({from: "s", to: "t", value: 0, cls: "back", dir: "backward", data: t.contribution,
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
      height: nodeStage.clientHeight - 4, minGap: 4 * view.font, minFont: view.present ? 18 : 15});
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

  // ---- the layout: measured once over every step ----------------------------------------------
  var allSpecs = null, box = null;
  function specsOfEveryStep() {
    var out = [], saved = focus.slice();
    for (var k = 0; k <= last; k++) {
      var l = steps[k].l, n = l >= 0 && l <= L ? sizes[l] : 1;
      for (var j = 1; j <= n; j++) { focus[l] = j; out.push(spec(k)); }
      focus[l] = saved[l];
    }
    return out;
  }
  /* the height of the panel's tallest step at this width (every step, every neuron in focus) */
  function panelHeight(width, side) {
    narrow = side;
    explain.style.width = width + "px";
    explain.style.height = "auto";
    var most = 0, saved = focus.slice();
    for (var k = 0; k <= last; k++) {
      var l = steps[k].l, n = !allNeurons && l >= 0 && l <= L ? sizes[l] : 1;
      for (var j = 1; j <= n; j++) {
        if (l >= 0 && l <= L) { focus[l] = j; }
        describe(k);
        most = Math.max(most, explain.scrollWidth > explain.clientWidth + 1 ? 1e6 : explain.offsetHeight);
      }
      if (l >= 0 && l <= L) { focus[l] = saved[l]; }
    }
    return Math.ceil(most) + 2;
  }
  function trial(width, height) {
    var r = ACViz.drawNetwork(svg, allSpecs[0], {font: view.font, width: width - 4, height: height - 4,
      specs: allSpecs, minGap: 4 * view.font, digits: digits()});
    return r.scale;
  }
  function layout() {
    if (!view) { return; }
    allSpecs = specsOfEveryStep();
    var top = main.getBoundingClientRect().top, gap = 8;
    var W = main.clientWidth, H = window.innerHeight - top - 8;
    // below: the panel across the whole width, as high as its tallest step
    var belowH = panelHeight(W, false), below = {side: false, sw: W, sh: H - belowH - gap, pw: W, ph: belowH};
    if (!view.present) { below.ph = Math.min(belowH, Math.round(0.45 * H)); below.sh = H - below.ph - gap; }
    var best = below, bestScale = below.sh > 100 ? trial(below.sw, below.sh) : 0;
    // beside: the narrowest panel (from a quarter of the width on) whose tallest step fits the height,
    // if the drawing comes out larger than with the panel below
    var tried = [];
    [0.25, 0.3, 0.35, 0.42].forEach(function (share) {
      var pw = Math.round(share * W);
      if (W - pw - gap < 300) { return; }
      var sideH = panelHeight(pw, true);
      tried.push([pw, sideH]);
      if (sideH > H) { return; }
      var side = {side: true, sw: W - pw - gap, sh: H, pw: pw, ph: H}, s = trial(side.sw, side.sh);
      if (s > bestScale * 1.04) { best = side; bestScale = s; }
    });
    box = best;
    best.tried = tried;
    best.scale = bestScale;
    narrow = best.side;
    main.classList.toggle("side", best.side);
    stage.style.width = best.sw + "px";
    stage.style.height = best.sh + "px";
    explain.style.width = best.pw + "px";
    explain.style.height = best.ph + "px";
    document.body.setAttribute("data-layout", best.side ? "side" : "below");
  }

  // ---- showing step k -----------------------------------------------------------------------
  function redraw() {
    var sp = spec(step);
    var r = ACViz.drawNetwork(svg, sp, {font: view ? view.font : 16, zoom: view ? view.zoom : 1,
      width: stage.clientWidth - 4, height: stage.clientHeight - 4, onNodeClick: openNeuron, specs: allSpecs,
      digits: digits(),
      minGap: 4 * (view ? view.font : 16), minFont: view && !view.fitAll && !view.present ? 11 : 0});
    var f = r.nodes[sp.focus];
    if (f && f.scrollIntoView && view && view.zoom > 1) { f.scrollIntoView({block: "nearest", inline: "nearest"}); }
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
    var st = steps[step], l = st.kind === "start" ? 0 : st.kind === "softmax" ? L : st.l;
    if (l > L) { return; }
    var n = sizes[l];
    focus[l] = ((focus[l] - 1 + dir + n) % n) + 1;
    show(step);
  }
  var bAll = document.createElement("button");
  bAll.id = "btn-all";
  bAll.type = "button";
  bAll.textContent = "All neurons";
  bAll.title = "Write out every neuron of the layer, not only the one in focus (a)";
  bAll.setAttribute("aria-pressed", "false");
  function toggleAll() {
    allNeurons = !allNeurons;
    bAll.setAttribute("aria-pressed", allNeurons ? "true" : "false");
    document.body.setAttribute("data-all", allNeurons ? "true" : "false");
    layout();
    show(step);
  }
  bAll.addEventListener("click", function () { toggleAll(); bAll.blur(); });
  $("bar").insertBefore(bAll, $("step-counter"));
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    if (ev.key === "Escape") { closeDialog(); return; }
    if (open && ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") { return; }
    var keys = {ArrowRight: function () { pause(); closeDialog(); show(step + 1); },
      ArrowLeft: function () { pause(); closeDialog(); show(step - 1); },
      ArrowDown: function () { moveFocus(1); }, ArrowUp: function () { moveFocus(-1); },
      Home: function () { pause(); show(0); }, End: function () { pause(); show(last); },
      " ": toggle, a: toggleAll,
      Enter: function () {
        var st = steps[step];
        if (st.l >= 1 && st.l <= L) { openNeuron(st.l + ":" + focus[st.l]); }
      }};
    if (ev.key === "Enter" && ev.target && ev.target.getAttribute && ev.target.getAttribute("role") === "button") { return; }
    if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
  });
  var view = null, lastMode = null;
  view = ACViz.controls({bar: $("bar"), redraw: function () {
    if (!view) { return; }
    var mode = view.present + ":" + window.innerWidth + "x" + window.innerHeight;
    if (mode !== lastMode) { lastMode = mode; layout(); }
    show(step);
  },
    svg: function () { return open ? nodeSvg : svg; },
    slide: function () { return open ? null : [svg, explain]; },
    name: function () { return "lecture-step-" + step + "-" + steps[step].kind; }});
  window.ACLecture = {steps: steps, show: show, focus: focus, view: view, layout: function () { return box; },
    svgText: function () { return view.svgText(); }, toggleAll: toggleAll};
  view.apply();
})();
