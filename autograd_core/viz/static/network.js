/* autograd_core viz: the shared drawing base (numbers, lecture notation, a layered network as SVG,
 * export of an SVG for slides).
 *
 * Format: a plain script with NO import/export. It declares exactly one top-level name, `ACViz`.
 * Inlined in a page's <script> it is a global; concatenated in front of an anywidget `_esm`
 * module (e.g. read_static("network.js") + read_static("widget.js")) it is a module-scoped
 * binding that the module's own code uses. It is strict-mode clean, as ES modules are strict.
 * Other static scripts add to the same object (`ACViz.controls` in controls.js).
 *
 * Stable API (other pages and the training widget rely on these names):
 *   ACViz.fmt(x, digits)    4 (or digits) significant digits ("0.5000", "-1.235e4"); strings pass through
 *   ACViz.full(x)           the full value (shortest round-trip), for title tooltips
 *   ACViz.el(name, attrs, parent)         an SVG element
 *   ACViz.mathText(node, "x_1^(0)")       lecture notation in SVG text (sub/superscripts)
 *   ACViz.mathHTML(node, "w_ij^(l)")      the same in HTML (<sub>, <sup>)
 *   ACViz.num(parent, x, cls)             an HTML <span> showing fmt(x), full value on hover
 *   ACViz.ramp(v, scale, low, high, power) the colour ramp of every drawing (blue > 0, red < 0)
 *   ACViz.drawNetwork(svg, spec, opts)    see below
 *   ACViz.svgMarkup(svg, css)             a standalone SVG document of svg (for export)
 *   ACViz.download(name, text, type)      save text as a file (Blob URL, no network)
 *   ACViz.exportPNG(svg, css, name)       save svg as a PNG (2x)
 *   ACViz.slideMarkup(svg, panel, css)    the drawing and an HTML panel together, as laid out, one SVG
 *   ACViz.pngOf(text, w, h, name)         save an SVG document's text as a PNG (2x)
 *
 * drawNetwork spec:
 *   { columns: [ { title: "layer 1", nodes: [ { id: "1:1", label: "x_1^(1)", kind: "neuron",
 *                   rows: [["s", 0.12], ["x", 0.119]], cls: "focus", title: "..." } ] } ],
 *     edges: [ { from: "0:0", to: "1:1", value: -0.3, text: "0.5 × 0.2", title: "...",
 *                cls: "active", dir: "forward" | "backward", at: 0.3, data: 0.1 } ],
 *     focus: "1:1" }
 *   kinds: "input", "bias" (the constant x_0 = 1, drawn small), "neuron", "loss", "target", "param", "op".
 *   A node's gapBefore (in font sizes) leaves room above it, for the label of an edge inside a column;
 *   its thumb (an image URL, thumbTitle its tooltip) is drawn as a square at the box's right
 *   (opts.onThumbClick(id) on a click).
 *   Only "neuron" nodes are clickable (opts.onNodeClick). An edge's `data` (a number) is kept
 *   as the label's data-value attribute (its full value, for tests and tooltips).
 *   Edge colour and width follow `value` (blue > 0, red < 0); `text` is drawn in a label box at
 *   fraction `at` of the edge; `dir` adds an arrowhead (backward: pointing at `from`).
 * opts: { font: px, width: px, height: px (room to fit into: the drawing is scaled to fit, at most
 *         maxScale = 1.6 times; the height gives way before text falls below minFont px, the width
 *         never does), zoom: 1 (times the fitted size), minGap: px between layers (6 font),
 *         digits: significant digits of the numbers in the boxes (4), onNodeClick: function (id), specs: [every spec this svg will show: sizes are measured over
 *         all of them, so boxes and columns keep their places from one step to the next] }
 *   An edge label sits in the middle of the gap its edge crosses (clear of every box); the labels
 *   of one gap are stacked so that none overlaps another.
 * Returns { width, height, scale, nodes: {id: g}, boxes: {id: {x, y, w, h}} } in screen pixels.
 */
var ACViz = (function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function fmt(x, digits) {
    if (typeof x === "string") { return x; }
    if (typeof x !== "number" || isNaN(x)) { return "nan"; }
    if (!isFinite(x)) { return x > 0 ? "inf" : "-inf"; }
    if (x === 0) { return "0"; }
    // as Python's format(x, "#.4g"): scientific below 1e-4 and from 1e4 on (digits: other than 4)
    var d = digits || 4;
    return (Math.abs(x) < 1e-4 ? x.toExponential(d - 1) : x.toPrecision(d)).replace("e+", "e");
  }

  function full(x) { return String(x); }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    if (attrs) { for (var k in attrs) { if (attrs[k] !== undefined && attrs[k] !== null) { e.setAttribute(k, attrs[k]); } } }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  /* "x_1^(0)", "w_ij^(l)", "δ_1^(4)", "x_0 = 1": base, _sub (up to a space, ^ or _), ^(sup) or ^sup. */
  function parseMath(s) {
    var parts = [], i = 0, buf = "";
    s = String(s);
    function flush() { if (buf) { parts.push(["", buf]); buf = ""; } }
    while (i < s.length) {
      var c = s[i];
      if ((c === "_" || c === "^") && i + 1 < s.length) {
        flush();
        var j = i + 1, t = "";
        if (s[j] === "{") {
          var close = s.indexOf("}", j);
          if (close < 0) { close = s.length; }
          t = s.slice(j + 1, close); j = close + 1;
        } else if (s[j] === "(" && c === "^") {
          var end = s.indexOf(")", j);
          if (end < 0) { end = s.length - 1; }
          t = s.slice(j, end + 1); j = end + 1;
        } else {
          while (j < s.length && /[A-Za-z0-9\u0370-\u03ff]/.test(s[j])) { t += s[j]; j++; }
          if (!t) { buf += c; i++; continue; }
        }
        parts.push([c === "_" ? "sub" : "sup", t]);
        i = j;
      } else { buf += c; i++; }
    }
    flush();
    return parts;
  }

  function mathText(node, s) {
    parseMath(s).forEach(function (p) {
      var t = el("tspan", p[0] ? {"baseline-shift": p[0] === "sub" ? "-0.3em" : "0.45em", "font-size": "72%"} : {}, node);
      t.textContent = p[1];
      if (p[0]) { el("tspan", {"font-size": "0.01%"}, node).textContent = "\u200b"; }  // back to baseline
    });
    return node;
  }

  function mathHTML(node, s) {
    parseMath(s).forEach(function (p) {
      if (p[0]) {
        var e = document.createElement(p[0]);
        e.textContent = p[1];
        node.appendChild(e);
      } else { node.appendChild(document.createTextNode(p[1])); }
    });
    return node;
  }

  function num(parent, x, cls) {
    var span = document.createElement("span");
    span.className = "num" + (cls ? " " + cls : "");
    span.textContent = fmt(x);
    span.title = full(x);
    span.setAttribute("data-value", full(x));
    if (parent) { parent.appendChild(span); }
    return span;
  }

  /* the one colour ramp (as Python's color_ramp): from white towards blue (v > 0) or red (v < 0)
   * with strength low + (high - low) (|v| / scale)^power */
  function ramp(v, scale, low, high, power) {
    var t = low + (high - low) * Math.pow(Math.min(1, Math.abs(v) / scale), power);
    var b = v > 0 ? [33, 102, 172] : [178, 24, 43];
    return "rgb(" + b.map(function (c) { return Math.round(255 + (c - 255) * t); }).join(",") + ")";
  }

  function edgeColor(v, scale) {
    if (typeof v !== "number" || !isFinite(v) || v === 0 || !(scale > 0)) { return "#adb5bd"; }
    return ramp(v, scale, 0.3, 0.95, 1);
  }

  function textWidth(s, f) { return String(s).length * 0.6 * f; }
  function plain(s) { return String(s).replace(/[_^{}]/g, "").replace(/\((\d+|l|L)\)/g, "$1"); }
  function labelBox(text, f) {
    var lines = String(text).split("\n");
    return {lines: lines, w: Math.max.apply(null, lines.map(function (s) { return textWidth(s, f); })) + 0.6 * f,
      h: lines.length * 1.25 * f};
  }

  /* a node's picture (nd.thumb, an image URL): a square as high as its text, at the box's right */
  function thumbSize(nd, f) { return (1 + (nd.rows || []).length) * 1.3 * f; }

  /* the sizes of a drawing, measured over every spec it will show (so nothing moves between
   * steps): box width per column, the bias box width, node heights, and per gap between
   * columns the widest edge label in it */
  function measure(specs, f, digits) {
    var pad = 0.35 * f, first = specs[0], n = first.columns.length;
    var colW = first.columns.map(function () { return 5.5 * f; }), biasW = 3.2 * f;
    var titleW = first.columns.map(function () { return 0; }), gapNeed = [];
    for (var g = 0; g < n - 1; g++) { gapNeed.push(0); }
    specs.forEach(function (spec) {
      var colOf = {};
      spec.columns.forEach(function (c, ci) {
        if (c.title) { titleW[ci] = Math.max(titleW[ci], textWidth(plain(c.title), 1.0 * f)); }
        c.nodes.forEach(function (nd) {
          colOf[nd.id] = ci;
          var w = textWidth(plain(nd.label), f * 1.1) + 2 * pad;
          (nd.rows || []).forEach(function (r) {
            w = Math.max(w, textWidth(plain(r[0]), 0.9 * f) + 0.5 * f + textWidth(fmt(r[1], digits), f) + 2 * pad);
          });
          if (nd.thumb) { w += thumbSize(nd, f) + pad; }
          if (nd.kind === "bias") { biasW = Math.max(biasW, w); } else { colW[ci] = Math.max(colW[ci], w); }
        });
      });
      (spec.edges || []).forEach(function (e) {
        var a = colOf[e.from], b = colOf[e.to];
        if (e.text && a !== undefined && b === a + 1) { gapNeed[a] = Math.max(gapNeed[a], labelBox(e.text, f).w); }
      });
    });
    return {colW: colW, biasW: biasW, titleW: titleW, gapNeed: gapNeed};
  }

  function drawNetwork(svg, spec, opts) {
    opts = opts || {};
    var f = opts.font || 16, zoom = opts.zoom || 1;
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var cols = spec.columns, line = 1.3 * f, pad = 0.35 * f;
    var digits = opts.digits || 4;
    var M = measure(opts.specs && opts.specs.length ? opts.specs : [spec], f, digits);
    var colW = M.colW.slice(), biasW = M.biasW;
    var biasH = line + pad;
    function nodeH(nd) { return nd.kind === "bias" ? biasH : (1 + (nd.rows || []).length) * line + pad; }
    function above(nd) { return (nd.gapBefore || 0) * f; }  // room for a label on an edge inside the column
    function heights(vg) {
      return cols.map(function (c) { return c.nodes.reduce(function (h, nd) { return h + above(nd) + nodeH(nd) + vg; }, -vg); });
    }
    var m = 0.6 * f, titleH = 1.6 * f, vgap = 0.7 * f, n = cols.length;
    var minGap = opts.minGap || 6 * f, maxScale = opts.maxScale || 1.6;
    // a gap holds its widest edge label with 0.5 font sizes to spare on either side
    var need = [];
    for (var gi = 0; gi < n - 1; gi++) { need.push(Math.max(minGap, M.gapNeed[gi] + 0.6 * f)); }
    // a column title may reach into the gaps beside it, up to 0.3 font sizes short of their middle
    cols.forEach(function (c, ci) {
      var left = ci > 0 ? need[ci - 1] : 2 * m, right = ci < n - 1 ? need[ci] : 2 * m;
      var reach = Math.min(left, right) - 0.6 * f;
      colW[ci] = Math.max(colW[ci], M.titleW[ci] - reach);
    });
    var colH = heights(vgap), innerH = Math.max.apply(null, colH);
    var boxesW = colW.reduce(function (a, b) { return a + b; }, 0);
    var needW = need.reduce(function (a, b) { return a + b; }, 0);
    var W = 2 * m + boxesW + needW, H = titleH + innerH + 2 * m;
    var availW = opts.width || 0, availH = opts.height || 0, fit = 1;
    // fit the box; with minFont, keep text at least minFont px high by scrolling vertically (never horizontally)
    if (availW > 0 && availH > 0) { fit = Math.min(availW / W, Math.max(availH / H, (opts.minFont || 0) / f), maxScale); }
    else if (availW > 0) { fit = Math.min(availW / W, 1); }
    // use the room the fitted drawing leaves: wider gaps between layers (up to 14 font sizes), rows spread apart
    var extra = 0;
    if (availW > 0 && n > 1) { extra = Math.max(0, Math.min(14 * f * (n - 1) - needW, availW / fit - W) / (n - 1)); }
    var gaps = need.map(function (g) { return g + Math.max(0, extra); });
    if (availH > 0) {
      var most = Math.max.apply(null, cols.map(function (c) { return c.nodes.length; }));
      vgap += Math.max(0, Math.min(2 * f, (availH / fit - H) / Math.max(1, most)));
      colH = heights(vgap);
      innerH = Math.max.apply(null, colH);
    }
    W = 2 * m + boxesW + gaps.reduce(function (a, b) { return a + b; }, 0);
    H = titleH + innerH + 2 * m;
    var scale = fit * zoom;
    svg.setAttribute("viewBox", "0 0 " + W.toFixed(1) + " " + H.toFixed(1));
    svg.setAttribute("width", Math.floor(W * scale));
    svg.setAttribute("height", Math.floor(H * scale));
    svg.setAttribute("font-size", f);

    var defs = el("defs", {}, svg);
    [["ac-arrow", "#868e96"], ["ac-arrow-active", "#e8590c"], ["ac-arrow-back", "#7048e8"]].forEach(function (mk) {
      var marker = el("marker", {id: mk[0], viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 0.7 * f,
        markerHeight: 0.7 * f, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse"}, defs);
      el("path", {d: "M0,0 L10,5 L0,10 z", fill: mk[1]}, marker);
    });
    var gEdges = el("g", {"class": "edges"}, svg), gNodes = el("g", {"class": "nodes"}, svg);
    var gLabels = el("g", {"class": "edge-labels"}, svg);

    var pos = {}, boxes = {}, colOf = {}, gapMid = [], result = {width: W * scale, height: H * scale, scale: scale,
      nodes: {}, boxes: boxes};
    var colX = m;
    cols.forEach(function (c, ci) {
      var boxW = colW[ci], x = colX, y = titleH + m + (innerH - colH[ci]) / 2;
      if (c.title) {
        var t = el("text", {x: x + boxW / 2, y: m + f, "class": "col-title", "text-anchor": "middle"}, svg);
        mathText(t, c.title);
      }
      c.nodes.forEach(function (nd) {
        var bias = nd.kind === "bias", w = bias ? biasW : boxW, h = nodeH(nd);
        var nx = bias ? x + (boxW - w) : x;
        y += above(nd);
        pos[nd.id] = {x: nx, y: y, w: w, h: h, out: 0, inn: 0, nOut: 0, nIn: 0};
        colOf[nd.id] = ci;
        y += h + vgap;
      });
      colX += boxW;
      if (ci < n - 1) { gapMid.push(colX + gaps[ci] / 2); colX += gaps[ci]; }
    });
    var edges = spec.edges || [], scaleW = 0;
    edges.forEach(function (e) {
      if (pos[e.from]) { pos[e.from].nOut++; }
      if (pos[e.to]) { pos[e.to].nIn++; }
      if (typeof e.value === "number" && isFinite(e.value)) { scaleW = Math.max(scaleW, Math.abs(e.value)); }
    });
    var labels = [];
    edges.forEach(function (e) {
      var a = pos[e.from], b = pos[e.to];
      if (!a || !b) { return; }
      a.out++; b.inn++;
      // spread the ends over the box sides, so edges and their labels do not pile up
      var x1 = a.x + a.w, y1 = a.y + a.h * a.out / (a.nOut + 1);
      var x2 = b.x, y2 = b.y + b.h * b.inn / (b.nIn + 1);
      var within = colOf[e.from] === colOf[e.to];
      if (within) {  // an edge inside a column runs from one box's bottom (or top) to the other's
        x1 = a.x + a.w / 2; x2 = b.x + b.w / 2;
        y1 = b.y > a.y ? a.y + a.h : a.y; y2 = b.y > a.y ? b.y : b.y + b.h;
      }
      var cls = "edge" + (e.cls ? " " + e.cls : "");
      var attrs = {x1: x1, y1: y1, x2: x2, y2: y2, "class": cls, stroke: edgeColor(e.value, scaleW),
        "stroke-width": (0.08 * f + 0.22 * f * (scaleW > 0 && typeof e.value === "number" ? Math.min(1, Math.abs(e.value) / scaleW) : 0)).toFixed(2),
        "data-from": e.from, "data-to": e.to};
      var marker = e.dir ? (e.dir === "backward" ? "url(#ac-arrow-back)" : "url(#ac-arrow-active)") : null;
      if (e.dir === "backward") { attrs["marker-start"] = marker; } else if (e.dir) { attrs["marker-end"] = marker; }
      var lineEl = el("line", attrs, gEdges);
      if (e.title) { el("title", {}, lineEl).textContent = e.title; }
      if (e.text) {
        // in the middle of the gap the edge crosses (clear of every box), else at fraction `at`
        var ca = colOf[e.from], adjacent = colOf[e.to] === ca + 1;
        var lx = adjacent ? gapMid[ca] : x1 + (x2 - x1) * (e.at === undefined || within ? 0.5 : e.at);
        var ly = y1 + (y2 - y1) * (x2 === x1 ? 0.5 : (lx - x1) / (x2 - x1));
        var box = labelBox(e.text, f);
        labels.push({e: e, x: lx, y: ly, w: box.w, h: box.h, lines: box.lines, gap: adjacent ? ca : -1 - labels.length,
          fixed: within});
      }
    });
    // labels of one gap: sorted by height, pushed down where they would overlap, then up from the
    // bottom where the stack would leave the drawing (never into the column titles)
    var lh = 1.25 * f, sep = 0.2 * f, top = titleH + m, bottom = H - 0.2 * f, byGap = {};
    labels.forEach(function (lb) { (byGap[lb.gap] = byGap[lb.gap] || []).push(lb); });
    Object.keys(byGap).forEach(function (key) {
      if (byGap[key][0].fixed) { return; }  // inside a column: in the room left for it between the boxes
      var list = byGap[key].sort(function (p, q) { return p.y - q.y; }), i;
      var total = list.reduce(function (a, lb) { return a + lb.h + sep; }, -sep);
      var mean = list.reduce(function (a, lb) { return a + lb.y; }, 0) / list.length;
      var y = Math.max(top, Math.min(bottom - total, mean - total / 2));  // a centred stack, as a fallback
      var prevBottom = top - sep;
      for (i = 0; i < list.length; i++) {
        list[i].y = Math.max(list[i].y, prevBottom + sep + list[i].h / 2, top + list[i].h / 2);
        prevBottom = list[i].y + list[i].h / 2;
      }
      var limit = bottom;
      for (i = list.length - 1; i >= 0; i--) {
        list[i].y = Math.min(list[i].y, limit - list[i].h / 2);
        limit = list[i].y - list[i].h / 2 - sep;
      }
      if (list[0].y - list[0].h / 2 < top - 0.01) {  // too many to keep near their edges: stack them evenly
        list.forEach(function (lb) { lb.y = y + lb.h / 2; y += lb.h + sep; });
      }
    });
    labels.forEach(function (lb) {
      var g = el("g", {"class": "elabel" + (lb.e.cls ? " " + lb.e.cls : ""), "data-from": lb.e.from, "data-to": lb.e.to,
        "data-value": lb.e.data === undefined ? null : full(lb.e.data)}, gLabels);
      el("rect", {x: lb.x - lb.w / 2, y: lb.y - lb.h / 2, width: lb.w, height: lb.h, rx: 0.25 * f}, g);
      var t = el("text", {x: lb.x, y: lb.y - lb.h / 2 + 0.5 * lh + 0.33 * f, "text-anchor": "middle", "font-size": f}, g);
      lb.lines.forEach(function (line, k) {
        el("tspan", {x: lb.x, dy: k === 0 ? 0 : lh}, t).textContent = line;
      });
      if (lb.e.title) { el("title", {}, g).textContent = lb.e.title; }
    });

    cols.forEach(function (c) {
      c.nodes.forEach(function (nd) {
        var b = pos[nd.id], bias = nd.kind === "bias";
        var g = el("g", {"class": "node " + (nd.kind || "neuron") + (nd.cls ? " " + nd.cls : "") +
          (spec.focus === nd.id ? " focus" : ""), "data-id": nd.id}, gNodes);
        if (nd.title) { el("title", {}, g).textContent = nd.title; }
        el("rect", {x: b.x, y: b.y, width: b.w, height: b.h, rx: bias ? b.h / 2 : 0.4 * f, "class": "box"}, g);
        var ts = nd.thumb ? thumbSize(nd, f) : 0, textW = b.w - (ts ? ts + pad : 0);
        if (ts) {
          var im = el("image", {href: nd.thumb, x: b.x + b.w - pad / 2 - ts, y: b.y + pad / 2, width: ts, height: ts,
            preserveAspectRatio: "none", "class": "thumb"}, g);
          if (nd.thumbTitle) { el("title", {}, im).textContent = nd.thumbTitle; }
          if (opts.onThumbClick) {
            im.addEventListener("click", function (ev) { ev.stopPropagation(); opts.onThumbClick(nd.id); });
          }
        }
        var label = el("text", {x: b.x + textW / 2, y: b.y + pad / 2 + 0.98 * f, "text-anchor": "middle", "class": "label"}, g);
        mathText(label, nd.label);
        (nd.rows || []).forEach(function (r, ri) {
          var ry = b.y + pad / 2 + (ri + 1) * line + 0.98 * f;
          var key = el("text", {x: b.x + pad, y: ry, "class": "key"}, g);
          mathText(key, r[0]);
          var vg = el("g", {"class": "num", "data-key": r[0], "data-value": full(r[1])}, g);
          el("title", {}, vg).textContent = r[0] + " = " + full(r[1]);
          el("text", {x: b.x + textW - pad, y: ry, "text-anchor": "end", "class": "val"}, vg).textContent = fmt(r[1], digits);
        });
        if (opts.onNodeClick && nd.kind === "neuron") {
          g.setAttribute("tabindex", "0");
          g.setAttribute("role", "button");
          g.addEventListener("click", function () { opts.onNodeClick(nd.id); });
          g.addEventListener("keydown", function (ev) {
            if (ev.key === "Enter") { ev.preventDefault(); opts.onNodeClick(nd.id); }
          });
        }
        result.nodes[nd.id] = g;
        boxes[nd.id] = {x: b.x * scale, y: b.y * scale, w: b.w * scale, h: b.h * scale};
      });
    });
    return result;
  }

  function svgMarkup(svg, css) {
    var clone = svg.cloneNode(true);
    clone.setAttribute("xmlns", NS);
    var vb = (svg.getAttribute("viewBox") || "").split(" ");
    if (vb.length === 4) { clone.setAttribute("width", vb[2]); clone.setAttribute("height", vb[3]); }
    var style = document.createElementNS(NS, "style");
    style.textContent = css || "";
    clone.insertBefore(style, clone.firstChild);
    var bg = el("rect", {x: 0, y: 0, width: "100%", height: "100%", fill: "#ffffff"});
    clone.insertBefore(bg, style.nextSibling);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + new XMLSerializer().serializeToString(clone);
  }

  function download(name, data, type) {
    var blob = data instanceof Blob ? data : new Blob([data], {type: type || "image/svg+xml"});
    var url = URL.createObjectURL(blob), a = document.createElement("a");
    a.href = url; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  /* an HTML element's text as SVG <text> elements, word by word where the browser laid it out
   * (font, size, weight and colour as computed), relative to the point (ox, oy) */
  function htmlText(elm, ox, oy) {
    var out = [], walker = document.createTreeWalker(elm, NodeFilter.SHOW_TEXT), t, range = document.createRange();
    while ((t = walker.nextNode())) {
      var cs = getComputedStyle(t.parentNode), re = /\S+/g, m;
      var attrs = 'font-family="' + cs.fontFamily.replace(/"/g, "'") + '" font-size="' + cs.fontSize + '" font-weight="' +
        cs.fontWeight + '" fill="' + cs.color + '"';
      while ((m = re.exec(t.data))) {
        range.setStart(t, m.index);
        range.setEnd(t, m.index + m[0].length);
        var r = range.getBoundingClientRect();
        if (!r.width) { continue; }
        var word = m[0].replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
        out.push('<text x="' + (r.left - ox).toFixed(1) + '" y="' + (r.top - oy + 0.8 * r.height).toFixed(1) + '" ' +
          attrs + ">" + word + "</text>");
      }
    }
    return out.join("\n");
  }

  /* one slide: the drawing and the panel as they sit on the screen, as a standalone SVG document */
  function slideMarkup(svg, panel, css) {
    var a = svg.getBoundingClientRect(), b = panel.getBoundingClientRect(), pad = 12;
    var x0 = Math.min(a.left, b.left) - pad, y0 = Math.min(a.top, b.top) - pad;
    var W = Math.max(a.right, b.right) + pad - x0, H = Math.max(a.bottom, b.bottom) + pad - y0;
    var clone = svg.cloneNode(true);
    clone.setAttribute("x", (a.left - x0).toFixed(1));
    clone.setAttribute("y", (a.top - y0).toFixed(1));
    clone.setAttribute("width", a.width.toFixed(1));
    clone.setAttribute("height", a.height.toFixed(1));
    clone.removeAttribute("xmlns");
    var style = "<style>" + (css || "").replace(/</g, "\\3c ") + "</style>";
    return '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="' + NS + '" width="' + W.toFixed(0) + '" height="' +
      H.toFixed(0) + '" viewBox="0 0 ' + W.toFixed(1) + " " + H.toFixed(1) + '">' + style +
      '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>' + new XMLSerializer().serializeToString(clone) +
      '<g class="panel-text">' + htmlText(panel, x0, y0) + "</g></svg>";
  }

  /* an SVG document's text (of width w, height h) saved as a PNG at twice the size */
  function pngOf(text, w, h, name) {
    var img = new Image();
    img.onload = function () {
      var c = document.createElement("canvas");
      c.width = Math.ceil(2 * w); c.height = Math.ceil(2 * h);
      var ctx = c.getContext("2d");
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0, c.width, c.height);
      c.toBlob(function (b) { if (b) { download(name, b, "image/png"); } }, "image/png");
    };
    img.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(text)));
  }

  function exportPNG(svg, css, name) {
    var vb = (svg.getAttribute("viewBox") || "0 0 800 600").split(" ");
    pngOf(svgMarkup(svg, css), parseFloat(vb[2]), parseFloat(vb[3]), name);
  }

  return {fmt: fmt, full: full, el: el, parseMath: parseMath, mathText: mathText, mathHTML: mathHTML, num: num,
    ramp: ramp, edgeColor: edgeColor, drawNetwork: drawNetwork, measure: measure, svgMarkup: svgMarkup,
    slideMarkup: slideMarkup, pngOf: pngOf, download: download, exportPNG: exportPNG};
})();
