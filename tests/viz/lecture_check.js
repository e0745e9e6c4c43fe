/* Evaluated by test_lecture_projector.py on the lecture page: what scrolls, what overlaps, the
 * smallest diagram text, where every box and button is, and the numbers shown. */
(() => {
  const problems = [], W = window.innerWidth, H = window.innerHeight, de = document.documentElement;
  const stage = document.getElementById('stage'), panel = document.getElementById('explain');
  if (de.scrollWidth > W || de.scrollHeight > H) problems.push('page scrolls');
  if (stage.scrollWidth > stage.clientWidth + 1 || stage.scrollHeight > stage.clientHeight + 1) problems.push('drawing scrolls');
  if (panel.scrollHeight > panel.clientHeight + 1 || panel.scrollWidth > panel.clientWidth + 1) problems.push('panel scrolls');
  const svg = document.getElementById('net'), k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  let font = 1e9;
  svg.querySelectorAll('text').forEach(t => {
    if (!t.closest('.bias')) font = Math.min(font, parseFloat(getComputedStyle(t).fontSize) * k);
  });
  const boxes = [];
  svg.querySelectorAll('g.node rect.box').forEach(r => boxes.push(['node ' + r.parentNode.dataset.id, r.getBoundingClientRect()]));
  svg.querySelectorAll('g.elabel rect').forEach(r => boxes.push(['label ' + r.parentNode.dataset.from + '>' + r.parentNode.dataset.to, r.getBoundingClientRect()]));
  svg.querySelectorAll('text.col-title').forEach(t => boxes.push(['title ' + t.textContent, t.getBoundingClientRect()]));
  for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
    const [na, ra] = boxes[a], [nb, rb] = boxes[b];
    if (na.startsWith('node') && nb.startsWith('node')) continue;
    const ox = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left), oy = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (ox > 0.5 && oy > 0.5) problems.push('overlap ' + na + ' / ' + nb);
  }
  svg.querySelectorAll('g.node').forEach(g => {
    const r = g.querySelector('rect.box').getBoundingClientRect();
    g.querySelectorAll('text').forEach(t => { const q = t.getBoundingClientRect();
      if (q.left < r.left - 0.5 || q.right > r.right + 0.5) problems.push('text out of its box ' + g.dataset.id); });
  });
  const place = {};
  svg.querySelectorAll('g.node rect.box').forEach(r => { const q = r.getBoundingClientRect();
    place[r.parentNode.dataset.id] = [q.left, q.top, q.width, q.height].map(v => Math.round(v * 10) / 10); });
  const bar = [...document.querySelectorAll('#bar button')].map(b => { const q = b.getBoundingClientRect(); return [b.id, q.left, q.width]; });
  const rows = {}, labels = [];
  svg.querySelectorAll('g.node').forEach(g => { const r = {}; g.querySelectorAll('g.num').forEach(n => { r[n.dataset.key] = n.dataset.value; }); rows[g.dataset.id] = r; });
  svg.querySelectorAll('g.elabel').forEach(g => labels.push([g.dataset.from, g.dataset.to, g.dataset.value]));
  const nums = [...panel.querySelectorAll('.num')].map(n => n.dataset.value);
  return {problems, font, place, bar, rows, labels, nums, kind: document.body.dataset.kind,
          layer: Number(document.body.dataset.layer), stage: [stage.clientWidth, stage.clientHeight]};
})
