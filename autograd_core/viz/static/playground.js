/* autograd_core viz: the Playground page (docs site, playground/index.html).
 *
 * Python does the work: Pyodide (served next to the page) runs this repository's autograd_core and
 * nn, and nn.playground.Playground holds the data, the model and the training script. This file
 * only draws what it returns and sends the controls' configuration back. Needs network.js (ACViz).
 *
 * window.playground (for tests and embedding):
 *   ready            a Promise, resolved once Python runs and the first frame is drawn
 *   state()          {step, loss, testLoss, config}
 *   train(n)         a Promise of the state after n more mini-batch steps
 *   configure(obj)   new configuration (the URL's keys: data, noise, points, test, features,
 *                    layers, activation, loss, lr, batch, optimizer, seed, compile); returns the state
 *   stats()          {loadMs, pyodideMs, importMs, frames, lightFrames, steps, trainMs, wallMs}: what
 *                    the page measured (ms; frames: full redraws, lightFrames: weights only; wallMs:
 *                    time spent playing, trainMs: the part of it in training steps)
 */
var playground = (function () {
  "use strict";
  var V = ACViz;
  var RES = 20;  // heatmap resolution per neuron (and of the boundary, drawn smoothed)
  var OPTIONS = {
    lr: ["0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3"],
    activation: ["tanh", "sigmoid", "relu"],
    loss: [["square", "square (tanh output)"], ["softmax", "softmax + cross-entropy"]],
    optimizer: [["sgd", "SGD"], ["adam", "Adam"]],
    batch: ["1", "5", "10", "20", "50", "100"],
    datasets: [["moons", "two moons"], ["circles", "circles"], ["xor", "XOR"], ["spiral", "spiral"]],
    features: [["x1", "x_1"], ["x2", "x_2"], ["x1^2", "x_1^2"], ["x2^2", "x_2^2"], ["x1x2", "x_1\u00b7x_2"],
      ["sin_x1", "sin x_1"], ["sin_x2", "sin x_2"]]
  };
  var BRIDGE = [
    "import json, sys",
    "sys.path.insert(0, '/engine')",
    "from nn.playground import Playground, check_config, query",
    "def _json(obj):",
    "    t = json.dumps(obj)",
    "    return t.replace('-Infinity', 'null').replace('Infinity', 'null').replace('NaN', 'null')",
    "_pg = None",
    "def _new(text):",
    "    global _pg",
    "    _pg = Playground(json.loads(text))",
    "    return _json({'data': _pg.data(), 'query': query(_pg.config)})",
    "def _train(n):",
    "    return _pg.advance(n)",
    "def _frame():",
    "    return _json({'state': _pg.state(), 'w': _pg.weights()})",
    "def _weights():",
    "    return _json({'step': _pg.step, 'w': _pg.weights()})",
    "def _grids(res):",
    "    return _pg.grids(res)",
    "def _neuron(k):",
    "    return _json(_pg.neuron_steps(k))",
    "def _lecture(k):",
    "    return _pg.lecture_page(k)",
    "def _code():",
    "    return _pg.code()",
    "def _defaults(text):",
    "    return _json(check_config(json.loads(text)))"
  ].join("\n");

  var py = null, fn = {}, data = null, frameData = null, config = null;
  var playing = false, selected = null, example = 0, history = [], lastDetail = 0;
  var stats = {loadMs: null, pyodideMs: null, importMs: null, frames: 0, lightFrames: 0, steps: 0, trainMs: 0, wallMs: 0, wallBefore: 0};
  var net = null;  // the drawn network: {edges: [...], canvases: [...], boxes: {...}}
  var readyResolve, readyReject;
  var ready = new Promise(function (res, rej) { readyResolve = res; readyReject = rej; });
  var $ = function (id) { return document.getElementById(id); };

  function status(text, bad) { var s = $("status"); s.textContent = text; s.className = bad ? "bad" : ""; }

  /* ---------- Python calls ---------- */
  function call(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    return fn[name].apply(null, args);
  }
  function callJSON(name, arg) { return JSON.parse(arg === undefined ? call(name) : call(name, arg)); }

  function build(cfg) {
    var made = callJSON("_new", JSON.stringify(cfg));
    data = made.data;
    history = [];
    window.history.replaceState(null, "", "?" + made.query);
    frameData = callJSON("_frame");
    config = frameData.state.config;
    if (example >= data.train.length) { example = 0; }
    if (selected && (selected[0] > config.layers.length + 1 || selected[1] > layerSizes()[selected[0]])) { selected = null; }
    syncControls();
    drawNetwork();
    var code = $("code-panel");
    if (code.open) { $("code").textContent = call("_code"); }
    record();
    draw(true);
  }

  function layerSizes() { return [config.features.length].concat(config.layers, [config.loss === "square" ? 1 : 2]); }

  function record() {
    var s = frameData.state;
    if (!history.length || history[history.length - 1][0] !== s.step) { history.push([s.step, s.loss, s.testLoss]); }
  }

  function refresh() {
    frameData = callJSON("_frame");
    record();
  }

  /* ---------- controls ---------- */
  function fillSelect(id, items) {
    var sel = $(id);
    items.forEach(function (it) {
      var o = document.createElement("option");
      o.value = Array.isArray(it) ? it[0] : it;
      o.textContent = Array.isArray(it) ? it[1] : it;
      sel.appendChild(o);
    });
    sel.addEventListener("change", function () { change(id, sel.value); });
  }

  function choiceButtons(id, items, onClick) {
    var box = $(id);
    items.forEach(function (it) {
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("data-value", it[0]);
      V.mathHTML(b, it[1]);
      b.addEventListener("click", function () { onClick(it[0]); });
      box.appendChild(b);
    });
  }

  function setupControls() {
    ["lr", "activation", "loss", "optimizer", "batch"].forEach(function (k) { fillSelect(k, OPTIONS[k]); });
    choiceButtons("datasets", OPTIONS.datasets, function (v) { change("data", v); });
    choiceButtons("features", OPTIONS.features, function (v) {
      var f = config.features.slice(), i = f.indexOf(v);
      if (i >= 0) { if (f.length > 1) { f.splice(i, 1); } } else { f.push(v); }
      change("features", f);
    });
    ["noise", "points", "test", "seed"].forEach(function (k) {
      var input = $(k);
      input.addEventListener("input", function () { $(k + "-out").textContent = input.value; });
      input.addEventListener("change", function () { change(k, Number(input.value)); });
    });
    $("btn-add-layer").addEventListener("click", function () {
      if (config.layers.length < 5) { change("layers", config.layers.concat([4])); }
    });
    $("btn-remove-layer").addEventListener("click", function () {
      if (config.layers.length) { change("layers", config.layers.slice(0, -1)); }
    });
    $("btn-play").addEventListener("click", function () { setPlaying(!playing); });
    $("btn-step").addEventListener("click", function () { api.train(1); });
    $("btn-reset").addEventListener("click", function () { if (py) { build(config); } });
    $("boundary").addEventListener("click", pickExample);
    $("show-test").addEventListener("change", function () { draw(true); });
    $("btn-lecture").addEventListener("click", openLecture);
    $("code-panel").addEventListener("toggle", function () {
      if ($("code-panel").open && py) { $("code").textContent = call("_code"); }
    });
    $("copy-code").addEventListener("click", copyCode);
    document.addEventListener("keydown", function (ev) {
      if (ev.target && /^(INPUT|SELECT|TEXTAREA)$/.test(ev.target.tagName)) { return; }
      if (ev.key === " ") { ev.preventDefault(); setPlaying(!playing); }
      if (ev.key === "ArrowRight") { api.train(1); }
    });
  }

  function change(key, value) {
    var cfg = {};
    cfg[key] = value;
    api.configure(cfg);
  }

  function syncControls() {
    ["lr", "activation", "loss", "optimizer", "batch"].forEach(function (k) {
      var sel = $(k), v = String(config[k]);
      if (!Array.prototype.some.call(sel.options, function (o) { return o.value === v; })) {
        var o = document.createElement("option"); o.value = v; o.textContent = v; sel.appendChild(o);
      }
      sel.value = v;
    });
    ["noise", "points", "test", "seed"].forEach(function (k) { $(k).value = config[k]; $(k + "-out").textContent = config[k]; });
    Array.prototype.forEach.call($("datasets").children, function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-value") === config.data));
    });
    Array.prototype.forEach.call($("features").children, function (b) {
      b.setAttribute("aria-pressed", String(config.features.indexOf(b.getAttribute("data-value")) >= 0));
    });
    $("arch").textContent = layerSizes().join("-") + " " + config.activation;
    $("btn-lecture").disabled = config.loss !== "square";
    $("btn-lecture").title = config.loss === "square" ? "The lecture page: forward, δ recursion and the SGD step for this network and example"
      : "The lecture page follows the square loss: choose it under Loss";
  }

  var playStart = 0;
  function setPlaying(on) {
    if (on && !playing) { playStart = performance.now(); stats.wallBefore = stats.wallMs; }
    playing = on && !!py;
    $("btn-play").innerHTML = playing ? "&#x23F8; Pause" : "&#x25B6; Play";
    $("btn-play").setAttribute("aria-pressed", String(playing));
  }

  /* ---------- the network ---------- */
  function featureLabel(name) {
    var f = OPTIONS.features.filter(function (it) { return it[0] === name; })[0];
    return f ? f[1] : name;
  }

  function drawNetwork() {
    var svg = $("net"), stage = $("net-stage");
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    Array.prototype.slice.call(stage.querySelectorAll("canvas, .col-buttons")).forEach(function (c) { c.remove(); });
    var sizes = layerSizes(), L = sizes.length - 1;
    var W = Math.max(320, stage.clientWidth), most = Math.max.apply(null, sizes);
    var top = 48, S = Math.max(22, Math.min(44, Math.floor((Math.max(340, 0.5 * window.innerHeight) - top - 30) / (most + 1) - 8)));
    var gap = Math.max(6, Math.min(16, S / 3));
    var H = top + (most + 1) * (S + gap) + 10;
    svg.setAttribute("width", W); svg.setAttribute("height", H);
    stage.style.height = H + "px";
    var left = 62, right = 16, colX = sizes.map(function (_, l) { return left + (W - left - right - S) * l / L; });
    var pos = sizes.map(function (n, l) {  // node l, j (j = 0: the bias, j >= 1: neurons)
      var ys = [];
      var y0 = top + (most - n) * (S + gap) / 2;
      for (var j = 0; j <= n; j++) { ys.push(j === 0 ? y0 + S * 0.15 : y0 + j * (S + gap)); }
      return ys;
    });
    net = {edges: [], canvases: [], boxes: {}, S: S};
    var edgeG = V.el("g", {"class": "edges"}, svg), nodeG = V.el("g", {"class": "nodes"}, svg);
    for (var l = 1; l <= L; l++) {
      for (var j = 1; j <= sizes[l]; j++) {
        for (var i = 0; i <= sizes[l - 1]; i++) {
          var x1 = i === 0 ? colX[l - 1] + S / 2 + 7 : colX[l - 1] + S, y1 = i === 0 ? pos[l - 1][0] + 7 : pos[l - 1][i] + S / 2;
          var x2 = colX[l], y2 = pos[l][j] + S / 2, mx = (x1 + x2) / 2;
          var p = V.el("path", {d: "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2,
            fill: "none", "class": "edge"}, edgeG);
          V.el("title", {}, p);
          net.edges.push({el: p, l: l, i: i, j: j});
        }
      }
    }
    sizes.forEach(function (n, l) {
      if (l < L) {
        var b = V.el("g", {"class": "bias"}, nodeG);
        V.el("circle", {cx: colX[l] + S / 2, cy: pos[l][0] + 7, r: 7}, b);
        V.el("text", {x: colX[l] + S / 2, y: pos[l][0] + 11, "text-anchor": "middle"}, b).textContent = "1";
        V.el("title", {}, b).textContent = "x_0 = 1, the bias input of layer " + (l + 1);
      }
      var label = V.el("text", {x: colX[l] + S / 2, y: top - 26, "text-anchor": "middle", "class": "col-title"}, nodeG);
      label.textContent = l === 0 ? "input" : l === L ? "output" : "layer " + l;
      for (var j = 1; j <= n; j++) {
        var id = l + ":" + j, g = V.el("g", {"class": l === 0 ? "node input" : "node neuron", "data-id": id}, nodeG);
        V.el("rect", {x: colX[l] - 3, y: pos[l][j] - 3, width: S + 6, height: S + 6, rx: 4}, g);
        var name = l === 0 ? featureLabel(config.features[j - 1]) + " = x_" + j + "^(0)" : "x_" + j + "^(" + l + ")";
        V.el("title", {}, g).textContent = name + (l > 0 ? ": click for s, x, δ" : "");
        if (l === 0) {
          V.mathText(V.el("text", {x: colX[l] - 6, y: pos[l][j] + S / 2 + 4, "text-anchor": "end", "class": "feat"}, nodeG),
            featureLabel(config.features[j - 1]));
        } else {
          g.setAttribute("tabindex", "0");
          g.setAttribute("role", "button");
          (function (l, j) {
            g.addEventListener("click", function () { selectNeuron(l, j); });
            g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { selectNeuron(l, j); } });
          })(l, j);
        }
        net.boxes[id] = {x: colX[l], y: pos[l][j]};
        var c = document.createElement("canvas");
        c.width = RES; c.height = RES;
        c.style.left = colX[l] + "px"; c.style.top = pos[l][j] + "px";
        c.style.width = S + "px"; c.style.height = S + "px";
        c.setAttribute("data-id", id);
        stage.appendChild(c);
        net.canvases.push(c);
      }
      if (l > 0 && l < L) {
        var box = document.createElement("div");
        box.className = "col-buttons";
        box.style.left = (colX[l] + S / 2 - 26) + "px";
        box.style.top = (top - 40) + "px";
        [["+", 1, "Add a neuron to layer "], ["\u2212", -1, "Remove a neuron from layer "]].forEach(function (d) {
          var b = document.createElement("button");
          b.type = "button"; b.textContent = d[0]; b.title = d[2] + l;
          b.setAttribute("data-layer", String(l)); b.setAttribute("data-delta", String(d[1]));
          b.addEventListener("click", function () {
            var layers = config.layers.slice(), n = layers[l - 1] + d[1];
            if (n >= 1 && n <= 8) { layers[l - 1] = n; change("layers", layers); }
          });
          box.appendChild(b);
        });
        stage.appendChild(box);
        label.textContent = "";
      }
    });
    markSelected();
  }

  function updateEdges() {
    var w = frameData.w, most = 1e-9;
    w.forEach(function (layer) { layer.forEach(function (row) { row.forEach(function (v) { if (v !== null) { most = Math.max(most, Math.abs(v)); } }); }); });
    net.edges.forEach(function (e) {
      var v = w[e.l - 1][e.i][e.j - 1];
      var ok = typeof v === "number" && isFinite(v);
      e.el.setAttribute("stroke", ok && v !== 0 ? V.ramp(v, most, 0.25, 0.95, 1) : "#adb5bd");
      e.el.setAttribute("stroke-width", ok ? (0.6 + 4 * Math.min(1, Math.abs(v) / most)).toFixed(2) : 1);
      e.el.firstChild.textContent = "w_" + e.i + "," + e.j + "^(" + e.l + ") = " + (ok ? V.full(v) : "nan");
    });
  }

  var POS = [33, 102, 172], NEG = [230, 119, 0];
  function paint(ctx, values, offset, res, scale) {
    var img = ctx.createImageData(res, res), d = img.data;
    for (var i = 0; i < res * res; i++) {
      var v = values[offset + i] / scale;
      if (!(v === v)) { v = 0; }
      var t = Math.min(1, Math.abs(v)) * 0.85, b = v > 0 ? POS : NEG;
      d[4 * i] = 255 + (b[0] - 255) * t; d[4 * i + 1] = 255 + (b[1] - 255) * t; d[4 * i + 2] = 255 + (b[2] - 255) * t;
      d[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  function centered(values, offset, n, act) {  // a neuron's map as values in [-1, 1]
    if (act === "tanh") { return 1; }
    var most = 1e-9;
    for (var i = 0; i < n; i++) { most = Math.max(most, Math.abs(values[offset + i])); }
    return most;
  }

  function drawGrids() {
    var proxy = call("_grids", RES), bytes = proxy.toJs();
    proxy.destroy();
    var values = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8), n = RES * RES;
    var sizes = layerSizes(), offset = 0;
    net.canvases.forEach(function (c) {  // inputs, then each layer, in the order grids() packs them
      var l = Number(c.getAttribute("data-id").split(":")[0]), ctx = c.getContext("2d");
      var act = l === 0 ? "input" : l === sizes.length - 1 ? (config.loss === "square" ? "tanh" : "linear") : config.activation;
      paint(ctx, values, offset, RES, centered(values, offset, n, act));
      offset += n;
    });
    drawBoundary(values, offset);
  }

  function drawBoundary(values, offset) {
    var canvas = $("boundary"), ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
    var small = document.createElement("canvas");
    small.width = RES; small.height = RES;
    paint(small.getContext("2d"), values, offset, RES, 1);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, W, H);
    var ext = data.extent;
    function px(p) { return [(p[0] - ext[0]) / (ext[1] - ext[0]) * W, (ext[3] - p[1]) / (ext[3] - ext[2]) * H]; }
    var sets = [["train", data.train]];
    if ($("show-test").checked) { sets.push(["test", data.test]); }
    sets.forEach(function (s) {
      s[1].forEach(function (p) {
        var q = px(p);
        ctx.beginPath();
        ctx.arc(q[0], q[1], 3.2, 0, 2 * Math.PI);
        ctx.fillStyle = p[2] === 1 ? "rgb(33,102,172)" : "rgb(230,119,0)";
        ctx.fill();
        ctx.lineWidth = s[0] === "test" ? 1.6 : 0.8;
        ctx.strokeStyle = s[0] === "test" ? "#000" : "#fff";
        ctx.stroke();
      });
    });
    var e = data.train[example];
    if (e) {
      var q = px(e);
      ctx.beginPath(); ctx.arc(q[0], q[1], 7, 0, 2 * Math.PI);
      ctx.lineWidth = 2.5; ctx.strokeStyle = "#e8590c"; ctx.stroke();
    }
  }

  function pickExample(ev) {
    if (!data) { return; }
    var canvas = $("boundary"), r = canvas.getBoundingClientRect(), ext = data.extent;
    var x = ext[0] + (ev.clientX - r.left) / r.width * (ext[1] - ext[0]);
    var y = ext[3] - (ev.clientY - r.top) / r.height * (ext[3] - ext[2]);
    var best = 0, bd = Infinity;
    data.train.forEach(function (p, i) {
      var d = (p[0] - x) * (p[0] - x) + (p[1] - y) * (p[1] - y);
      if (d < bd) { bd = d; best = i; }
    });
    example = best;
    draw(true);
  }

  function drawCurve() {
    var c = $("curve"), ctx = c.getContext("2d"), W = c.width, H = c.height;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    if (!history.length) { return; }
    var most = 1e-9, last = Math.max(1, history[history.length - 1][0]);
    history.forEach(function (h) { [h[1], h[2]].forEach(function (v) { if (typeof v === "number" && isFinite(v)) { most = Math.max(most, v); } }); });
    [[1, "#212529", []], [2, "#868e96", [4, 3]]].forEach(function (s) {
      ctx.beginPath(); ctx.setLineDash(s[2]); ctx.strokeStyle = s[1]; ctx.lineWidth = 1.5;
      history.forEach(function (h, n) {
        var v = h[s[0]], x = h[0] / last * (W - 4) + 2, y = H - 2 - (typeof v === "number" ? v : most) / most * (H - 14);
        if (n === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
      });
      ctx.stroke();
    });
    ctx.setLineDash([]);
    ctx.fillStyle = "#5c636a"; ctx.font = "11px sans-serif";
    ctx.fillText("max " + V.fmt(most) + "  (train solid, test dashed)", 4, 11);
  }

  /* ---------- one neuron, one example: s, x, δ ---------- */
  function selectNeuron(l, j) {
    selected = [l, j];
    markSelected();
    showNeuron();
  }

  function markSelected() {
    Array.prototype.forEach.call(document.querySelectorAll("#net .node"), function (g) {
      g.classList.toggle("selected", !!selected && g.getAttribute("data-id") === selected[0] + ":" + selected[1]);
    });
  }

  /* θ'(s) as the lecture writes it (st.theta, from autograd_core.viz.lecture.THETA: "1 − (x)²",
   * "x(1 − x)", "[s > 0]", "1"), with the neuron's numbers put in for x and s */
  function thetaPrime(formula, s, x) {
    return "(" + formula.replace(/\bx\b/g, V.fmt(x)).replace(/\bs\b/g, V.fmt(s)) + ")";
  }

  function line(parent, parts) {  // parts: strings in lecture notation, or numbers
    var p = document.createElement("p");
    p.className = "formula";
    parts.forEach(function (part) { if (typeof part === "number") { V.num(p, part); } else { V.mathHTML(p, part); } });
    parent.appendChild(p);
    return p;
  }

  function showNeuron() {
    if (!selected || !py) { return; }
    var st = callJSON("_neuron", example), l = selected[0], j = selected[1], L = st.s.length;
    var box = $("neuron-text");
    box.textContent = "";
    var act = st.activations[l - 1], s = st.s[l - 1][j - 1], x = st.x[l][j - 1], d = st.delta[l - 1][j - 1];
    var head = document.createElement("p");
    var pt = data.train[example];
    V.mathHTML(head, "Training example " + example + ": point (" + V.fmt(pt[0]) + ", " + V.fmt(pt[1]) + "), x^(0) = (" +
      st.x[0].map(V.fmt).join(", ") + "), y = " + V.fmt(st.y) + ", loss e = " + V.fmt(st.e) + ". Neuron x_" + j + "^(" + l + "), θ = " + act + ":");
    box.appendChild(head);
    box.setAttribute("data-neuron", l + ":" + j);
    box.setAttribute("data-delta", V.full(d));
    var terms = ["s_" + j + "^(" + l + ") = Σ_i w_i" + j + "^(" + l + ") x_i^(" + (l - 1) + ") = " + V.fmt(st.w[l - 1][0][j - 1]) + " × 1"];
    st.x[l - 1].forEach(function (xi, i) { terms.push(" + " + V.fmt(st.w[l - 1][i + 1][j - 1]) + " × " + V.fmt(xi)); });
    terms.push(" = ");
    line(box, terms.concat([s])).setAttribute("data-s", V.full(s));
    line(box, ["x_" + j + "^(" + l + ") = θ(s_" + j + "^(" + l + ")) = ", x]).setAttribute("data-x", V.full(x));
    var dl = "δ_" + j + "^(" + l + ")";
    var tp = thetaPrime(st.theta[act][1], s, x);
    var rec;
    if (l === L && st.loss === "square") {
      rec = line(box, [dl + " = 2(x_1^(" + L + ") − y) θ'(s_1^(" + L + ")) = 2 × (" + V.fmt(x) + " − (" + V.fmt(st.y) + ")) × " + tp + " = ", d]);
    } else if (l === L) {
      var p = st.p[j - 1], yk = j === 2 ? st.y : 1 - st.y;
      rec = line(box, [dl + " = p_" + j + " − y_" + j + " = " + V.fmt(p) + " − " + V.fmt(yk) + " = ", d]);
    } else {
      var sum = [dl + " = θ'(s_" + j + "^(" + l + ")) Σ_k w_" + j + "k^(" + (l + 1) + ") δ_k^(" + (l + 1) + ") = " + tp + " × ("];
      st.delta[l].forEach(function (dk, k) {
        sum.push((k ? " + " : "") + V.fmt(st.w[l][j][k]) + " × " + V.fmt(dk));
      });
      sum.push(") = ");
      rec = line(box, sum.concat([d]));
    }
    rec.setAttribute("data-delta", V.full(d));
    rec.className += " recursion";
    var g = ["∂e/∂w_ij^(" + l + ") = x_i^(" + (l - 1) + ") " + dl + ": "];
    [1].concat(st.x[l - 1]).forEach(function (xi, i) { g.push((i ? ", " : "") + "w_" + i + j + " → " + V.fmt(xi * d)); });
    line(box, g);
  }

  function openLecture() {
    if (!py || config.loss !== "square") { return; }
    var html = call("_lecture", example);
    var url = URL.createObjectURL(new Blob([html], {type: "text/html"}));
    window.open(url, "_blank");
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function copyCode(ev) {
    ev.preventDefault();
    ev.stopPropagation();
    if (!py) { return; }
    var text = call("_code");
    $("code").textContent = text;
    var done = function () { $("copy-code").textContent = "copied"; setTimeout(function () { $("copy-code").textContent = "copy"; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { selectCode(); });
    } else { selectCode(); }
  }

  function selectCode() {
    $("code-panel").open = true;
    var r = document.createRange();
    r.selectNodeContents($("code"));
    var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
    $("copy-code").textContent = "selected: Ctrl+C";
  }

  /* ---------- frames ---------- */
  function draw(all) {  // everything: losses, edges, heatmaps, curve, the neuron panel
    var s = frameData.state;
    $("step-counter").textContent = "step " + s.step;
    $("loss-train").textContent = V.fmt(s.loss === null ? NaN : s.loss);
    $("loss-test").textContent = V.fmt(s.testLoss === null ? NaN : s.testLoss);
    updateEdges();
    drawGrids();
    drawCurve();
    stats.frames++;
    var now = performance.now();
    if (selected && (all || !playing || now - lastDetail > 400)) { lastDetail = now; showNeuron(); }
  }

  /* While playing, each animation frame trains for `budget` ms and redraws the weights; the
   * losses, heatmaps and boundary (a forward pass over the data and the grid) every HEAVY ms.
   * The budget follows the drawing's cost, so training keeps about a third of the time. */
  var budget = 12, HEAVY = 100, lastHeavy = 0;
  function loop() {
    if (playing) {
      var t0 = performance.now(), t1 = t0;
      try {
        do { call("_train", 1); stats.steps++; } while ((t1 = performance.now()) - t0 < budget);
        stats.trainMs += t1 - t0;
        if (t0 - lastHeavy > HEAVY) {
          refresh();
          draw(false);
          lastHeavy = performance.now();
        } else {
          var light = callJSON("_weights");
          frameData.w = light.w;
          $("step-counter").textContent = "step " + light.step;
          updateEdges();
          stats.lightFrames++;
        }
      } catch (e) { setPlaying(false); status(String(e.message || e).split("\n").slice(-2).join(" "), true); }
      var t2 = performance.now();
      budget = Math.min(40, Math.max(8, 0.7 * budget + 0.15 * (t2 - t1)));
      stats.wallMs = t2 - playStart + stats.wallBefore;
    }
    requestAnimationFrame(loop);
  }

  /* ---------- start ---------- */
  function urlConfig() {
    var cfg = {};
    new URLSearchParams(location.search).forEach(function (v, k) { cfg[k] = v; });
    return cfg;
  }

  function start() {
    var t0 = performance.now();
    setupControls();
    if (typeof loadPyodide !== "function") {
      status("Pyodide is missing next to this page: build the site with `npm ci && mkdocs build`.", true);
      readyReject(new Error("pyodide missing"));
      return;
    }
    var engine = fetch("engine.zip").then(function (r) { return r.arrayBuffer(); });
    loadPyodide({indexURL: new URL("pyodide/", location.href).href}).then(function (p) {
      py = p;
      stats.pyodideMs = performance.now() - t0;
      return engine;
    }).then(function (buf) {
      py.unpackArchive(buf, "zip", {extractDir: "/engine"});
      py.runPython(BRIDGE);
      stats.importMs = performance.now() - t0 - stats.pyodideMs;
      ["_new", "_train", "_frame", "_weights", "_grids", "_neuron", "_lecture", "_code", "_defaults"].forEach(function (n) { fn[n] = py.globals.get(n); });
      var cfg = urlConfig();
      try { callJSON("_defaults", JSON.stringify(cfg)); } catch (e) {
        status("The address's configuration was not understood; using the defaults. " + String(e.message).split("\n").slice(-2).join(" "), true);
        cfg = {};
      }
      build(cfg);
      $("btn-play").disabled = false; $("btn-step").disabled = false;
      stats.loadMs = performance.now() - t0;
      if (!$("status").classList.contains("bad")) { status("Python " + py.version + " ready in " + (stats.loadMs / 1000).toFixed(1) + " s"); }
      document.body.setAttribute("data-ready", "1");
      requestAnimationFrame(loop);
      readyResolve(api.state());
    }).catch(function (e) {
      status("Could not start Python: " + (e && e.message ? e.message : e), true);
      readyReject(e);
    });
  }

  var api = {
    ready: ready,
    state: function () { return fn._frame && config ? callJSON("_frame").state : null; },
    train: function (n) {
      return ready.then(function () {
        var left = n === undefined ? 1 : n, chunk = Math.max(1, Math.ceil(left / 25));
        while (left > 0) {  // the loss curve gets a point every chunk
          var k = Math.min(chunk, left);
          call("_train", k);
          stats.steps += k;
          left -= k;
          refresh();
        }
        draw(true);
        return api.state();
      });
    },
    configure: function (obj) {
      if (!py) { throw new Error("playground.configure: Python is not ready yet (await playground.ready)"); }
      var cfg = Object.assign({}, config, obj || {});
      try { callJSON("_defaults", JSON.stringify(cfg)); } catch (e) {
        var msg = String(e.message || e).split("\n").filter(Boolean).slice(-1)[0];
        status(msg, true);
        throw new Error(msg);
      }
      build(cfg);
      status("step 0: " + Object.keys(obj || {}).join(", ") + " changed");
      return api.state();
    },
    stats: function () { return Object.assign({}, stats); },
    select: function (l, j, k) { if (k !== undefined) { example = k; } selectNeuron(l, j); }
  };
  ready.catch(function () { /* reported on the page */ });
  window.addEventListener("load", start);
  return api;
})();
window.playground = playground;
