"""An interactive map of the vector space as one self-contained HTML file (`plot -o map.html`).

The page is a small hand-written viewer, inlined with its data (static/webmap.js): the points set
as an image's pixels (100,000 and more), pan and zoom, hover for a word and its count, labels that
appear as you zoom in (most frequent first, never overlapping), a search box that highlights a word
and its nearest neighbours, a lasso that lists a region's words. It needs no server, no CDN and no
network, so the file can be mailed or opened from a USB stick.

Why not a plotting library: plotly, the usual choice that can inline its JavaScript, adds its
4.8 MB plotly.min.js to every file (plotly 7.1) and has no search-and-highlight of its own. Why not
WebGL (a scatter library or our own): in a browser without a GPU (software WebGL) regl-scatterplot
1.16 draws 124,000 points at 200-233 ms a frame and a plain WebGL scatter at up to 250 ms, where
setting the pixels by hand keeps every frame within 17-50 ms and draws the first screen no later
(webmap.js and benchmarks/atlas.py say how it was measured).

The neighbours are computed here from the model's real vectors (cosine, the same scores as
`w2vkit similar`), not from the 2-D positions: the top-k among the map's words are embedded as
index lists with their cosines.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

import numpy as np

from ..base.render import json_safe
from ..base.vecmath import row_neighbours, unit_rows
from ..queries.query import Engine
from .fonts import page_font_face

NEIGHBOURS = 10
# Memory for one block of rows of the similarity matrix and its selection (4-byte cosines, a
# 4-byte negated copy and argpartition's 8-byte indices per cell): the block's rows are chosen so
# that the block takes about this much whatever the number of words.


def neighbour_lists(vectors: np.ndarray, k: int = NEIGHBOURS):
    """(indices, cosines) of each row's k nearest other rows by cosine (w2vkit.base.vecmath's one
    block loop, row_neighbours); a row with fewer than k names itself in the rest."""
    indices, cosines = row_neighbours(unit_rows(vectors), k)
    own = np.arange(len(indices))[:, None]
    fill = indices < 0
    return np.where(fill, own, indices).astype(np.int32), cosines


def map_data(
    engine: Engine, chosen, groups, is_query, xy, group_names, title: str, shown=None, with_neighbours: bool = True
) -> dict:
    """The page's data: words in the given order (most frequent first when no words were asked
    for), positions scaled to [0, 1000], counts, groups and the real-vector neighbour lists (left
    out when not `with_neighbours`: the explorer's map, whose word view lists them).
    shown: the text to show and search for each word (an item's "ID name"), else the word."""
    ids = [engine.model.index[w] for w in chosen]
    xy = np.asarray(xy, dtype=np.float64)
    low, high = xy.min(axis=0), xy.max(axis=0)
    scaled = (xy - low) / max(float((high - low).max()), 1e-12) * 1000
    counts = engine.model.counts
    return {
        "title": title,
        "words": list(shown if shown is not None else chosen),
        # (the model's own words, only when shown differs: a second copy of 124,000 words is 1.3 MB
        # more for the page to read before its first paint)
        **({"keys": list(chosen)} if shown is not None and list(shown) != list(chosen) else {}),
        "counts": [int(counts[i]) if counts is not None else 0 for i in ids],
        "x": [round(float(v), 1) for v in scaled[:, 0]],
        "y": [round(float(v), 1) for v in scaled[:, 1]],
        "group": [int(g) for g in groups],
        "groups": list(group_names),
        "query": [i for i, q in enumerate(is_query) if q],
        **(_neighbours(engine, ids) if with_neighbours else {}),
    }


def _neighbours(engine: Engine, ids: list[int]) -> dict:
    indices, scores = neighbour_lists(np.asarray(engine.vectors[ids], dtype=np.float32))
    return {
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
    shown = [data["title"], *data["words"], *data.get("groups", ()), *data.get("chart", {}).get("groups", ())]
    parts = {
        "TITLE": html.escape(data["title"]),
        "DATA": payload.translate(_SCRIPT_DATA_ESCAPES),
        "SCRIPT": _script(),
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
  #map, #labels { position: absolute; inset: 0; width: 100%; height: 100%; }
  #map { cursor: grab; }
  #map.dragging { cursor: grabbing; }
  #map.lassoing { cursor: crosshair; }
  #labels { pointer-events: none; }
  #lasso.on { background: #333; color: #fff; }
  #panel { position: absolute; top: 12px; left: 12px; width: 290px; background: rgba(255,255,255,.94);
    border: 1px solid #ddd; border-radius: 8px; padding: 10px 12px; box-shadow: 0 2px 8px rgba(0,0,0,.08);
    font-size: 13px; }
  #panel h1 { font-size: 14px; margin: 0 0 6px; font-weight: 600; }
  input, button { font-family: inherit; }
  #search { width: 100%; box-sizing: border-box; font-size: 15px; padding: 5px 7px; border: 1px solid #bbb;
    border-radius: 5px; }
  #status { color: #666; margin: 6px 0 0; min-height: 1.2em; }
  #neighbours { margin: 6px 0 0; padding-left: 22px; max-height: 40vh; overflow-y: auto; }
  #neighbours li { cursor: pointer; line-height: 1.5; }
  #neighbours li.off-map { cursor: default; color: #888; }  /* (a nearest word this map does not draw) */
  #neighbours li span, #selected li span { color: #888; float: right; font-variant-numeric: tabular-nums; }
  #selected { margin: 6px 0 0; padding-left: 22px; max-height: 30vh; overflow-y: auto; }
  #selected li { cursor: pointer; line-height: 1.4; }
  #help { color: #888; font-size: 11px; margin-top: 6px; }
  #left-out { color: #666; font-size: 11px; margin: -2px 0 6px; }
  #command { font: 11px ui-monospace, monospace; color: #555; margin-top: 6px; word-break: break-all; }
  #tip { position: absolute; pointer-events: none; background: #222; color: #fff; padding: 3px 7px;
    border-radius: 4px; font-size: 13px; display: none; white-space: nowrap; }
  #legend { list-style: none; margin: 6px 0 0; padding: 0; font-size: 12px; max-height: 30vh; overflow-y: auto; }
  #legend li { cursor: pointer; }
  #legend span { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
  #chart-title { color: #555; font-size: 12px; margin-top: 8px; }
  #bars { list-style: none; margin: 4px 0 0; padding: 0; font-size: 12px; max-height: 25vh; overflow-y: auto; }
  #bars li { cursor: pointer; display: flex; gap: 6px; align-items: center; line-height: 1.5; }
  #bars li.on { font-weight: 600; }
  #bars .bar { background: #7a96b8; height: 9px; flex: none; min-width: 1px; }
  #bars .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
</style>
</head>
<body>
<canvas id="map"></canvas>
<canvas id="labels"></canvas>
<div id="panel">
  <h1 id="title">__TITLE__</h1>
  <div id="left-out"></div>
  <input id="search" type="search" list="words" placeholder="find a word…" autocomplete="off" aria-label="find a word">
  <datalist id="words"></datalist>
  <div id="status"></div>
  <ol id="neighbours"></ol>
  <ul id="legend"></ul>
  <div id="chart" hidden><div id="chart-title"></div><ul id="bars"></ul></div>
  <div id="selection" hidden><div id="selection-title"></div><ol id="selected"></ol>
    <button id="selection-more" type="button" hidden>list more</button>
    <button id="selection-download" type="button" title="every selected word with its count and colour's group">download (TSV)</button>
    <div id="selection-ask" hidden><button data-ask="kwic">passages of the first</button>
      <button data-ask="contrast">contrast the first ten</button>
      <button data-ask="expand">expand the first ten</button></div></div>
  <div id="command"></div>
  <div id="help">drag to pan · wheel to zoom · hover for counts · Shift-drag, or
    <button id="lasso" type="button" title="draw around words to list them">select</button> and drag, to list a region's words · Esc clears</div>
</div>
<div id="tip"></div>
<script id="map-data" type="application/json">__DATA__</script>
<script>__SCRIPT__</script>
</body>
</html>
"""


def _static(name: str) -> str:
    return (Path(__file__).parent / "static" / name).read_text(encoding="utf-8")


@functools.cache
def _script() -> str:
    """The page's script (static/webmap.js: WebGL points, and why by hand). It holds no "</script"
    (checked: the page would end there)."""
    script = _static("webmap.js")
    if "</script" in script.lower():
        raise RuntimeError("the map's script holds </script")
    return script
