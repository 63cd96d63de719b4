// The map's viewer (w2vkit.pictures.webmap inlines it after the data). The points are set as the
// pixels of an image put on one canvas, the labels, marks, lasso and tooltip on a 2-D canvas above
// them; every word is set as text, never parsed as HTML.
//
// Why by hand and neither a WebGL scatter library nor WebGL: measured in Chromium without a GPU
// (software WebGL, SwiftShader, what CI and many laptops' browsers in a VM have) on 124,000 points,
// regl-scatterplot 1.16 takes 200-233 ms a frame while panning, and this viewer's own WebGL points
// cost the first paint about 400 ms of GPU-process work plus a read-back of the canvas each
// frame. Setting the points' pixels in a typed array and putting the image on the canvas takes
// about 10-20 ms for all of them and needs no read-back: the map is drawn 0.4-0.5 s sooner
// (benchmarks/atlas.py). During a pan or zoom the most frequent points are drawn first, as many as
// keep a frame under about 40 ms; every point once the view rests. (On a machine with a GPU,
// WebGL would draw a million points faster; not measured here.)
//
// Labels: after each change of view, the points are tried most frequent first (queries and
// highlighted words before all) and drawn only where their box overlaps no label already drawn (a
// coarse grid of occupied cells keeps that linear), so more appear as you zoom in.
(function () {
  "use strict";
  const started = performance.now();
  const D = JSON.parse(document.getElementById("map-data").textContent);
  const n = D.words.length;
  const $ = (id) => document.getElementById(id);
  const canvas = $("map"), overlay = $("labels"), ctx = overlay.getContext("2d");
  const tip = $("tip"), search = $("search"), status = $("status"), list = $("neighbours");
  const FONT = getComputedStyle(document.body).fontFamily;
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31",
    "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"];
  const groups = D.groups.length;
  const color = (g) => g === D.plain ? "#bdbdbd" : groups <= 1 ? "#4a6fa5" : PALETTE[g % PALETTE.length];
  const inFrame = window.parent !== window;
  let index = null;  // word -> point, made at the first search (50-100 ms on 100,000 words)
  let keyIndex = null;  // the model's word (an item's ID) -> point, for the explorer's answers
  const isQuery = new Uint8Array(n);
  D.query.forEach((i) => { isQuery[i] = 1; });
  // labels are tried queries first, then in data order (most frequent first)
  const order = D.query.length ? [...D.query, ...Array.from({ length: n }, (_, i) => i).filter((i) => !isQuery[i])] : null;
  const nth = (k) => (order ? order[k] : k);
  const state = { scale: 1, tx: 0, ty: 0, query: null, highlighted: [], selection: [], labelled: 0, drawn: 0, regions: [] };
  window.w2vkitMap = state;  // for scripts and tests: the view, what is highlighted, selected, labelled, drawn

  if (groups > 1) {  // the legend: each colour's group, with how many of the map's words it holds
    const held = new Map(); for (const g of D.group) held.set(g, (held.get(g) || 0) + 1);
    D.groups.forEach((name, g) => {
      const li = document.createElement("li"), swatch = document.createElement("span");
      swatch.style.background = color(g);
      li.append(swatch, name + " · " + (held.get(g) || 0).toLocaleString() + (D.rows ? " rows" : " words"));
      li.title = "click: select this group's words (listed, marked, downloadable)";
      li.dataset.group = String(g);
      li.addEventListener("click", () => showSelection(Array.from({ length: n }, (_, i) => i).filter((i) => D.group[i] === g)));
      $("legend").appendChild(li);
    });
  }
  if (D.command) $("command").textContent = "the same map: " + D.command;
  if (D.left_out) $("left-out").textContent = D.left_out;
  // (the search box's suggestions: the 5,000 most frequent words, listed when it is first used)
  search.addEventListener("focus", () => {
    const datalist = $("words");
    if (datalist.childElementCount) return;
    for (const w of D.words.slice(0, 5000)) { const o = document.createElement("option"); o.value = w; datalist.appendChild(o); }
  });

  // ---- the points: set as pixels of an image, put on the canvas at once -----------------------------
  const pctx = canvas.getContext("2d", { alpha: false });
  const X = Float32Array.from(D.x), Y = Float32Array.from(D.y), GROUP = Uint32Array.from(D.group);
  const rgb = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  let colours = Math.max(1, groups);
  for (let i = 0; i < n; i++) if (GROUP[i] >= colours) colours = GROUP[i] + 1;
  const BACK = [251, 251, 250];
  const pixel = (c) => ((255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;  // (RGBA bytes, little-endian)
  const tables = new Map();  // each group's colour as a pixel, at a strength (faded when others are marked)
  function shades(strength) {
    if (!tables.has(strength)) {
      const t = new Uint32Array(colours);
      for (let g = 0; g < colours; g++) t[g] = pixel(rgb(color(g)).map((v, k) => Math.round(BACK[k] + (v - BACK[k]) * strength)));
      tables.set(strength, t);
    }
    return tables.get(strength);
  }
  let marked = null;  // the highlighted or selected points, drawn again on top at full colour
  let image = null, pixels = null;
  let width = 0, height = 0, dpr = 1, base = 1;
  let lowX = Infinity, highX = -Infinity, lowY = Infinity, highY = -Infinity;  // (the data's bounds)
  for (let i = 0; i < n; i++) {
    const x = D.x[i], y = D.y[i];
    if (x < lowX) lowX = x; if (x > highX) highX = x; if (y < lowY) lowY = y; if (y > highY) highY = y;
  }
  function fit() {
    dpr = window.devicePixelRatio || 1;
    width = overlay.clientWidth; height = overlay.clientHeight;
    for (const c of [canvas, overlay]) { c.width = Math.round(width * dpr); c.height = Math.round(height * dpr); }
    const pad = 40, side = Math.max(1, Math.min(width, height) - 2 * pad);
    state.scale = base = side / Math.max(highX - lowX, highY - lowY, 1e-9);
    state.tx = (width - (lowX + highX) * state.scale) / 2; state.ty = (height - (lowY + highY) * state.scale) / 2;
  }
  const sx = (i) => D.x[i] * state.scale + state.tx;
  const sy = (i) => D.y[i] * state.scale + state.ty;

  // Where each coloured group lies: the name (its commonest words, or a table's group without its
  // token count) at the group's densest place, the cell of a 24 x 24 grid over the map holding the
  // most of its points, at their mean (a group in two regions is named at the larger). Not for a
  // map of given words (their own labels say it) nor for the words that lean nowhere.
  const REGIONS = (() => {
    if (groups <= 1 || D.query.length) return [];
    const R = 24, spanR = Math.max(highX - lowX, highY - lowY, 1e-9);
    const at = (v, low) => Math.max(0, Math.min(R - 1, Math.floor((v - low) / spanR * R)));
    const count = new Map(), sums = new Map();
    for (let i = 0; i < n; i++) {
      const key = GROUP[i] * R * R + at(Y[i], lowY) * R + at(X[i], lowX);
      count.set(key, (count.get(key) || 0) + 1);
      const s = sums.get(key) || [0, 0]; s[0] += X[i]; s[1] += Y[i]; sums.set(key, s);
    }
    const best = new Map();
    for (const [key, c] of count) { const g = Math.floor(key / (R * R)); if (!best.has(g) || c > count.get(best.get(g))) best.set(g, key); }
    return [...best].filter(([g]) => g !== D.plain && D.groups[g] !== undefined).sort((a, b) => count.get(b[1]) - count.get(a[1]))
      .map(([g, key]) => ({ g: g, name: String(D.groups[g]).split(" (")[0], x: sums.get(key)[0] / count.get(key), y: sums.get(key)[1] / count.get(key) }));
  })();

  // During a pan or zoom, the `shown` most frequent points: all of them while a frame stays under
  // about 40 ms (124,000 points take about 10 ms), fewer on a bigger map or a slower machine; every
  // point once the view rests (REST ms after the last move).
  const REST = 160, FAST = 25, SLOW = 40;
  // (labels at rest: 400 took about 50 ms of canvas text, a frame over budget whenever a pan paused)
  const LABELS = 250;
  let moving = false, shown = n, lastFrame = 0, restTimer = 0;
  function square(i, scale, tx, ty, size, c, w, h) {  // point i as a size x size square of colour c
    const x0 = Math.round(X[i] * scale + tx - size / 2), y0 = Math.round(Y[i] * scale + ty - size / 2);
    if (x0 >= w || y0 >= h || x0 + size <= 0 || y0 + size <= 0) return;
    const left = Math.max(0, x0), right = Math.min(w, x0 + size), bottom = Math.min(h, y0 + size);
    for (let y = Math.max(0, y0); y < bottom; y++) {  // (a plain loop: 5x faster than fill() on 2-px rows)
      const row = y * w;
      for (let x = left; x < right; x++) pixels[row + x] = c;
    }
  }
  function paint(from, to) {  // the points [from, to), on a cleared image when from is 0
    const w = canvas.width, h = canvas.height;
    if (!w || !h) { state.drawn = to; return; }  // (a frame not laid out yet: its resize draws them)
    if (!image || image.width !== w || image.height !== h) {
      image = pctx.createImageData(w, h); pixels = new Uint32Array(image.data.buffer);
    }
    if (!from) pixels.fill(pixel(BACK));
    const grow = Math.sqrt(state.scale / base);
    const size = Math.max(1, Math.round(Math.max(1.5, Math.min(8, (n > 50000 ? 2 : n > 10000 ? 2.5 : n > 2000 ? 3.5 : 5) * grow)) * dpr));
    const scale = state.scale * dpr, tx = state.tx * dpr, ty = state.ty * dpr;
    const tint = shades(marked ? 0.3 : 0.85);
    // (the rarest first, so the frequent words' points lie on top where points overlap)
    for (let i = to - 1; i >= from; i--) square(i, scale, tx, ty, size, tint[GROUP[i]], w, h);
    if (marked) {
      const full = shades(1), bigger = size + Math.round(1.5 * dpr);
      for (const i of marked) square(i, scale, tx, ty, bigger, full[GROUP[i]], w, h);
    }
    pctx.putImageData(image, 0, 0);
    state.drawn = to;
    canvas.dataset.points = String(to);
  }
  // At rest the rest of the points follow, `shown` more a frame (the canvas is kept between
  // frames), so no frame draws more than a moving one.
  let rest = 0, restFrom = 0;
  function more() {
    rest = 0;
    if (moving || restFrom >= n) return;
    const to = Math.min(n, restFrom + shown);
    paint(restFrom, to);
    restFrom = to;
    if (to < n) rest = requestAnimationFrame(more);
  }
  function draw(t) {
    if (moving && lastFrame) {
      const took = t - lastFrame;
      if (took > SLOW) shown = Math.max(Math.min(n, 10000), Math.floor(shown * 0.7));
      else if (took < FAST) shown = Math.min(n, Math.ceil(shown * 1.25));
    }
    lastFrame = moving ? t : 0;
    // (at rest after a pan whose last frame drew every point of this very view: only the labels,
    // so the pause costs one frame of text, not points and text)
    const view = [state.scale, state.tx, state.ty, marks, canvas.width, canvas.height].join();
    if (moving || view !== paintedView || state.drawn < n) {
      cancelAnimationFrame(rest);
      restFrom = Math.min(shown, n);
      paint(0, restFrom);
      paintedView = view;
      if (!moving && restFrom < n) rest = requestAnimationFrame(more);
    }
    drawLabels(moving ? 80 : LABELS);
  }
  let paintedView = "", marks = 0;  // (the view last painted whole; marks: each change of the marked points)
  let pending = false;
  const redraw = () => { if (!pending) { pending = true; requestAnimationFrame((t) => { pending = false; draw(t); }); } };
  function moved() {
    moving = true; tip.style.display = "none";
    clearTimeout(restTimer);
    restTimer = setTimeout(() => { moving = false; lastFrame = 0; redraw(); }, REST);
    redraw();
  }

  // ---- labels, marks and the lasso (2-D canvas) ----------------------------------------------------
  const cell = 8;
  const textWidth = (word, size) => { let w = 0; for (const ch of word) w += ch.charCodeAt(0) < 0x2e80 ? 0.6 * size : size; return w; };
  function drawLabels(budget) {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const cols = Math.ceil(width / cell) + 1, rows = Math.ceil(height / cell) + 1;
    const used = new Uint8Array(cols * rows);
    const hl = new Set(state.highlighted);
    let labelled = 0;
    const place = (i, size, weight, fill, force) => {
      const x = sx(i), y = sy(i);
      if (x < 0 || y < 0 || x > width || y > height) return;
      const w = textWidth(D.words[i], size), h = size * 1.15;
      const x0 = Math.floor((x + 4) / cell), x1 = Math.floor((x + 4 + w) / cell);
      const y0 = Math.floor((y + 4 - h) / cell), y1 = Math.floor((y + 4) / cell);
      let free = true;
      for (let cy = Math.max(0, y0); free && cy <= Math.min(rows - 1, y1); cy++)
        for (let cx = Math.max(0, x0); cx <= Math.min(cols - 1, x1); cx++) if (used[cy * cols + cx]) { free = false; break; }
      if (!free && !force) return;
      for (let cy = Math.max(0, y0); cy <= Math.min(rows - 1, y1); cy++)
        for (let cx = Math.max(0, x0); cx <= Math.min(cols - 1, x1); cx++) used[cy * cols + cx] = 1;
      ctx.font = weight + " " + size + "px " + FONT;
      ctx.lineWidth = 3; ctx.lineJoin = "round"; ctx.strokeStyle = "rgba(251,251,250,.9)";
      ctx.strokeText(D.words[i], x + 4, y + 4);
      ctx.fillStyle = fill;
      ctx.fillText(D.words[i], x + 4, y + 4);
      labelled++;
    };
    for (const i of state.highlighted) {  // the query ringed in red, its neighbours in orange
      ctx.beginPath(); ctx.arc(sx(i), sy(i), i === state.query ? 7 : 5, 0, 2 * Math.PI);
      ctx.fillStyle = i === state.query ? "#d62728" : "#ff7f0e"; ctx.fill();
      ctx.lineWidth = 1.5; ctx.strokeStyle = "#222"; ctx.stroke();
    }
    for (const i of state.highlighted) {
      const q = i === state.query;
      place(i, q ? 17 : 14, q ? "bold" : "600", q ? "#b01010" : "#111", q);
    }
    const dim = state.highlighted.length || state.selection.length;
    // each region's name first (the largest regions first), where no label of it overlaps another:
    // at its place, else a little above, below or beside; state.regions holds the boxes drawn
    state.regions = [];
    for (const r of REGIONS) {
      const size = 16, w = textWidth(r.name, size) + 10, h = size * 1.4;
      const cx = r.x * state.scale + state.tx, cy = r.y * state.scale + state.ty;
      for (const [dx, dy] of [[0, 0], [0, -h], [0, h], [-0.6 * w, 0], [0.6 * w, 0], [0, -2 * h], [0, 2 * h]]) {
        const box = [cx + dx - w / 2, cy + dy - h / 2, w, h];
        if (box[0] < 0 || box[1] < 0 || box[0] + w > width || box[1] + h > height) continue;
        const x0 = Math.floor(box[0] / cell), x1 = Math.floor((box[0] + w) / cell);
        const y0 = Math.floor(box[1] / cell), y1 = Math.floor((box[1] + h) / cell);
        let free = true;
        for (let gy = y0; free && gy <= y1; gy++) for (let gx = x0; gx <= x1; gx++) if (used[gy * cols + gx]) { free = false; break; }
        if (!free) continue;
        for (let gy = y0; gy <= y1; gy++) for (let gx = x0; gx <= x1; gx++) used[gy * cols + gx] = 1;
        ctx.fillStyle = "rgba(251,251,250,.8)"; ctx.fillRect(...box.slice(0, 4));  // (a plate: a region's name, not a word's)
        ctx.strokeStyle = dim ? "rgba(60,60,60,.3)" : color(r.g); ctx.lineWidth = 1; ctx.strokeRect(...box.slice(0, 4));
        ctx.font = "bold " + size + "px " + FONT; ctx.textAlign = "center";
        ctx.fillStyle = dim ? "rgba(60,60,60,.45)" : color(r.g);
        ctx.fillText(r.name, cx, box[1] + h - 5);
        ctx.textAlign = "start";
        state.regions.push([...box, r.name]);
        break;
      }
    }
    for (let k = 0, tried = 0; k < n && labelled < budget && tried < 40000; k++) {
      const i = nth(k);
      if (hl.has(i)) continue;
      const x = sx(i), y = sy(i);
      if (x < 0 || y < 0 || x > width || y > height) continue;
      tried++;
      place(i, isQuery[i] ? 15 : 12, isQuery[i] ? "bold" : "normal",
        dim ? "rgba(60,60,60,.5)" : groups > 1 ? color(D.group[i]) : "#333", false);
    }
    if (lasso) {
      ctx.beginPath(); lasso.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.closePath(); ctx.fillStyle = "rgba(40,40,40,.08)"; ctx.fill();
      ctx.lineWidth = 1.5; ctx.strokeStyle = "#333"; ctx.setLineDash([4, 3]); ctx.stroke(); ctx.setLineDash([]);
    }
    state.labelled = labelled;
    overlay.dataset.labelled = String(labelled);
  }
  // (the labels again once the page's font is ready: only the 2-D canvas, the points stay)
  if (document.fonts) document.fonts.load("13px " + FONT, "中").then(() => drawLabels(moving ? 80 : LABELS), () => {});

  // ---- hover: a grid over data space ----------------------------------------------------------------
  // (each cell's points as a run of one array, counted then placed: a few ms on 124,000 words,
  // where an array per cell took 50 ms and made the first hover's frame 83 ms)
  const G = 128, span = Math.max(highX - lowX, highY - lowY, 1e-9);
  let cellStart = null, cellPoints = null;
  const cellOf = (v, low) => Math.max(0, Math.min(G - 1, Math.floor((v - low) / span * G)));
  function makeGrid() {
    const cells = new Int32Array(n);
    cellStart = new Int32Array(G * G + 1);
    for (let i = 0; i < n; i++) { cells[i] = cellOf(Y[i], lowY) * G + cellOf(X[i], lowX); cellStart[cells[i] + 1]++; }
    for (let c = 0; c < G * G; c++) cellStart[c + 1] += cellStart[c];
    const next = cellStart.slice(0, G * G);
    cellPoints = new Int32Array(n);
    for (let i = 0; i < n; i++) cellPoints[next[cells[i]]++] = i;
  }
  function nearest(px, py, radius) {
    if (!cellStart) makeGrid();
    const dx = (px - state.tx) / state.scale, dy = (py - state.ty) / state.scale, rd = radius / state.scale;
    let best = -1, bestD = rd * rd;
    for (let gy = cellOf(dy - rd, lowY); gy <= cellOf(dy + rd, lowY); gy++)
      for (let gx = cellOf(dx - rd, lowX); gx <= cellOf(dx + rd, lowX); gx++)
        for (let k = cellStart[gy * G + gx]; k < cellStart[gy * G + gx + 1]; k++) {
          const i = cellPoints[k], d = (X[i] - dx) ** 2 + (Y[i] - dy) ** 2;
          if (d <= bestD) { bestD = d; best = i; }
        }
    return best;
  }

  // ---- pan, zoom, lasso, click ----------------------------------------------------------------------
  let drag = null, lasso = null, lassoMode = false;
  const local = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener("mousedown", (e) => {
    const [x, y] = local(e);
    if (e.shiftKey || lassoMode) { lasso = [[x, y]]; return; }
    drag = { x: x, y: y, tx: state.tx, ty: state.ty, far: false };
    canvas.classList.add("dragging");
  });
  window.addEventListener("mouseup", (e) => {
    canvas.classList.remove("dragging");
    if (lasso) {  // (drawn: the select mode ends, so that a click or a double click is one again)
      const drawn = lasso; lasso = null; setLasso(false); if (drawn.length > 2) choose(drawn); redraw(); return;
    }
    drag = null;
  });
  window.addEventListener("mousemove", (e) => {
    const [x, y] = local(e);
    if (lasso) { const last = lasso[lasso.length - 1]; if (Math.hypot(x - last[0], y - last[1]) > 3) { lasso.push([x, y]); redraw(); } return; }
    if (drag) {
      if (Math.hypot(x - drag.x, y - drag.y) > 2) drag.far = true;
      state.tx = drag.tx + x - drag.x; state.ty = drag.ty + y - drag.y; moved(); return;
    }
    if (e.target !== canvas) return;
    const i = nearest(x, y, 8);
    if (i < 0) { tip.style.display = "none"; return; }
    tip.textContent = D.words[i] + "  ·  " + D.counts[i].toLocaleString() + (D.rows ? " tokens · line " + D.rows[i] : " times") +
      (groups > 1 ? "  ·  " + D.groups[D.group[i]] : "");
    tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px"; tip.style.display = "block";
  });
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [x, y] = local(e);
    const f = Math.exp(-e.deltaY * 0.0015);
    state.tx = x - (x - state.tx) * f; state.ty = y - (y - state.ty) * f; state.scale *= f;
    moved();
  }, { passive: false });
  let clicked = -1;  // (the word a click chose: a double click's first click may move the view)
  canvas.addEventListener("click", (e) => {
    if (e.shiftKey || lassoMode) return;
    const [x, y] = local(e);
    const i = nearest(x, y, 8);
    if (i >= 0) { clicked = i; select(D.words[i], false); } else if (e.detail < 2) clicked = -1;
  });
  // In the explorer's frame: a double click opens the word's view there (the frame is sandboxed,
  // so it can only say the word; the explorer checks where the message came from).
  const say = (message) => window.parent.postMessage(message, "*");
  if (inFrame && !D.rows) {  // (a map of a table's rows: a point is a row, not a word with a view)
    $("help").append(" · double-click: the word's view");
    canvas.addEventListener("dblclick", () => { if (clicked >= 0) say({ w2vkitWord: (D.keys || D.words)[clicked] }); });
  }
  function setLasso(on) {
    lassoMode = on;
    $("lasso").classList.toggle("on", on);
    canvas.classList.toggle("lassoing", on);
  }
  $("lasso").addEventListener("click", () => setLasso(!lassoMode));

  // A lasso's words: the points inside the polygon drawn (screen space, even-odd rule).
  function inside(x, y, polygon) {
    let yes = false;
    for (let a = 0, b = polygon.length - 1; a < polygon.length; b = a++) {
      const [xa, ya] = polygon[a], [xb, yb] = polygon[b];
      if ((ya > y) !== (yb > y) && x < (xb - xa) * (y - ya) / (yb - ya) + xa) yes = !yes;
    }
    return yes;
  }
  function choose(polygon) {
    const xs = polygon.map((p) => p[0]), ys = polygon.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const chosen = [];
    for (let i = 0; i < n; i++) {
      const x = sx(i), y = sy(i);
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && inside(x, y, polygon)) chosen.push(i);
    }
    showSelection(chosen);
  }
  function mark(ids) { marked = ids.length ? Int32Array.from(ids) : null; marks++; }
  function showSelection(chosen) {
    chart.base = chart.bar = null;  // (a selection made another way: the chart counts it)
    state.selection = chosen;  // (most frequent first: ascending order)
    state.query = null; state.highlighted = []; list.textContent = ""; status.textContent = "";
    mark(chosen);
    const box = $("selection"), ol = $("selected");
    box.hidden = !chosen.length; ol.textContent = "";
    $("selection-title").textContent = chosen.length.toLocaleString() + " words selected, most frequent first:";
    listMore();
    $("selection-ask").hidden = !inFrame || Boolean(D.rows);  // (a row's label is no word to ask about)
    drawChart();
    redraw();
  }
  // A second column charted (D.chart: each word's group of another column of the table): its
  // groups among the selected words, or among all of them with none selected. A bar clicked keeps
  // its words (the selection becomes them, marked on the map); another bar, its words instead;
  // the same bar again, the words before.
  const chart = { base: null, bar: null };
  function drawChart() {
    if (!D.chart) return;
    const among = chart.bar !== null ? chart.base : state.selection.length ? state.selection : null;
    const counts = new Array(D.chart.groups.length).fill(0);
    for (const i of among || D.chart.group.keys()) counts[D.chart.group[i]]++;
    const most = Math.max(1, ...counts), ul = $("bars");
    $("chart").hidden = false;
    $("chart-title").textContent = D.chart.column + " of " + (among ? "the " + among.length.toLocaleString() + " selected" : "every word") + " (click a bar to keep its words):";
    ul.textContent = "";
    D.chart.groups.forEach((name, g) => {
      if (!counts[g]) return;
      const li = document.createElement("li"), bar = document.createElement("span"), label = document.createElement("span");
      bar.className = "bar"; bar.style.width = Math.round(90 * counts[g] / most) + "px";
      label.className = "name"; label.textContent = name + " · " + counts[g].toLocaleString();
      li.append(bar, label); li.dataset.group = String(g); li.classList.toggle("on", chart.bar === g);
      li.addEventListener("click", () => keepBar(g, among));
      ul.appendChild(li);
    });
  }
  function keepBar(g, among) {
    const base = among;  // (null: every word)
    if (chart.bar === g) { showSelection(base || []); return; }
    showSelection(Array.from(base || D.chart.group.keys()).filter((i) => D.chart.group[i] === g));
    chart.base = base; chart.bar = g; drawChart();
  }
  // The selection listed LISTED words at a time ("list more" for the next), all of it downloaded.
  const LISTED = 200;
  function listMore() {
    const ol = $("selected"), from = ol.children.length;
    for (const i of state.selection.slice(from, from + LISTED)) {
      const li = document.createElement("li");
      li.dataset.word = D.words[i];
      li.textContent = D.words[i];
      const s = document.createElement("span"); s.textContent = D.counts[i].toLocaleString(); li.appendChild(s);
      li.addEventListener("click", () => (inFrame ? say({ w2vkitWord: (D.keys || D.words)[i] }) : select(D.words[i])));
      ol.appendChild(li);
    }
    $("selection-more").hidden = ol.children.length >= state.selection.length;
  }
  $("selection-more").addEventListener("click", listMore);
  // Every selected word as a table a spreadsheet, pandas or R reads: the word (and an item's name),
  // its count and the group its colour stands for (a cluster, a table's group, a frequency band),
  // tab-separated, a tab or line break inside a cell made a space.
  function selectionTable() {
    const cell = (v) => String(v).replace(/[\t\r\n]/g, " ");
    const head = (D.rows ? ["line", "text", "tokens", "group"] : D.keys ? ["word", "name", "count", "group"] : ["word", "count", "group"])
      .concat(D.chart ? [D.chart.column] : []);  // (and the charted column's group)
    const rows = state.selection.map((i) => (D.rows ? [D.rows[i], D.words[i]] : D.keys ? [D.keys[i], D.words[i]] : [D.words[i]])
      .concat([D.counts[i], D.groups[D.group[i]] ?? ""], D.chart ? [D.chart.groups[D.chart.group[i]]] : []).map(cell).join("\t"));
    return [head.join("\t"), ...rows].join("\n") + "\n";
  }
  $("selection-download").addEventListener("click", () => {
    const text = selectionTable();
    if (inFrame) { say({ w2vkitDownload: text }); return; }  // (a sandboxed frame may not download: the explorer does)
    download(text);
  });
  function download(text) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/tab-separated-values;charset=utf-8" }));
    a.download = "selection.tsv";
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }
  for (const button of document.querySelectorAll("#selection-ask button")) {
    button.addEventListener("click", () => {
      const words = state.selection.slice(0, 10).map((i) => (D.keys || D.words)[i]);
      if (words.length) say({ w2vkitAsk: button.dataset.ask, w2vkitWords: words });
    });
  }

  // ---- search: a word and its neighbours, brought into view ---------------------------------------
  function select(word, fly = true) {
    const w = word.trim();
    list.textContent = "";
    state.selection = []; $("selection").hidden = true;
    if (!w) { state.query = null; state.highlighted = []; status.textContent = ""; mark([]); redraw(); return; }
    if (!index) index = new Map(D.words.map((x, k) => [x, k]));
    const i = index.has(w) ? index.get(w) : index.get(w.toLowerCase());
    if (i === undefined) {
      state.query = null; state.highlighted = []; mark([]);
      status.textContent = "“" + w + "” is not on this map"; redraw(); return;
    }
    search.value = D.words[i];
    const near = D.neighbours ? D.neighbours[i] : [];
    state.query = i;
    showNear(i, near.map((j, k) => [j, D.words[j], D.scores[i][k]]));
    // (in the explorer's frame the page holds no lists, 100,000 of them take minutes: the explorer
    // asks `similar` for the word, as its word view does, and says the answer here)
    if (inFrame && !D.neighbours && !D.rows) { say({ w2vkitNear: (D.keys || D.words)[i] }); status.textContent += "; its nearest words…"; }
    state.flying = fly;
    if (fly) flyTo(i, near);
    redraw();
  }
  // Zoom so the word and the half of its neighbours nearest on the map fill the middle of the view
  // (the others may lie far away on a t-SNE map; the list names them all); `again`: the neighbours
  // came after a first flight to the word alone, so the view may widen to them.
  function flyTo(i, near, again = false) {
    const dist = near.map((j) => Math.hypot(D.x[j] - D.x[i], D.y[j] - D.y[i])).sort((a, b) => a - b);
    const radius = Math.max(25 / base * (1000 / Math.max(width, height)), dist[Math.floor(dist.length / 2)] || 0);
    const scale = Math.min(200 * base, 0.35 * Math.min(width, height) / Math.max(radius, 1e-9));
    if (scale > state.scale || again) state.scale = scale;
    state.tx = width / 2 - D.x[i] * state.scale; state.ty = height / 2 - D.y[i] * state.scale;
  }
  // The word's nearest (rows of [its point or -1, word, score]) listed and, those on the map, ringed.
  function showNear(i, rows) {
    list.textContent = "";
    state.highlighted = [i, ...rows.map((r) => r[0]).filter((j) => j >= 0)];
    mark(state.highlighted);
    status.textContent = D.words[i] + ": " + D.counts[i].toLocaleString() + (D.rows ? " tokens, line " + D.rows[i] : " times") +
      (rows.length ? "; nearest words (cosine):" : inFrame && !D.rows ? "; double-click it for its neighbours" : "");
    for (const [j, word, score] of rows) {
      const li = document.createElement("li");
      li.dataset.word = word;
      li.textContent = word;
      const s = document.createElement("span"); s.textContent = score.toFixed(3); li.appendChild(s);
      if (j >= 0) li.addEventListener("click", () => select(D.words[j])); else li.className = "off-map";
      list.appendChild(li);
    }
    redraw();
  }
  if (inFrame) window.addEventListener("message", (ev) => {  // (the explorer's answer: only from it)
    const got = ev.source === window.parent && ev.data ? ev.data.w2vkitNeighbours : null;
    if (!got || state.query === null || got.word !== (D.keys || D.words)[state.query] || !Array.isArray(got.rows)) return;
    if (!keyIndex) keyIndex = new Map((D.keys || D.words).map((x, k) => [x, k]));
    const rows = got.rows.filter((r) => Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "number");
    showNear(state.query, rows.slice(0, 100).map(([w, score]) => [keyIndex.has(w) ? keyIndex.get(w) : -1, w, score]));
    if (state.flying) { flyTo(state.query, state.highlighted.slice(1), true); redraw(); }  // (its nearest in view too)
  });
  window.w2vkitSelect = select;
  window.w2vkitChoose = (ids) => showSelection(ids.slice().sort((a, b) => a - b));
  search.addEventListener("change", () => select(search.value));
  search.addEventListener("keydown", (e) => { if (e.key === "Enter") select(search.value); if (e.key === "Escape") { search.value = ""; select(""); } });
  window.addEventListener("keydown", (e) => { if (e.key === "Escape") { search.value = ""; select(""); } });
  window.addEventListener("resize", () => { fit(); redraw(); });

  // (frame times for the benchmark: the gaps between animation frames while it pans and zooms)
  state.measure = (ms) => new Promise((done) => {
    const times = [];
    const end = performance.now() + ms;
    const tick = (t) => { times.push(t); if (t < end) requestAnimationFrame(tick); else done(times.slice(1).map((x, k) => x - times[k])); };
    requestAnimationFrame(tick);
  });
  state.screen = (i) => [sx(i), sy(i)];

  fit();
  drawChart();
  paint(0, n);  // (the first view at once: one long frame before any pan or zoom)
  drawLabels(LABELS);
  // (ready once every point is drawn and the frame holding them made: `painted`, on the browser's
  // own clock, is what benchmarks/atlas.py reports as the first paint; `times`: the script's start and it)
  const ready = () => {
    if (state.drawn < n) { requestAnimationFrame(ready); return; }
    requestAnimationFrame(() => requestAnimationFrame(() => {  // (the second: the frame before was made)
      state.painted = performance.timeOrigin + performance.now();
      state.times = [started, performance.now()];
      document.body.dataset.ready = "1";
      if (inFrame) say({ w2vkitDrawn: true });  // (the explorer then brings its own font)
    }));
  };
  ready();
})();
