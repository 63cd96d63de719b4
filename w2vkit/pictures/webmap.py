"""An interactive map of the vector space as one self-contained HTML file (`plot -o map.html`).

The page is a small hand-written canvas viewer, inlined with its data: pan and zoom, hover for a
word and its count, labels that appear as you zoom in (most frequent first, never overlapping), a
search box that highlights a word and its nearest neighbours. It needs no server, no CDN and no
network, so the file can be mailed or opened from a USB stick.

Why not a plotting library: plotly, the usual choice that can inline its JavaScript, adds its
4.8 MB plotly.min.js to every file (plotly 7.1) and has no search-and-highlight of its own, so the
page would need the same custom script on top; this viewer is ~12 KB of script and draws 20,000
points per frame in a few milliseconds.

The neighbours are computed here from the model's real vectors (cosine, the same scores as
`w2vkit similar`), not from the 2-D positions: the top-k among the map's words are embedded as
index lists with their cosines.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np

from ..base.render import json_safe
from ..base.vecmath import top_k, unit_rows
from ..queries.query import Engine
from .fonts import page_font_face

NEIGHBOURS = 10
# Memory for one block of rows of the similarity matrix and its selection (4-byte cosines, a
# 4-byte negated copy and argpartition's 8-byte indices per cell): the block's rows are chosen so
# that the block takes about this much whatever the number of words.
BLOCK_BYTES = 128 << 20


def neighbour_lists(vectors: np.ndarray, k: int = NEIGHBOURS, block: int | None = None):
    """(indices, cosines) of each row's k nearest other rows by cosine, computed in blocks of
    rows that take about BLOCK_BYTES each, not the whole n x n similarity matrix (40 GB at
    100,000 words)."""
    unit = unit_rows(vectors)
    n = len(unit)
    k = min(k, n - 1)
    block = block or max(16, BLOCK_BYTES // (16 * max(n, 1)))
    indices = np.empty((n, k), dtype=np.int32)
    scores = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        sims = unit[start : start + block] @ unit.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -np.inf  # a word is not its own neighbour
        best = top_k(sims, k)
        best = np.where(best >= 0, best, (start + rows)[:, None])  # (a row of fewer than k: itself fills)
        indices[start : start + block] = best
        scores[start : start + block] = np.take_along_axis(sims, best, axis=1)
    return indices, scores


def map_data(engine: Engine, chosen, groups, is_query, xy, group_names, title: str, shown=None) -> dict:
    """The page's data: words in the given order (most frequent first when no words were asked
    for), positions scaled to [0, 1000], counts, groups and the real-vector neighbour lists.
    shown: the text to show and search for each word (an item's "ID name"), else the word."""
    ids = [engine.model.index[w] for w in chosen]
    vectors = np.asarray(engine.vectors[ids], dtype=np.float32)
    indices, scores = neighbour_lists(vectors)
    xy = np.asarray(xy, dtype=np.float64)
    low, high = xy.min(axis=0), xy.max(axis=0)
    scaled = (xy - low) / max(float((high - low).max()), 1e-12) * 1000
    counts = engine.model.counts
    return {
        "title": title,
        "words": list(shown if shown is not None else chosen),
        **({"keys": list(chosen)} if shown is not None else {}),  # (the model's own words, when shown differs)
        "counts": [int(counts[i]) if counts is not None else 0 for i in ids],
        "x": [round(float(v), 1) for v in scaled[:, 0]],
        "y": [round(float(v), 1) for v in scaled[:, 1]],
        "group": [int(g) for g in groups],
        "groups": list(group_names),
        "query": [i for i, q in enumerate(is_query) if q],
        "neighbours": indices.tolist(),
        "scores": np.round(scores, 3).tolist(),
        "neighbour_note": f"top {indices.shape[1]} by cosine of the model's vectors, among the map's words",
    }


# Characters of the data that must not appear raw inside <script>: "<" (which could start
# "</script" or "<!--"), ">" and "&" for good measure, and U+2028/2029, which older JavaScript
# parsers took for line ends. In JSON strings each is written as its \\u escape, which parses
# back to the same text.
_SCRIPT_DATA_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})
_PLACEHOLDER = re.compile(r"__(TITLE|DATA|SCRIPT|FONTS)__")


def render_html(data: dict) -> str:
    """The whole page: style, data and script inline, filled in one pass over the template (text
    put in is never searched for placeholders again), each piece escaped for where it goes: the
    title as HTML text, the data as JSON safe inside <script>."""
    payload = json.dumps(json_safe(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    shown = [data["title"], *data["words"], *data.get("groups", ())]
    parts = {
        "TITLE": html.escape(data["title"]),
        "DATA": payload.translate(_SCRIPT_DATA_ESCAPES),
        "SCRIPT": _SCRIPT,
        "FONTS": page_font_face("".join(map(str, shown))),  # (base64 and a family name: nothing to escape)
    }
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _PAGE)


_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
  __FONTS__
  html, body { margin: 0; height: 100%; overflow: hidden; background: #fbfbfa; color: #222;
    font-family: "w2vkit CJK", system-ui, "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei",
      "WenQuanYi Micro Hei", sans-serif; }
  #map { position: absolute; inset: 0; width: 100%; height: 100%; cursor: grab; }
  #map.dragging { cursor: grabbing; }
  #panel { position: absolute; top: 12px; left: 12px; width: 290px; background: rgba(255,255,255,.94);
    border: 1px solid #ddd; border-radius: 8px; padding: 10px 12px; box-shadow: 0 2px 8px rgba(0,0,0,.08);
    font-size: 13px; }
  #panel h1 { font-size: 14px; margin: 0 0 6px; font-weight: 600; }
  #search { width: 100%; box-sizing: border-box; font-size: 15px; padding: 5px 7px; border: 1px solid #bbb;
    border-radius: 5px; }
  #status { color: #666; margin: 6px 0 0; min-height: 1.2em; }
  #neighbours { margin: 6px 0 0; padding-left: 22px; max-height: 40vh; overflow-y: auto; }
  #neighbours li { cursor: pointer; line-height: 1.5; }
  #neighbours li span { color: #888; float: right; font-variant-numeric: tabular-nums; }
  #help { color: #888; font-size: 11px; margin-top: 6px; }
  #tip { position: absolute; pointer-events: none; background: #222; color: #fff; padding: 3px 7px;
    border-radius: 4px; font-size: 13px; display: none; white-space: nowrap; }
  #legend { list-style: none; margin: 6px 0 0; padding: 0; font-size: 12px; max-height: 30vh; overflow-y: auto; }
  #legend span { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
</style>
</head>
<body>
<canvas id="map"></canvas>
<div id="panel">
  <h1 id="title">__TITLE__</h1>
  <input id="search" type="search" list="words" placeholder="find a word…" autocomplete="off" aria-label="find a word">
  <datalist id="words"></datalist>
  <div id="status"></div>
  <ol id="neighbours"></ol>
  <ul id="legend"></ul>
  <div id="help">drag to pan · wheel to zoom · hover for counts · Esc clears</div>
</div>
<div id="tip"></div>
<script id="map-data" type="application/json">__DATA__</script>
<script>__SCRIPT__</script>
</body>
</html>
"""

# The viewer. Labels: at each redraw, words are tried in data order (most frequent first, queries
# before all) and drawn only where their box overlaps no label already drawn (a coarse grid of
# occupied cells keeps that linear), so more appear as you zoom in.
_SCRIPT = r"""
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("map-data").textContent);
  const n = D.words.length;
  const canvas = document.getElementById("map");
  const ctx = canvas.getContext("2d");
  const tip = document.getElementById("tip");
  const search = document.getElementById("search");
  const status = document.getElementById("status");
  const list = document.getElementById("neighbours");
  const FONT = getComputedStyle(document.body).fontFamily;
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"];
  const color = g => g === D.plain ? "#bdbdbd" : D.groups.length <= 1 ? "#4a6fa5" : PALETTE[g % PALETTE.length];
  if (D.groups.length > 1) {  // the legend: each colour's group, with how many of the map's words it holds
    const held = new Map(); for (const g of D.group) held.set(g, (held.get(g) || 0) + 1);
    D.groups.forEach((name, g) => {
      const li = document.createElement("li"), swatch = document.createElement("span");
      swatch.style.background = color(g);
      li.append(swatch, name + " · " + (held.get(g) || 0).toLocaleString() + " words");
      document.getElementById("legend").appendChild(li);
    });
  }
  const index = new Map(D.words.map((w, i) => [w, i]));
  const isQuery = new Uint8Array(n);
  D.query.forEach(i => { isQuery[i] = 1; });
  const order = [...D.query, ...Array.from({length: n}, (_, i) => i).filter(i => !isQuery[i])];
  const state = { scale: 1, tx: 0, ty: 0, query: null, highlighted: [], labelled: 0 };
  window.w2vkitMap = state;  // for scripts and tests: what is highlighted and labelled
  let width = 0, height = 0, dpr = 1;

  // Words are data: set as property values, never parsed as HTML.
  const datalist = document.getElementById("words");
  for (const w of D.words.slice(0, 20000)) { const o = document.createElement("option"); o.value = w; datalist.appendChild(o); }

  function fit() {
    dpr = window.devicePixelRatio || 1;
    width = canvas.clientWidth; height = canvas.clientHeight;
    canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr);
    const pad = 40, side = Math.max(1, Math.min(width, height) - 2 * pad);
    state.scale = side / 1000;
    state.tx = (width - side) / 2; state.ty = (height - side) / 2;
  }
  const sx = i => D.x[i] * state.scale + state.tx;
  const sy = i => D.y[i] * state.scale + state.ty;

  function draw() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const hl = new Set(state.highlighted);
    const r = Math.max(1.5, Math.min(4, 1.2 * Math.sqrt(state.scale * 1000 / Math.sqrt(n))));
    ctx.globalAlpha = hl.size ? 0.25 : 0.75;
    for (let i = 0; i < n; i++) {
      const x = sx(i), y = sy(i);
      if (x < -5 || y < -5 || x > width + 5 || y > height + 5) continue;
      ctx.fillStyle = color(D.group[i]);
      ctx.fillRect(x - r / 2, y - r / 2, r, r);
    }
    ctx.globalAlpha = 1;
    // labels: highlighted words first, then queries, then by frequency
    const cell = 8, cols = Math.ceil(width / cell) + 1, rows = Math.ceil(height / cell) + 1;
    const used = new Uint8Array(cols * rows);
    let labelled = 0;
    const budget = 1500;
    // Spots around a point (dx, dy of the text's left baseline; w, h: the label's size): right,
    // left, above, below. Ordinary labels only take the first; highlighted ones take any free one.
    const SPOTS = [(w, h) => [4, 4], (w, h) => [-4 - w, 4], (w, h) => [-w / 2, -7], (w, h) => [-w / 2, h + 6]];
    const tryLabel = (i, size, weight, fill, spots, force) => {
      const x = sx(i), y = sy(i);
      if (x < 0 || y < 0 || x > width || y > height) return false;
      ctx.font = weight + " " + size + "px " + FONT;
      const w = ctx.measureText(D.words[i]).width, h = size * 1.15;
      let chosen = null;
      for (const spot of spots) {
        const [dx, dy] = spot(w, h);
        const x0 = Math.floor((x + dx) / cell), x1 = Math.floor((x + dx + w) / cell);
        const y0 = Math.floor((y + dy - h) / cell), y1 = Math.floor((y + dy) / cell);
        let free = true;
        for (let cy = Math.max(0, y0); free && cy <= Math.min(rows - 1, y1); cy++)
          for (let cx = Math.max(0, x0); cx <= Math.min(cols - 1, x1); cx++)
            if (used[cy * cols + cx]) { free = false; break; }
        if (free) { chosen = [dx, dy, x0, x1, y0, y1]; break; }
      }
      if (!chosen && !force) return false;
      if (!chosen) {  // no free spot: to the right all the same
        const [dx, dy] = spots[0](w, h);
        chosen = [dx, dy, Math.floor((x + dx) / cell), Math.floor((x + dx + w) / cell),
                  Math.floor((y + dy - h) / cell), Math.floor((y + dy) / cell)];
      }
      const [dx, dy, x0, x1, y0, y1] = chosen;
      for (let cy = Math.max(0, y0); cy <= Math.min(rows - 1, y1); cy++)
        for (let cx = Math.max(0, x0); cx <= Math.min(cols - 1, x1); cx++) used[cy * cols + cx] = 1;
      if (force) {  // highlighted labels get a white halo: they may have to sit on other marks
        ctx.lineWidth = 4; ctx.lineJoin = "round"; ctx.strokeStyle = "rgba(255,255,255,.92)";
        ctx.strokeText(D.words[i], x + dx, y + dy);
      }
      ctx.fillStyle = fill;
      ctx.fillText(D.words[i], x + dx, y + dy);
      labelled++;
      return true;
    };
    ctx.textBaseline = "alphabetic";
    for (const i of state.highlighted) {
      const x = sx(i), y = sy(i);
      ctx.beginPath(); ctx.arc(x, y, i === state.query ? 7 : 5, 0, 2 * Math.PI);
      ctx.fillStyle = i === state.query ? "#d62728" : "#ff7f0e"; ctx.fill();
      ctx.lineWidth = 1.5; ctx.strokeStyle = "#222"; ctx.stroke();
    }
    // the query is always labelled (first, so it takes the best spot); its neighbours wherever a
    // spot around their point is free (all of them are listed in the panel; zoom in to see more)
    for (const i of state.highlighted) {
      const q = i === state.query;
      tryLabel(i, q ? 17 : 14, q ? "bold" : "600", q ? "#b01010" : "#111", SPOTS, q);
    }
    for (const i of order) {
      if (labelled >= budget) break;
      if (hl.has(i)) continue;
      tryLabel(i, isQuery[i] ? 15 : 12, isQuery[i] ? "bold" : "normal",
               hl.size ? "rgba(60,60,60,.45)" : (D.groups.length > 1 ? color(D.group[i]) : "#333"), SPOTS.slice(0, 1), false);
    }
    state.labelled = labelled;
    canvas.dataset.labelled = String(labelled);
  }

  let pending = false;
  const redraw = () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; draw(); }); } };
  // (a canvas does not ask for a web font: load the inlined one for the labels, then draw them again)
  if (document.fonts) document.fonts.load("13px " + FONT, "中").then(redraw, () => {});

  // a grid over data space for hover lookups
  const G = 64, grid = Array.from({length: G * G}, () => []);
  for (let i = 0; i < n; i++) grid[Math.min(G - 1, Math.floor(D.y[i] / 1000 * G)) * G + Math.min(G - 1, Math.floor(D.x[i] / 1000 * G))].push(i);
  function nearest(px, py, radius) {
    const dx = (px - state.tx) / state.scale, dy = (py - state.ty) / state.scale, rd = radius / state.scale;
    let best = -1, bestD = rd * rd;
    const gx0 = Math.max(0, Math.floor((dx - rd) / 1000 * G)), gx1 = Math.min(G - 1, Math.floor((dx + rd) / 1000 * G));
    const gy0 = Math.max(0, Math.floor((dy - rd) / 1000 * G)), gy1 = Math.min(G - 1, Math.floor((dy + rd) / 1000 * G));
    for (let gy = gy0; gy <= gy1; gy++) for (let gx = gx0; gx <= gx1; gx++) for (const i of grid[gy * G + gx]) {
      const d = (D.x[i] - dx) ** 2 + (D.y[i] - dy) ** 2;
      if (d <= bestD) { bestD = d; best = i; }
    }
    return best;
  }

  let drag = null;
  canvas.addEventListener("mousedown", e => { drag = {x: e.clientX, y: e.clientY, tx: state.tx, ty: state.ty}; canvas.classList.add("dragging"); });
  window.addEventListener("mouseup", () => { drag = null; canvas.classList.remove("dragging"); });
  window.addEventListener("mousemove", e => {
    if (drag) { state.tx = drag.tx + e.clientX - drag.x; state.ty = drag.ty + e.clientY - drag.y; tip.style.display = "none"; redraw(); return; }
    if (e.target !== canvas) return;
    const i = nearest(e.clientX, e.clientY, 8);
    if (i < 0) { tip.style.display = "none"; return; }
    tip.textContent = D.words[i] + "  ·  " + D.counts[i].toLocaleString() + " times" + (D.groups.length > 1 ? "  ·  " + D.groups[D.group[i]] : "");
    tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px"; tip.style.display = "block";
  });
  canvas.addEventListener("wheel", e => {
    e.preventDefault();
    const f = Math.exp(-e.deltaY * 0.0015);
    state.tx = e.clientX - (e.clientX - state.tx) * f; state.ty = e.clientY - (e.clientY - state.ty) * f;
    state.scale *= f; redraw();
  }, {passive: false});
  let clicked = -1;  // (the word a click chose: a double click's first click may move the view)
  canvas.addEventListener("click", e => {
    const i = nearest(e.clientX, e.clientY, 8);
    if (i >= 0) { clicked = i; select(D.words[i]); } else if (e.detail < 2) clicked = -1;
  });
  // In the explorer's frame: a double click opens the word's own view there (the frame is
  // sandboxed, so it can only say the word; the explorer checks where the message came from).
  if (window.parent !== window) {
    document.getElementById("help").textContent += " · double-click: the word's view";
    canvas.addEventListener("dblclick", () => {
      if (clicked >= 0) window.parent.postMessage({ w2vkitWord: (D.keys || D.words)[clicked] }, "*");
    });
  }

  function select(word) {
    const w = word.trim();
    list.innerHTML = "";
    if (!w) { state.query = null; state.highlighted = []; status.textContent = ""; redraw(); return; }
    const i = index.has(w) ? index.get(w) : index.get(w.toLowerCase());
    if (i === undefined) {
      state.query = null; state.highlighted = [];
      status.textContent = "“" + w + "” is not on this map"; redraw(); return;
    }
    search.value = D.words[i];
    state.query = i;
    state.highlighted = [i, ...D.neighbours[i]];
    status.textContent = D.words[i] + ": " + D.counts[i].toLocaleString() + " times; nearest words (cosine):";
    D.neighbours[i].forEach((j, k) => {
      const li = document.createElement("li");
      li.dataset.word = D.words[j];
      li.textContent = D.words[j];
      const s = document.createElement("span"); s.textContent = D.scores[i][k].toFixed(3); li.appendChild(s);
      li.addEventListener("click", () => select(D.words[j]));
      list.appendChild(li);
    });
    // bring the word and its neighbours into view
    // zoom so the query and the half of its neighbours nearest on the map fill the middle of the
    // view (the others may lie far away on a t-SNE map; the list names them all)
    const dist = D.neighbours[i].map(j => Math.hypot(D.x[j] - D.x[i], D.y[j] - D.y[i])).sort((a, b) => a - b);
    const radius = Math.max(25, dist[Math.floor(dist.length / 2)] || 25);
    const scale = Math.min(12, 0.35 * Math.min(width, height) / radius);
    if (scale > state.scale) state.scale = scale;
    state.tx = width / 2 - D.x[i] * state.scale; state.ty = height / 2 - D.y[i] * state.scale;
    redraw();
  }
  window.w2vkitSelect = select;
  search.addEventListener("change", () => select(search.value));
  search.addEventListener("keydown", e => { if (e.key === "Enter") select(search.value); if (e.key === "Escape") { search.value = ""; select(""); } });
  window.addEventListener("keydown", e => { if (e.key === "Escape") { search.value = ""; select(""); } });
  window.addEventListener("resize", () => { fit(); redraw(); });
  fit(); draw();
  document.body.dataset.ready = "1";
})();
"""
