/* autograd_core viz: the training view. One front end for the live Jupyter widget (anywidget)
 * and the replay page written by TrainingView.save_html.
 *
 * Format: a plain script with NO import/export, placed after network.js (it uses `ACViz`). It
 * declares one top-level name, `ACTraining`. The widget's `_esm` is network.js + this file +
 * `export default { render: ACTraining.render }`; the replay page inlines both files and this
 * file starts the replay itself when the page holds a <script id="ac-training-data">.
 *
 * The model (anywidget's, or the replay page's stand-in) holds:
 *   meta  {sizes: [d0..dL], activations: [θ per layer], X, y, classes, bounds, grid, threshold}
 *   curve {loss: [per step], accuracy: [[step, acc], ...]}
 *   frame {step, loss, accuracy, weights: [...], grads: [...]}   flat, per layer, per neuron j:
 *         (w_0j = bias, w_1j, ..., w_dj)
 *   detail {x, s, delta, theta_prime, grad, e, p} of the chosen example, from the engine's
 *         backward pass in Python (null when θ is not known by name): this file computes no
 *         derivative; it only draws what Python sent
 *   example (index of the chosen data point), show ("weights" | "grads")
 * The decision boundary is drawn from the weights by a forward pass on a grid,
 * x^(l) = θ(s^(l)), s_j^(l) = Σ_i w_ij^(l) x_i^(l-1) with x_0 = 1.
 */
var ACTraining = (function () {
  "use strict";
  var V = ACViz;

  var THETA = {
    tanh: Math.tanh,
    sigmoid: function (s) { return 1 / (1 + Math.exp(-s)); },
    relu: function (s) { return s > 0 ? s : 0; },
    linear: function (s) { return s; }
  };
  var CLASS_COLORS = ["#c92a2a", "#1864ab", "#2b8a3e", "#e67700", "#862e9c", "#0b7285", "#5c940d", "#a61e4d"];

  /* index of w_ij^(l) (l from 1) in the flat weight list */
  function offsets(sizes) {
    var out = [], k = 0;
    for (var l = 1; l < sizes.length; l++) { out.push(k); k += sizes[l] * (sizes[l - 1] + 1); }
    return out;
  }
  function wIndex(sizes, offs, l, i, j) { return offs[l - 1] + (j - 1) * (sizes[l - 1] + 1) + i; }

  /* x^(0..L) and s^(1..L) for input x (lists without x_0) */
  function forward(meta, w, x) {
    var sizes = meta.sizes, offs = offsets(sizes), xs = [x.slice()], ss = [];
    for (var l = 1; l < sizes.length; l++) {
      var th = THETA[meta.activations[l - 1]] || THETA.linear, prev = xs[l - 1], s = [], out = [];
      for (var j = 1; j <= sizes[l]; j++) {
        var b = wIndex(sizes, offs, l, 0, j), v = w[b];
        for (var i = 1; i <= sizes[l - 1]; i++) { v += w[b + i] * prev[i - 1]; }
        s.push(v); out.push(th(v));
      }
      ss.push(s); xs.push(out);
    }
    return {x: xs, s: ss};
  }

  /* the model's outputs on the meta.grid x meta.grid grid over meta.bounds: [row][col] */
  function gridOutputs(meta, w, size) {
    var n = size || meta.grid, bx = meta.bounds[0], by = meta.bounds[1], rows = [];
    for (var r = 0; r < n; r++) {
      var row = [], gy = by[0] + (by[1] - by[0]) * r / (n - 1);
      for (var c = 0; c < n; c++) {
        var gx = bx[0] + (bx[1] - bx[0]) * c / (n - 1), h = forward(meta, w, [gx, gy]).x[meta.sizes.length - 1];
        row.push(h.length === 1 ? h[0] : h);
      }
      rows.push(row);
    }
    return rows;
  }

  /* w_ij^(l) in lecture notation; w_{i,j}^(l) once an index has two digits */
  function wName(i, j, l) { return (i > 9 || j > 9 ? "w_{" + i + "," + j + "}" : "w_" + i + j) + "^(" + l + ")"; }

  function classIndex(meta, label) { var k = meta.classes.indexOf(label); return k < 0 ? 0 : k; }

  function mix(hex, t) {  // hex colour mixed with white: t = 0 white, 1 the colour
    var c = [1, 3, 5].map(function (k) { return parseInt(hex.slice(k, k + 2), 16); });
    return "rgb(" + c.map(function (v) { return Math.round(255 + (v - 255) * t); }).join(",") + ")";
  }
  function rgbOf(hex, t) {
    var c = [1, 3, 5].map(function (k) { return parseInt(hex.slice(k, k + 2), 16); });
    return c.map(function (v) { return Math.round(255 + (v - 255) * t); });
  }

  function h(tag, cls, parent, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function mathSpan(parent, s, cls) { var e = h("span", "math" + (cls ? " " + cls : ""), parent); V.mathHTML(e, s); return e; }

  /* ------------------------------------------------------------------------------------------ */

  var views = 0;  // ids unique per view on a page (several widgets in one notebook)

  function render(ctx) {
    var model = ctx.model, el = ctx.el;
    var root = h("div", "ac-train", el);
    var head = h("div", "ac-train-head", root);
    var status = h("div", "ac-train-status", head);
    var tools = h("div", "ac-train-tools", head);
    var showW = h("button", "ac-btn", tools, "weights"), showG = h("button", "ac-btn", tools, "gradients");
    showW.type = showG.type = "button";
    showW.title = "edge colour and width: the weights w_ij (blue > 0, red < 0)";
    showG.title = "edge colour and width: the gradients ∂L/∂w_ij of the step's loss";
    var exLabel = h("label", "ac-train-example", tools);
    h("span", "", exLabel, "example ");
    var exPrev = h("button", "ac-btn", exLabel, "◀"), exInput = h("input", "", exLabel), exNext = h("button", "ac-btn", exLabel, "▶");
    exPrev.type = exNext.type = "button";
    exPrev.title = "previous example"; exNext.title = "next example";
    exInput.type = "number"; exInput.min = "0"; exInput.setAttribute("aria-label", "index of the chosen example");
    var main = h("div", "ac-train-main", root);
    var left = h("div", "ac-train-left", main), right = h("div", "ac-train-right", main);
    var netBox = h("div", "ac-train-net", left);
    var net = V.el("svg", {"class": "ac-net", role: "img"}, netBox);
    var legend = h("div", "ac-train-legend", left);
    var detail = h("div", "ac-train-detail", left);
    var curveBox = h("div", "ac-train-curve", right);
    var curve = V.el("svg", {"class": "ac-curve", viewBox: "0 0 360 210", role: "img"}, curveBox);
    var bdBox = h("div", "ac-train-boundary", right);
    var boundary = V.el("svg", {"class": "ac-boundary", viewBox: "0 0 360 300", role: "img"}, bdBox);

    var selected = null, pending = false, alive = true, scrolled = false, uid = ++views;

    function meta() { return model.get("meta") || {}; }
    function frame() { return model.get("frame") || {}; }
    function nExamples() { var m = meta(); return (m.X || []).length; }
    function example() {
      var n = nExamples(), k = model.get("example") || 0;
      return n ? Math.max(0, Math.min(n - 1, k)) : 0;
    }
    function setExample(k) {
      var n = nExamples();
      if (!n) { return; }
      model.set("example", ((k % n) + n) % n);
      model.save_changes();
      schedule();
    }
    function setShow(s) { model.set("show", s); model.save_changes(); schedule(); }

    showW.addEventListener("click", function () { setShow("weights"); });
    showG.addEventListener("click", function () { setShow("grads"); });
    exPrev.addEventListener("click", function () { setExample(example() - 1); });
    exNext.addEventListener("click", function () { setExample(example() + 1); });
    exInput.addEventListener("change", function () { setExample(parseInt(exInput.value, 10) || 0); });

    function schedule() {  // redraw at most once per animation frame, however many changes arrive
      if (pending || !alive) { return; }
      pending = true;
      (window.requestAnimationFrame || setTimeout)(function () { pending = false; if (alive) { draw(); } });
    }

    function draw() {
      var m = meta(), f = frame(), w = f.weights;
      root.setAttribute("data-step", f.step === undefined ? "" : f.step);
      var show = model.get("show") === "grads" ? "grads" : "weights";
      showW.setAttribute("aria-pressed", show === "weights"); showG.setAttribute("aria-pressed", show === "grads");
      drawStatus(m, f);
      drawCurve(m, f);
      if (!w || !m.sizes) {
        netBox.classList.add("empty");
        detail.textContent = "No step recorded yet: call view.update(loss) after each optimizer step.";
        return;
      }
      netBox.classList.remove("empty");
      var ex = example(), X = m.X || [], hasX = X.length > 0;
      exLabel.style.display = hasX ? "" : "none";
      exInput.max = String(Math.max(0, X.length - 1));
      if (document.activeElement !== exInput) { exInput.value = String(ex); }
      var x = hasX ? X[ex] : [];
      if (!hasX) { for (var i = 0; i < m.sizes[0]; i++) { x.push(0); } }
      var y = hasX && m.y && m.y.length ? m.y[ex] : null;
      var d = model.get("detail");  // x, s, δ, θ' of the example: the engine's, from Python
      if (!d || !d.x) { d = null; }
      var fw = d && d.x ? {x: d.x, s: d.s} : forward(m, w, x);
      var ds = d && d.delta ? d.delta : null;
      drawNet(m, f, fw, ds, show, d);
      drawDetail(m, f, fw, ds, x, y, d);
      drawBoundary(m, w, ex);
      if (enlarged) { showMap(enlarged); }  // the enlarged picture follows the network
    }

    function drawStatus(m, f) {
      status.textContent = "";
      if (f.step === undefined) { h("span", "", status, "waiting for the first step"); return; }
      h("span", "lbl", status, "step ");
      h("b", "ac-step", status, String(f.step));
      h("span", "lbl", status, " loss ");
      V.num(status, f.loss === null ? NaN : f.loss, "ac-loss");
      if (typeof f.accuracy === "number") {
        h("span", "lbl", status, " accuracy ");
        h("b", "ac-acc", status, (100 * f.accuracy).toFixed(1) + "%");
      }
    }

    /* each neuron's activation x_j^(l) over the input plane (2-D inputs), as small pictures:
     * blue > 0, red < 0, as in TensorFlow Playground; a forward pass on a grid, no derivative */
    var THUMB = 20;
    function neuronMaps(m, w) {
      if (!m.bounds || m.sizes[0] !== 2) { return null; }
      var n = THUMB, bx = m.bounds[0], by = m.bounds[1], grid = [];
      for (var r = 0; r < n; r++) {
        var gy = by[0] + (by[1] - by[0]) * r / (n - 1);
        for (var c = 0; c < n; c++) { grid.push(forward(m, w, [bx[0] + (bx[1] - bx[0]) * c / (n - 1), gy]).x); }
      }
      var maps = {};
      for (var l = 1; l < m.sizes.length; l++) {
        for (var j = 1; j <= m.sizes[l]; j++) {
          var vals = grid.map(function (xs) { return xs[l][j - 1]; });
          maps[l + ":" + j] = {n: n, vals: vals};
        }
      }
      return maps;
    }
    function mapURL(mp, scale) {  // the picture, scaled up smoothly (no staircase, no beads)
      var n = mp.n, cv = document.createElement("canvas"); cv.width = n; cv.height = n;
      var c2 = cv.getContext("2d"), img = c2.createImageData(n, n);
      var top = mp.vals.reduce(function (a, v) { return isFinite(v) ? Math.max(a, Math.abs(v)) : a; }, 0) || 1;
      mp.vals.forEach(function (v, k) {
        var r = Math.floor(k / n), c = k % n, at = 4 * ((n - 1 - r) * n + c);
        var rgb = isFinite(v) && v !== 0 ? rgbOf(v > 0 ? "#2166ac" : "#b2182b", 0.1 + 0.85 * Math.abs(v) / top) : [241, 243, 245];
        img.data[at] = rgb[0]; img.data[at + 1] = rgb[1]; img.data[at + 2] = rgb[2]; img.data[at + 3] = 255;
      });
      c2.putImageData(img, 0, 0);
      var big = document.createElement("canvas"); big.width = big.height = n * (scale || 4);
      var bc = big.getContext("2d"); bc.imageSmoothingEnabled = true; bc.drawImage(cv, 0, 0, big.width, big.height);
      return big.toDataURL("image/png");
    }
    var maps = null, enlarged = null;
    var zoomBox = h("div", "ac-map-big", root);
    zoomBox.hidden = true;
    zoomBox.title = "click to close";
    zoomBox.addEventListener("click", function () { enlarged = null; zoomBox.hidden = true; });
    function showMap(id) {
      enlarged = id;
      zoomBox.textContent = "";
      if (!maps || !maps[id]) { zoomBox.hidden = true; return; }
      var p = id.split(":"), cap = h("div", "ac-map-cap", zoomBox);
      mathSpan(cap, "x_" + p[1] + "^(" + p[0] + ") over the input plane (blue > 0, red < 0; click to close)");
      var im = h("img", "", zoomBox);
      im.src = mapURL(maps[id], 14);
      im.alt = "activation of neuron " + id + " over the input plane";
      zoomBox.hidden = false;
    }

    function drawNet(m, f, fw, ds, show, d) {
      var sizes = m.sizes, L = sizes.length - 1, offs = offsets(sizes), vals = show === "grads" ? f.grads : f.weights;
      maps = neuronMaps(m, f.weights);
      var widest = Math.max.apply(null, sizes), rows = widest <= 6;
      var cols = [], edges = [];
      for (var l = 0; l <= L; l++) {
        var nodes = [];
        if (l < L) { nodes.push({id: l + ":0", label: "x_0 = 1", kind: "bias", title: "bias input x_0 = 1"}); }
        for (var j = 1; j <= sizes[l]; j++) {
          var xv = fw.x[l][j - 1], dv = l > 0 && ds ? ds[l - 1][j - 1] : null, name = "x_" + j + "^(" + l + ")";
          var multi = l === L && sizes[L] > 1;
          var node = {id: l + ":" + j, label: l === L && sizes[L] === 1 ? "h = x_1^(" + L + ")" : multi ? "f_" + j : name,
            kind: l === 0 ? "input" : "neuron",
            title: name.replace(/[_^()]/g, "") + " = " + V.full(xv) + (dv === null ? "" : ", δ = " + V.full(dv)) +
              (l > 0 ? " (click for its weights)" : "")};
          if (rows) { node.rows = l === 0 ? [["x", xv]] : (dv === null ? [["x", xv]] : [["x", xv], ["δ", dv]]); }
          if (rows && multi && d && d.p) { node.rows.splice(1, 0, ["p", d.p[j - 1]]); }
          if (maps && l > 0) { node.thumb = mapURL(maps[l + ":" + j]); node.thumbTitle = name.replace(/[_^()]/g, "") +
            " over the input plane (click to enlarge)"; }
          nodes.push(node);
        }
        cols.push({title: l === 0 ? "input" : (l === L ? (sizes[L] > 1 ? "scores f_k" : "h") : "layer " + l) + " · " +
          m.activations[l - 1], nodes: nodes});
      }
      var labels = sizes.slice(1).reduce(function (a, d, k) { return a + d * (sizes[k] + 1); }, 0) <= 16;
      for (var l2 = 1; l2 <= L; l2++) {
        for (var j2 = 1; j2 <= sizes[l2]; j2++) {
          for (var i = 0; i <= sizes[l2 - 1]; i++) {
            var k = wIndex(sizes, offs, l2, i, j2), v = vals[k];
            edges.push({from: (l2 - 1) + ":" + i, to: l2 + ":" + j2, value: v === null ? NaN : v,
              text: labels ? V.fmt(v) : undefined,
              title: wName(i, j2, l2) + " = " + V.full(f.weights[k]) + ", ∂L/∂w = " + V.full(f.grads[k])});
          }
        }
      }
      if (!selected || !/^\d+:\d+$/.test(selected) || +selected.split(":")[0] < 1 || +selected.split(":")[0] > L ||
          +selected.split(":")[1] > sizes[+selected.split(":")[0]]) { selected = L + ":1"; }
      var avail = Math.max(320, netBox.clientWidth - 8), height = Math.max(300, netBox.clientHeight - 8);
      var font = 15, res = V.drawNetwork(net, {columns: cols, edges: edges, focus: selected},
        {font: font, width: avail, height: height, onNodeClick: function (id) { selected = id; draw(); },
          onThumbClick: function (id) { selected = id; draw(); showMap(id); }});
      if (res.scale * font < 10) {  // too many neurons to fit: keep the text readable and scroll
        res = V.drawNetwork(net, {columns: cols, edges: edges, focus: selected},
          {font: font, width: avail * font / 11, zoom: 11 / font, onNodeClick: function (id) { selected = id; draw(); },
            onThumbClick: function (id) { selected = id; draw(); showMap(id); }});
      }
      if (!scrolled && netBox.scrollHeight > netBox.clientHeight) {  // a tall network: start at its middle
        netBox.scrollTop = (netBox.scrollHeight - netBox.clientHeight) / 2;
        scrolled = true;
      }
      // a neuron's fill shows its activation x_j for the chosen example (blue > 0, red < 0)
      for (var l3 = 1; l3 <= L; l3++) {
        for (var j3 = 1; j3 <= sizes[l3]; j3++) {
          var g = res.nodes[l3 + ":" + j3], a = fw.x[l3][j3 - 1];
          if (!g) { continue; }
          var t = Math.min(1, Math.abs(Math.tanh(a))) * 0.45;
          g.querySelector("rect").style.fill = mix(a >= 0 ? "#1c7ed6" : "#e03131", t);
          g.setAttribute("data-x", V.full(a));
          if (selected === l3 + ":" + j3) { g.classList.add("selected"); }
        }
      }
      net.setAttribute("data-show", show);
      legend.textContent = "";
      var custom = m.activations.some(function (a) { return !THETA[a]; });
      if (custom) { h("span", "ac-warn", legend, "A custom θ is drawn as θ(s) = s here (x, δ and the boundary are approximate). "); }
      h("span", "", legend, (show === "grads" ? "edges: gradients ∂L/∂w of this step's loss" : "edges: weights w") +
        " (blue > 0, red < 0, width ∝ |value|) · fill: activation x of the example · click a neuron for its weights and δ");
    }

    function drawDetail(m, f, fw, ds, x, y, d) {
      var sizes = m.sizes, L = sizes.length - 1, offs = offsets(sizes);
      var l = +selected.split(":")[0], j = +selected.split(":")[1], act = m.activations[l - 1];
      detail.textContent = "";
      var title = h("div", "ac-detail-title", detail);
      mathSpan(title, "neuron x_" + j + "^(" + l + ")");
      h("span", "lbl", title, "  θ = " + act + ", θ' = " + ((m.theta_prime_text || {})[act] || "?") + " · example " + example() +
        (y === null ? "" : ", y = " + y));
      var facts = h("div", "ac-detail-facts", detail);
      function fact(name, v, cls) { var s = h("span", "fact", facts); mathSpan(s, name); h("span", "", s, " = "); V.num(s, v, cls); }
      fact("s_" + j + "^(" + l + ")", fw.s[l - 1][j - 1], "ac-s");
      fact("x_" + j + "^(" + l + ")", fw.x[l][j - 1], "ac-x");
      if (d && d.theta_prime) { fact("θ'(s_" + j + "^(" + l + "))", d.theta_prime[l - 1][j - 1], "ac-dtheta"); }
      if (ds) {
        fact("δ_" + j + "^(" + l + ")", ds[l - 1][j - 1], "ac-delta");
        var how = h("div", "ac-detail-formula", detail);
        if (l === L) {
          mathSpan(how, sizes[L] === 1 ? "δ = ∂e/∂s = 2(h − y) θ'(s), e = (h − y)²" :
            "δ_k = ∂e/∂s_k = θ'(s_k)(p_k − y_k), e = −log p_y, p_k = e^{f_k} / Σ_j e^{f_j} (softmax of the scores f_k)");
        } else {
          mathSpan(how, "δ_" + j + "^(" + l + ") = θ'(s_" + j + "^(" + l + ")) Σ_j w_{" + j + "j}^(" + (l + 1) + ") δ_j^(" + (l + 1) +
            ")   (the lecture's δ_i^(l-1) = θ'(s_i^(l-1)) Σ_j w_ij^(l) δ_j^(l))");
        }
      } else if (y === null) {
        h("div", "ac-detail-formula", detail, "δ needs labels: TrainingView(model, X, y)");
      } else {
        h("div", "ac-detail-formula", detail, d === null && m.recorded ? "δ is stored for the first " + m.recorded +
          " examples of a replay" : "δ comes from the engine for θ known by name (tanh, sigmoid, relu, linear)");
      }
      var table = h("table", "ac-detail-table", detail), tr = h("tr", "", h("thead", "", table));
      ["", "weight", "∂L/∂w (step)", "input x_i", "x_i δ_j (example)"].forEach(function (c) { mathSpan(h("th", "", tr), c); });
      var body = h("tbody", "", table);
      for (var i = 0; i <= sizes[l - 1]; i++) {
        var k = wIndex(sizes, offs, l, i, j), row = h("tr", "", body);
        row.setAttribute("data-i", i);
        mathSpan(h("td", "", row), wName(i, j, l));
        V.num(h("td", "", row), f.weights[k], "ac-w");
        V.num(h("td", "", row), f.grads[k] === null ? NaN : f.grads[k], "ac-g");
        var xi = i === 0 ? 1 : fw.x[l - 1][i - 1];
        V.num(h("td", "", row), xi);
        if (ds && d.grad) { V.num(h("td", "", row), d.grad[l - 1][i][j - 1]); } else { h("td", "", row, "–"); }
      }
    }

    function drawCurve(m, f) {
      while (curve.firstChild) { curve.removeChild(curve.firstChild); }
      var c = model.get("curve") || {}, loss = c.loss || [], acc = c.accuracy || [];
      var W = 360, H = 210, x0 = 64, x1 = W - 40, y0 = 16, y1 = H - 34;
      curve.setAttribute("data-points", String(loss.length));
      var finite = loss.filter(function (v) { return typeof v === "number" && isFinite(v); });
      V.el("rect", {x: x0, y: y0, width: x1 - x0, height: y1 - y0, "class": "plot-bg"}, curve);
      var t = V.el("text", {x: x0, y: 11, "class": "axis-title"}, curve); t.textContent = "loss per step";
      if (acc.length) {
        var ta = V.el("text", {x: x1, y: 11, "class": "axis-title acc", "text-anchor": "end"}, curve);
        ta.textContent = "accuracy";
      }
      if (!finite.length) { return; }
      var lo = Math.min.apply(null, finite), hi = Math.max.apply(null, finite);
      var log = lo > 0 && hi / lo > 20, fy;
      if (log) {
        var a = Math.log10(lo), b = Math.log10(hi);
        fy = function (v) { return y1 - (y1 - y0) * (Math.log10(v) - a) / Math.max(1e-12, b - a); };
      } else {
        if (hi === lo) { hi = lo + 1; }
        var l0 = lo >= 0 && lo < 0.25 * (hi - lo) ? 0 : lo - 0.05 * (hi - lo);
        hi += 0.05 * (hi - l0);
        fy = function (v) { return y1 - (y1 - y0) * (v - l0) / (hi - l0); };
        lo = l0;
      }
      var n = loss.length, fx = function (s) { return x0 + (x1 - x0) * (n <= 1 ? 0.5 : (s - 1) / (n - 1)); };
      [lo, hi].forEach(function (v, k) {
        var tt = V.el("text", {x: x0 - 4, y: (k ? y0 + 9 : y1), "text-anchor": "end", "class": "tick"}, curve);
        tt.textContent = V.fmt(v);
      });
      if (log) { var lt = V.el("text", {x: x0 - 4, y: (y0 + y1) / 2, "text-anchor": "end", "class": "tick"}, curve); lt.textContent = "log"; }
      [1, n].forEach(function (s) {
        var tx = V.el("text", {x: fx(s), y: y1 + 14, "text-anchor": "middle", "class": "tick"}, curve);
        tx.textContent = String(s);
      });
      var xt = V.el("text", {x: (x0 + x1) / 2, y: H - 4, "text-anchor": "middle", "class": "axis-title"}, curve);
      xt.textContent = "step";
      var pts = [];
      loss.forEach(function (v, k) {
        if (typeof v === "number" && isFinite(v)) { pts.push(fx(k + 1).toFixed(1) + "," + fy(v).toFixed(1)); }
      });
      V.el("polyline", {points: pts.join(" "), "class": "loss-line"}, curve);
      if (acc.length) {
        var fa = function (v) { return y1 - (y1 - y0) * v; };
        V.el("polyline", {points: acc.map(function (p) { return fx(p[0]).toFixed(1) + "," + fa(p[1]).toFixed(1); }).join(" "),
          "class": "acc-line"}, curve);
        [0, 1].forEach(function (v) {
          var ty = V.el("text", {x: x1 + 4, y: fa(v) + (v ? 9 : 0), "class": "tick acc"}, curve);
          ty.textContent = (100 * v) + "%";
        });
      }
      if (typeof f.step === "number") {
        var sx = fx(f.step);
        V.el("line", {x1: sx, x2: sx, y1: y0, y2: y1, "class": "step-marker"}, curve);
        if (typeof f.loss === "number" && isFinite(f.loss)) {
          V.el("circle", {cx: sx, cy: fy(f.loss), r: 3.5, "class": "step-dot"}, curve);
        }
      }
    }

    function drawBoundary(m, w, ex) {
      while (boundary.firstChild) { boundary.removeChild(boundary.firstChild); }
      if (!m.bounds || m.sizes[0] !== 2) { bdBox.style.display = "none"; return; }
      bdBox.style.display = "";
      var bx = m.bounds[0], by = m.bounds[1], W = 360, pad = 6;
      var H = Math.round(Math.max(200, Math.min(360, (W - 2 * pad) * (by[1] - by[0]) / (bx[1] - bx[0]) + 2 * pad + 14)));
      boundary.setAttribute("viewBox", "0 0 " + W + " " + H);
      var sx = (W - 2 * pad) / (bx[1] - bx[0]), sy = (H - 2 * pad - 14) / (by[1] - by[0]), s = Math.min(sx, sy);
      var pw = (bx[1] - bx[0]) * s, ph = (by[1] - by[0]) * s, ox = (W - pw) / 2, oy = pad + (H - 2 * pad - 14 - ph) / 2;
      var px = function (v) { return ox + (v - bx[0]) * s; }, py = function (v) { return oy + ph - (v - by[0]) * s; };
      var n = Math.max(m.grid, 48), grid = gridOutputs(m, w, n), one = m.sizes[m.sizes.length - 1] === 1;
      var cv = document.createElement("canvas"); cv.width = n; cv.height = n;
      var c2 = cv.getContext("2d"), img = c2.createImageData(n, n);
      var neg = m.classes[0], pos = m.classes[1];
      for (var r = 0; r < n; r++) {
        for (var c = 0; c < n; c++) {
          var o = grid[r][c], rgb;
          if (one) {
            // continuous in h: white on the boundary h = threshold, deeper with |h - threshold|
            var d = o - m.threshold, cls = d > 0 ? pos : neg, mag = Math.tanh(Math.abs(d) * (m.threshold ? 6 : 2.5));
            rgb = rgbOf(CLASS_COLORS[classIndex(m, cls) % CLASS_COLORS.length], 0.6 * mag);
          } else {
            // the argmax class, white where the two best scores are equal: continuous across a boundary
            var best = 0, second = -1;
            for (var q = 1; q < o.length; q++) { if (o[q] > o[best]) { best = q; } }
            for (q = 0; q < o.length; q++) { if (q !== best && (second < 0 || o[q] > o[second])) { second = q; } }
            var margin = second < 0 ? 1 : Math.tanh(2.5 * (o[best] - o[second]));
            rgb = rgbOf(CLASS_COLORS[best % CLASS_COLORS.length], 0.5 * margin);
          }
          var at = 4 * ((n - 1 - r) * n + c);
          img.data[at] = rgb[0]; img.data[at + 1] = rgb[1]; img.data[at + 2] = rgb[2]; img.data[at + 3] = 255;
        }
      }
      c2.putImageData(img, 0, 0);
      // scale up smoothly, so the boundary is not a staircase
      var big = document.createElement("canvas"); big.width = 4 * n; big.height = 4 * n;
      var bc = big.getContext("2d"); bc.imageSmoothingEnabled = true; bc.drawImage(cv, 0, 0, big.width, big.height);
      var half = 0.5 / (n - 1);  // the grid's points are cell centres
      var clip = V.el("clipPath", {id: "ac-field-clip-" + uid}, V.el("defs", {}, boundary));
      V.el("rect", {x: ox, y: oy, width: pw, height: ph}, clip);
      V.el("image", {href: big.toDataURL("image/png"), x: px(bx[0] - half * (bx[1] - bx[0])), y: py(by[1] + half * (by[1] - by[0])),
        width: pw * (1 + 2 * half), height: ph * (1 + 2 * half), preserveAspectRatio: "none", "class": "field",
        "clip-path": "url(#ac-field-clip-" + uid + ")"}, boundary);
      V.el("rect", {x: ox, y: oy, width: pw, height: ph, "class": "frame"}, boundary);
      var X = m.X || [], Y = m.y || [], gPts = V.el("g", {"class": "points"}, boundary);
      X.forEach(function (p, k) {
        var label = Y.length ? Y[k] : null, col = label === null ? "#495057" : CLASS_COLORS[classIndex(m, label) % CLASS_COLORS.length];
        var dot = V.el("circle", {cx: px(p[0]).toFixed(1), cy: py(p[1]).toFixed(1), r: k === ex ? 6 : 3.6, fill: col,
          "class": "pt" + (k === ex ? " chosen" : ""), "data-index": k}, gPts);
        V.el("title", {}, dot).textContent = "example " + k + ": x = (" + V.fmt(p[0]) + ", " + V.fmt(p[1]) + ")" +
          (label === null ? "" : ", y = " + label) + " (click to choose)";
        dot.addEventListener("click", function () { setExample(k); });
      });
      var chosen = gPts.querySelector("circle.chosen");
      if (chosen) { gPts.appendChild(chosen); }  // on top of its neighbours
      var note = V.el("text", {x: W - pad - 2, y: H - 5, "text-anchor": "end", "class": "bd-note"}, boundary);
      note.textContent = one ? "colour: sign of h(x) − " + m.threshold : "colour: argmax class";
    }

    ["meta", "curve", "frame", "detail", "example", "show"].forEach(function (name) { model.on("change:" + name, schedule); });
    var resize = window.ResizeObserver ? new ResizeObserver(schedule) : null;
    if (resize) { resize.observe(netBox); }
    draw();
    return function cleanup() {
      alive = false;
      if (resize) { resize.disconnect(); }
      if (model.off) { ["meta", "curve", "frame", "detail", "example", "show"].forEach(function (name) { model.off("change:" + name, schedule); }); }
    };
  }

  /* ------------------------------------------------------------------------------------------ */

  /* A stand-in for anywidget's model: get/set/on/off/save_changes over a plain object. */
  function localModel(state) {
    var handlers = {};
    return {
      get: function (k) { return state[k]; },
      set: function (k, v) {
        state[k] = v;
        (handlers["change:" + k] || []).slice().forEach(function (cb) { cb(); });
      },
      on: function (evt, cb) { (handlers[evt] = handlers[evt] || []).push(cb); },
      off: function (evt, cb) { handlers[evt] = (handlers[evt] || []).filter(function (x) { return x !== cb; }); },
      save_changes: function () {}
    };
  }

  /* The replay page: the same view, driven by a slider over the recorded frames. */
  function replay(container, data) {
    var frames = data.frames, last = frames.length - 1;
    var meta = data.meta;
    meta.recorded = frames.length && frames[0].details ? frames[0].details.length : 0;
    var model = localModel({meta: meta, curve: data.curve, frame: frames[last] || {}, example: 0, show: "weights",
      detail: null});
    function detailOf(k) {  // the engine's δ and θ' of the chosen example, recorded by Python for this frame
      var fr = frames[k] || {}, ex = model.get("example") || 0;
      return fr.details && fr.details[ex] ? fr.details[ex] : null;
    }
    model.on("change:example", function () { model.set("detail", detailOf(+slider.value)); });
    var bar = h("div", "ac-replay-bar", container);
    var play = h("button", "ac-btn ac-play", bar, "▶ play");
    play.title = "play the recorded steps at the stated rate (space)";
    play.type = "button"; play.id = "ac-play";
    var slider = h("input", "ac-slider", bar);
    slider.type = "range"; slider.id = "ac-slider"; slider.min = "0"; slider.max = String(Math.max(0, last));
    slider.value = String(Math.max(0, last)); slider.setAttribute("aria-label", "recorded step");
    var label = h("span", "ac-replay-label", bar);
    var view = h("div", "ac-replay-view", container);
    render({model: model, el: view});
    // the stated rate: steps per second; playing follows the clock (a slow redraw skips frames, it never slows the replay)
    var interval = Math.max(40, Math.min(250, 8000 / Math.max(1, last))), rate = Math.round(1000 / interval);
    document.body.setAttribute("data-rate", String(rate));
    document.body.setAttribute("data-frame-ms", String(interval));
    var playing = false, raf = null, t0 = 0, k0 = 0;
    function go(k) {
      k = Math.max(0, Math.min(last, k));
      slider.value = String(k);
      label.textContent = "step " + (frames[k] ? frames[k].step : "–") + " of " + data.curve.loss.length;
      document.body.setAttribute("data-frame", String(k));
      model.set("detail", detailOf(k));
      model.set("frame", frames[k] || {});
    }
    function stop() {
      playing = false;
      if (raf !== null) { cancelAnimationFrame(raf); raf = null; }
      play.textContent = "▶ play · " + rate + " frames/s";
    }
    function tick(now) {
      if (!playing) { return; }
      if (!t0) { t0 = now; }
      var k = Math.min(last, k0 + Math.floor((now - t0) / interval));
      if (k !== +slider.value) { go(k); }
      if (k >= last) { stop(); return; }
      raf = requestAnimationFrame(tick);
    }
    slider.addEventListener("input", function () { stop(); go(+slider.value); });
    play.addEventListener("click", function () {
      if (playing) { stop(); return; }
      if (+slider.value >= last) { go(0); }
      playing = true; t0 = 0; k0 = +slider.value;
      play.textContent = "❚❚ pause";
      raf = requestAnimationFrame(tick);
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.target && ev.target.tagName === "INPUT" && ev.target !== slider) { return; }
      if (ev.key === " ") { ev.preventDefault(); play.click(); }
      else if (ev.target !== slider && ev.key === "ArrowRight") { stop(); go(+slider.value + 1); }
      else if (ev.target !== slider && ev.key === "ArrowLeft") { stop(); go(+slider.value - 1); }
    });
    go(last);
    stop();
    return {model: model, go: go};
  }

  var api = {render: render, forward: forward, gridOutputs: gridOutputs, localModel: localModel, replay: replay};

  if (typeof document !== "undefined") {
    var dataEl = document.getElementById("ac-training-data");
    if (dataEl) {
      var start = function () { api.page = replay(document.getElementById("ac-training"), JSON.parse(dataEl.textContent)); };
      if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
    }
  }
  return api;
})();
