// The map's viewer (w2vkit.pictures.webmap inlines it after regl-scatterplot and the data).
// Points are drawn by regl-scatterplot (WebGL: pan, zoom, hover, lasso on 100,000 points and more);
// labels, the tooltip, the legend and the lists are drawn here, every word set as text, never HTML.
// Labels: after each change of view, the points in view are tried most frequent first (queries and
// highlighted words before all) and drawn only where their box overlaps no label already drawn (a
// coarse grid of occupied cells keeps that linear), so more appear as you zoom in.
(function () {
  "use strict";
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
  const index = new Map(D.words.map((w, i) => [w, i]));
  const isQuery = new Uint8Array(n);
  D.query.forEach((i) => { isQuery[i] = 1; });
  const state = { query: null, highlighted: [], selection: [], labelled: 0, drawn: 0, frames: [] };
  window.w2vkitMap = state;  // for scripts and tests: what is highlighted, selected and labelled

  if (groups > 1) {  // the legend: each colour's group, with how many of the map's words it holds
    const held = new Map(); for (const g of D.group) held.set(g, (held.get(g) || 0) + 1);
    D.groups.forEach((name, g) => {
      const li = document.createElement("li"), swatch = document.createElement("span");
      swatch.style.background = color(g);
      li.append(swatch, name + " · " + (held.get(g) || 0).toLocaleString() + " words");
      $("legend").appendChild(li);
    });
  }
  if (D.command) $("command").textContent = "the same map: " + D.command;
  const datalist = $("words");
  for (const w of D.words.slice(0, 20000)) { const o = document.createElement("option"); o.value = w; datalist.appendChild(o); }

  // Data places ([0, 1000], y downwards) to WebGL's [-1, 1] (y upwards), centred.
  const xs = new Float32Array(n), ys = new Float32Array(n), category = new Float32Array(n);
  let lowX = Infinity, highX = -Infinity, lowY = Infinity, highY = -Infinity;
  for (let i = 0; i < n; i++) {
    lowX = Math.min(lowX, D.x[i]); highX = Math.max(highX, D.x[i]); lowY = Math.min(lowY, D.y[i]); highY = Math.max(highY, D.y[i]);
  }
  const half = Math.max(highX - lowX, highY - lowY, 1e-9) / 2 / 0.95, midX = (lowX + highX) / 2, midY = (lowY + highY) / 2;
  for (let i = 0; i < n; i++) {
    xs[i] = (D.x[i] - midX) / half; ys[i] = -(D.y[i] - midY) / half; category[i] = D.group[i];
  }

  // (the library draws with WebGL on a canvas of its own and copies each frame onto this one)
  if (typeof window.createScatterplot !== "function" || !document.createElement("canvas").getContext("webgl")) {
    status.textContent = "This map needs WebGL, which this browser has turned off.";
    document.body.dataset.ready = "1";
    return;
  }
  const pointSize = n > 50000 ? 2 : n > 10000 ? 3 : n > 2000 ? 4 : 6;
  const scatterplot = window.createScatterplot({
    canvas: canvas,
    width: "auto",
    height: "auto",
    backgroundColor: [0.984, 0.984, 0.98, 1],
    pointColor: Array.from({ length: Math.max(groups, 1) }, (_, g) => color(g)),
    colorBy: "valueA",
    pointSize: pointSize,
    pointSizeSelected: 2,
    pointOutlineWidth: 2,
    opacity: n > 20000 ? 0.55 : 0.8,
    opacityInactiveScale: 0.35,
    lassoColor: [0.2, 0.2, 0.2, 0.8],
    lassoInitiator: true,  // (a circle where you click an empty spot starts a lasso: for a mouse without Shift)
    spatialIndexUseWorker: false,  // (no worker from a blob: the explorer's page allows none)
  });
  state.scatterplot = scatterplot;

  // ---- labels ------------------------------------------------------------------------------------
  let width = 0, height = 0, dpr = 1;
  function fit() {
    dpr = window.devicePixelRatio || 1;
    width = overlay.clientWidth; height = overlay.clientHeight;
    overlay.width = Math.round(width * dpr); overlay.height = Math.round(height * dpr);
  }
  const BUDGET = 400, TRIED = 25000, cell = 8;
  function drawLabels() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const cols = Math.ceil(width / cell) + 1, rows = Math.ceil(height / cell) + 1;
    const used = new Uint8Array(cols * rows);
    const hl = new Set(state.highlighted);
    let labelled = 0;
    const place = (i, size, weight, fill, force) => {
      const [x, y] = scatterplot.getScreenPosition(i) || [-1, -1];
      if (x < 0 || y < 0 || x > width || y > height) return;
      ctx.font = weight + " " + size + "px " + FONT;
      const w = ctx.measureText(D.words[i]).width, h = size * 1.15;
      const x0 = Math.floor((x + 4) / cell), x1 = Math.floor((x + 4 + w) / cell);
      const y0 = Math.floor((y + 4 - h) / cell), y1 = Math.floor((y + 4) / cell);
      let free = true;
      for (let cy = Math.max(0, y0); free && cy <= Math.min(rows - 1, y1); cy++)
        for (let cx = Math.max(0, x0); cx <= Math.min(cols - 1, x1); cx++) if (used[cy * cols + cx]) { free = false; break; }
      if (!free && !force) return;
      for (let cy = Math.max(0, y0); cy <= Math.min(rows - 1, y1); cy++)
        for (let cx = Math.max(0, x0); cx <= Math.min(cols - 1, x1); cx++) used[cy * cols + cx] = 1;
      ctx.lineWidth = 3; ctx.lineJoin = "round"; ctx.strokeStyle = "rgba(251,251,250,.9)";
      ctx.strokeText(D.words[i], x + 4, y + 4);
      ctx.fillStyle = fill;
      ctx.fillText(D.words[i], x + 4, y + 4);
      labelled++;
    };
    for (const i of state.highlighted) {
      const q = i === state.query;
      place(i, q ? 17 : 14, q ? "bold" : "600", q ? "#b01010" : "#111", q);
    }
    // the points in view, most frequent first (the data come most frequent first)
    const inView = (scatterplot.get("pointsInView") || []).slice().sort((a, b) => a - b);
    for (const i of D.query) if (!hl.has(i)) place(i, 15, "bold", "#111", false);
    for (let k = 0; k < inView.length && k < TRIED && labelled < BUDGET; k++) {
      const i = inView[k];
      if (hl.has(i) || isQuery[i]) continue;
      place(i, 12, "normal", hl.size ? "rgba(60,60,60,.5)" : groups > 1 ? color(D.group[i]) : "#333", false);
    }
    state.labelled = labelled;
    overlay.dataset.labelled = String(labelled);
  }
  let pending = false;
  const relabel = () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; drawLabels(); }); } };
  scatterplot.subscribe("view", relabel);
  if (document.fonts) document.fonts.load("13px " + FONT, "中").then(relabel, () => {});

  // ---- hover, click, lasso ---------------------------------------------------------------------
  let mouse = [0, 0], hovered = -1;
  canvas.addEventListener("mousemove", (e) => { mouse = [e.clientX, e.clientY]; if (hovered >= 0) placeTip(); });
  function placeTip() { tip.style.left = (mouse[0] + 12) + "px"; tip.style.top = (mouse[1] + 12) + "px"; }
  scatterplot.subscribe("pointOver", (i) => {
    hovered = i;
    tip.textContent = D.words[i] + "  ·  " + D.counts[i].toLocaleString() + " times" + (groups > 1 ? "  ·  " + D.groups[D.group[i]] : "");
    placeTip(); tip.style.display = "block";
  });
  scatterplot.subscribe("pointOut", () => { hovered = -1; tip.style.display = "none"; });
  scatterplot.subscribe("select", ({ points }) => {
    if (points.length === 1) { if (!state.highlighted.includes(points[0])) select(D.words[points[0]], false); return; }
    if (points.length > 1 && !selecting) showSelection(points);
  });
  scatterplot.subscribe("deselect", () => { if (!selecting) { state.selection = []; $("selection").hidden = true; } });
  // In the explorer's frame: a double click opens the word's view there (the frame is sandboxed,
  // so it can only say the word; the explorer checks where the message came from).
  const say = (message) => window.parent.postMessage(message, "*");
  if (inFrame) {
    $("help").textContent += " · double-click: the word's view";
    canvas.addEventListener("dblclick", () => { if (hovered >= 0) say({ w2vkitWord: (D.keys || D.words)[hovered] }); });
  }

  function showSelection(points) {
    const chosen = points.slice().sort((a, b) => a - b);  // most frequent first
    state.selection = chosen;
    const box = $("selection"), ol = $("selected");
    box.hidden = false; ol.textContent = "";
    $("selection-title").textContent = chosen.length.toLocaleString() + " words selected, most frequent first:";
    for (const i of chosen.slice(0, 200)) {
      const li = document.createElement("li");
      li.textContent = D.words[i];
      const s = document.createElement("span"); s.textContent = D.counts[i].toLocaleString(); li.appendChild(s);
      li.addEventListener("click", () => (inFrame ? say({ w2vkitWord: (D.keys || D.words)[i] }) : select(D.words[i])));
      ol.appendChild(li);
    }
    $("selection-ask").hidden = !inFrame;
  }
  for (const button of document.querySelectorAll("#selection-ask button")) {
    button.addEventListener("click", () => {
      const words = state.selection.slice(0, 10).map((i) => (D.keys || D.words)[i]);
      if (words.length) say({ w2vkitAsk: button.dataset.ask, w2vkitWords: words });
    });
  }

  // ---- search: fly to a word and its neighbours ------------------------------------------------
  let selecting = false;
  function select(word, fly = true) {
    const w = word.trim();
    list.textContent = "";
    selecting = true;
    try {
      if (!w) { state.query = null; state.highlighted = []; status.textContent = ""; scatterplot.deselect(); relabel(); return; }
      const i = index.has(w) ? index.get(w) : index.get(w.toLowerCase());
      if (i === undefined) {
        state.query = null; state.highlighted = []; scatterplot.deselect();
        status.textContent = "“" + w + "” is not on this map"; relabel(); return;
      }
      search.value = D.words[i];
      const near = D.neighbours ? D.neighbours[i] : [];
      state.query = i; state.highlighted = [i, ...near];
      status.textContent = D.words[i] + ": " + D.counts[i].toLocaleString() + " times" +
        (near.length ? "; nearest words (cosine):" : inFrame ? "; double-click it for its neighbours" : "");
      near.forEach((j, k) => {
        const li = document.createElement("li");
        li.dataset.word = D.words[j];
        li.textContent = D.words[j];
        const s = document.createElement("span"); s.textContent = D.scores[i][k].toFixed(3); li.appendChild(s);
        li.addEventListener("click", () => select(D.words[j]));
        list.appendChild(li);
      });
      scatterplot.select(state.highlighted, { preventEvent: true });
      if (fly) scatterplot.zoomToPoints(state.highlighted, { padding: near.length ? 0.4 : 8, transition: true, transitionDuration: 500 });
      relabel();
    } finally { selecting = false; }
  }
  window.w2vkitSelect = select;
  search.addEventListener("change", () => select(search.value));
  search.addEventListener("keydown", (e) => { if (e.key === "Enter") select(search.value); if (e.key === "Escape") { search.value = ""; select(""); } });
  window.addEventListener("keydown", (e) => { if (e.key === "Escape") { search.value = ""; select(""); } });
  window.addEventListener("resize", () => { fit(); relabel(); });

  // (frame times for the benchmark: the gaps between animation frames while it pans and zooms)
  state.measure = (ms) => new Promise((done) => {
    const times = [];
    const end = performance.now() + ms;
    const tick = (t) => { times.push(t); if (t < end) requestAnimationFrame(tick); else done(times.slice(1).map((x, k) => x - times[k])); };
    requestAnimationFrame(tick);
  });

  fit();
  scatterplot.draw({ x: xs, y: ys, valueA: category }).then(() => {
    state.drawn = n;
    canvas.dataset.points = String(n);
    drawLabels();
    document.body.dataset.ready = "1";
  });
})();
