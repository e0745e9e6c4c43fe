/* autograd_core viz: the view controls every page shares (fit, zoom, presentation mode, export),
 * and the playback of the step pages (ACViz.player, below).
 * Needs network.js first (adds ACViz.controls to the same object; same plain-script format).
 *
 *   var view = ACViz.controls({bar: element, redraw: function () {...}, svg: function () { return svgEl; },
 *                              name: function () { return "step-3"; },
 *                              slide: function () { return [svgEl, panelEl]; }});  // optional: save both
 *   view.zoom     1 = the page's own fit (readable text, never wider than the window); -/+ step it
 *   view.fitAll   true after Fit (key 0): the whole drawing in the window, however small its text
 *   view.font     the on-screen text size in px: 16, or 21 in presentation mode
 * Keys: + / - zoom, 0 fit, p presentation mode, s save SVG, i save PNG.
 */
ACViz.controls = function (opts) {
  "use strict";
  var state = {zoom: 1, fitAll: false, present: document.body.classList.contains("present"), font: 16};
  var ZOOMS = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3];
  function css() { var s = document.getElementById("ac-css"); return s ? s.textContent : ""; }
  function button(id, text, title, f) {
    var b = document.createElement("button");
    b.id = id; b.textContent = text; b.title = title; b.type = "button";
    b.addEventListener("click", function () { f(); b.blur(); });
    opts.bar.appendChild(b);
    return b;
  }
  var zoomLabel;
  function apply() {
    state.font = state.present ? 21 : 16;
    document.body.classList.toggle("present", state.present);
    document.body.setAttribute("data-zoom", String(state.zoom));
    if (zoomLabel) { zoomLabel.textContent = state.fitAll ? "all" : state.zoom === 1 ? "auto" : Math.round(state.zoom * 100) + "%"; }
    if (bPresent) { bPresent.setAttribute("aria-pressed", state.present ? "true" : "false"); }
    opts.redraw();
  }
  function setZoom(z, all) { state.zoom = z; state.fitAll = !!all; apply(); }
  function step(dir) {
    var i = ZOOMS.indexOf(state.zoom);
    if (i < 0) { i = 3; }
    setZoom(ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, i + dir))]);
  }
  /* the step as a slide: the drawing with the step's panel (opts.slide() -> [svg, panel]), or the drawing alone */
  function slide() { return opts.slide ? opts.slide() : null; }
  function svgText() {
    var parts = slide();
    return parts ? ACViz.slideMarkup(parts[0], parts[1], css()) : ACViz.svgMarkup(opts.svg(), css());
  }
  function saveSVG() { ACViz.download(opts.name() + ".svg", svgText(), "image/svg+xml"); }
  function savePNG() {
    var text = svgText(), m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(text);
    if (m) { ACViz.pngOf(text, parseFloat(m[1]), parseFloat(m[2]), opts.name() + ".png"); }
    else { ACViz.exportPNG(opts.svg(), css(), opts.name() + ".png"); }
  }
  var group = document.createElement("span");
  group.className = "view-controls";
  opts.bar.appendChild(group);
  var bar = opts.bar;
  opts.bar = group;
  button("btn-zoom-out", "\u2212", "Zoom out (-)", function () { step(-1); });
  zoomLabel = document.createElement("span");
  zoomLabel.id = "zoom-level";
  group.appendChild(zoomLabel);
  button("btn-zoom-in", "+", "Zoom in (+)", function () { step(1); });
  button("btn-fit", "Fit", "The whole drawing in the window (0)", function () { setZoom(1, true); });
  var bPresent = button("btn-present", "Presentation", "Presentation mode: large text (p)", function () {
    state.present = !state.present; apply();
  });
  button("btn-svg", "SVG", "Save this step as SVG (s)", saveSVG);
  button("btn-png", "PNG", "Save this step as PNG (i)", savePNG);
  opts.bar = bar;
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var keys = {"+": function () { step(1); }, "=": function () { step(1); }, "-": function () { step(-1); },
      "0": function () { setZoom(1, true); }, "p": function () { state.present = !state.present; apply(); },
      "s": saveSVG, "i": savePNG};
    if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
  });
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending !== null) { cancelAnimationFrame(pending); }
    pending = requestAnimationFrame(function () { pending = null; opts.redraw(); });
  });
  state.apply = apply;
  state.svgText = svgText;
  apply();
  return state;
};

/* Step-through playback the step pages share (stepper.js, lecture.js): the step shown, the
 * "Step k / last" counter (#step-counter), body[data-step], [data-last-step] and [data-playing],
 * the Prev / Next / Reset buttons and Play / Pause on a timer of body[data-interval] ms.
 *
 *   var player = ACViz.player({last: n, interval: 900, render: function (k) {...}});
 *   player.show(k)   clamp k to 0..last, update the counter and buttons, then render(k)
 *   player.pause(), player.toggle() (play from the start after the end, or pause)
 */
ACViz.player = function (opts) {
  "use strict";
  function $(id) { return document.getElementById(id); }
  var bPrev = $("btn-prev"), bNext = $("btn-next"), bPlay = $("btn-play"), bReset = $("btn-reset");
  var counter = $("step-counter"), last = opts.last, step = 0, timer = null;
  function show(k) {
    step = Math.max(0, Math.min(last, k));
    document.body.setAttribute("data-step", step);
    document.body.setAttribute("data-last-step", last);
    counter.textContent = "Step " + step + " / " + last;
    bPrev.disabled = bReset.disabled = step === 0;
    bNext.disabled = step === last;
    opts.render(step);
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
    var ms = parseInt(document.body.getAttribute("data-interval") || String(opts.interval), 10);  // tests speed it up
    timer = setInterval(function () { if (step >= last) { pause(); } else { show(step + 1); } }, ms > 0 ? ms : opts.interval);
  }
  function toggle() { if (timer === null) { play(); } else { pause(); } }
  function on(button, f) { button.addEventListener("click", function () { f(); button.blur(); }); }
  on(bNext, function () { pause(); show(step + 1); });
  on(bPrev, function () { pause(); show(step - 1); });
  on(bReset, function () { pause(); show(0); });
  on(bPlay, toggle);
  return {show: show, pause: pause, toggle: toggle};
};
