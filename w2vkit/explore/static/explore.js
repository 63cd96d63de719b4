// w2vkit explore: the page. Every answer is a Result.to_dict() fetched from this page's own server
// (w2vkit/explore/server.py); every word, passage and label goes in as text (textContent, SVG
// text nodes), never as markup. The address holds the question, so a link reproduces the view.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const token = params.get("token") || "";
  const SVG = "http://www.w3.org/2000/svg";
  let about = null;
  let aboutAsked = null;  // (the model's facts, asked at once, beside the first view's question)

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") {
      if (Number.isInteger(v)) return v.toLocaleString("en");
      return Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toPrecision(2);
    }
    // (a list of numbers, a contrast's cosines or z, read as a number each, not at full precision)
    if (Array.isArray(v)) return v.map((x) => (Array.isArray(x) ? x.join(" ") : typeof x === "number" ? fmt(x) : x)).join(" ");
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function setError(message) { $("error").textContent = message || ""; }
  function setStatus(message) { $("status").textContent = message || ""; }

  // ---- the address is the state ------------------------------------------------------------
  function state() { return Object.fromEntries(new URLSearchParams(location.search)); }
  // A new view: the kind of similarity and the ranking carry over; keep=true: the rest of the
  // current view too (a switch, a neighbour chosen).
  function go(changes, keep = false) {
    const now = state();
    const merged = Object.assign(keep ? now : { similarity: now.similarity, rank: now.rank }, changes);
    const next = new URLSearchParams();
    next.set("token", token);
    for (const [k, v] of Object.entries(merged)) if (k !== "token" && v !== undefined && v !== null && v !== "") next.set(k, v);
    history.pushState(null, "", location.pathname + "?" + next.toString());
    show();
  }
  window.addEventListener("popstate", show);

  // ---- asking the server ---------------------------------------------------------------------
  function apiUrl(name, query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
    return "api/" + name + "?" + q.toString();
  }
  async function ask(name, query) {
    const url = apiUrl(name, query);
    for (;;) {
      let response;
      try {
        response = await fetch(url, { headers: { "X-W2vkit-Token": token } });
      } catch (e) {
        throw new Error("the explorer's server does not answer (was it stopped?)");
      }
      let body;
      try { body = await response.json(); } catch (e) { throw new Error("the server's answer was not JSON (" + response.status + ")"); }
      if (response.status === 202 && body.pending) { setStatus(body.message); await new Promise((r) => setTimeout(r, 1000)); continue; }
      if (!response.ok) throw new Error(body.error || ("the server answered " + response.status));
      setStatus("");
      body.url = url;
      return body;
    }
  }
  async function answered(name, query, what) {
    setError("");
    setStatus("asking: " + what + "…");
    try { return await ask(name, query); } catch (e) { setStatus(""); setError(e.message); return null; }
  }

  // ---- showing a Result ----------------------------------------------------------------------
  function notes(node, result) {
    clear(node);
    for (const n of result.notes || []) node.appendChild(el("li", n.message, n.kind));
  }
  function takeaway(node, answer) {
    clear(node);
    const link = el("a", "link to this view");
    link.href = location.href;
    const json = el("a", "JSON");
    json.href = answer.url + "&token=" + encodeURIComponent(token);
    json.target = "_blank";
    node.append(link, " · ", json, " · the same from the command line: ", el("code", answer.command));
  }
  function bar(low, high, estimate, lo, hi) {
    const b = el("span", null, "bar");
    const x = (v) => (100 * (v - lo) / (hi - lo || 1)).toFixed(1) + "%";
    const span = el("span");
    span.style.left = x(Math.max(lo, low));
    span.style.width = "calc(" + x(Math.min(hi, high)) + " - " + x(Math.max(lo, low)) + ")";
    const tick = el("i");
    tick.style.left = x(estimate);
    b.append(span, tick);
    if (lo < 0 && hi > 0) { const zero = el("b"); zero.style.left = x(0); b.appendChild(zero); }
    b.title = fmt(estimate) + " (90% interval " + fmt(low) + " to " + fmt(high) + ")";
    return b;
  }
  const HIDDEN = new Set(["low", "high"]);
  // Lists shown word by word with their numbers side by side (a contrast's neighbours and their
  // cosines, its context words and their z), not as two columns apart.
  const PAIRED = { neighbours: "cosines", context: "context_z", vs_neighbours: "vs_cosines", vs_context: "vs_context_z" };
  // A result's rows as a table: every column, an interval bar where the rows have low and high,
  // rows clickable when `onRow` is given (and an arrow to go to the row's word).
  function table(node, result, opts = {}) {
    clear(node);
    const rows = result.results || [];
    if (!rows.length) { node.appendChild(el("caption", "no rows")); return; }
    // (a contrast's neighbours with their recurrence among the members: shown on the words, faint
    // when fewer than half the members find them, not as a column of numbers beside them)
    const shares = Array.isArray(rows[0].neighbours) && Array.isArray(rows[0].recurrence);
    const paired = Object.entries(PAIRED).filter(([w, v]) => Array.isArray(rows[0][w]) && Array.isArray(rows[0][v]));
    const numbersOf = Object.fromEntries(paired);
    const pairedNumbers = new Set(paired.map(([, v]) => v));
    const columns = Object.keys(rows[0]).filter((c) => !HIDDEN.has(c) && !(shares && c === "recurrence") && !pairedNumbers.has(c));
    const interval = "low" in rows[0] && "high" in rows[0];
    // the bars' scale: 0 to 1 for similarities, else 0 to the largest high (a change of 0.03)
    const estimateOf = opts.estimate || "similarity";
    let lo = 0, hi = estimateOf === "similarity" ? 1 : 0;
    if (interval) {
      for (const r of rows) if (r.low !== null && r.high !== null) { lo = Math.min(lo, r.low); hi = Math.max(hi, r.high); }
    }
    const head = el("tr");
    for (const c of columns) head.appendChild(el("th", c));
    if (interval) head.appendChild(el("th", "90% interval"));
    const thead = el("thead"); thead.appendChild(head); node.appendChild(thead);
    if (interval) {  // (the bars' axis under their heading: the scale's ends; hover a bar for its numbers)
      const axis = el("tr", null, "axis");
      for (let k = 0; k < columns.length; k++) axis.appendChild(el("td"));
      const ends = el("td", null, "axis");
      ends.append(el("span", fmt(lo)), el("span", fmt(hi)));
      ends.title = "each bar runs from " + fmt(lo) + " (left) to " + fmt(hi) + " (right)";
      axis.appendChild(ends);
      thead.appendChild(axis);
    }
    const body = el("tbody");
    rows.forEach((r, i) => {
      const tr = el("tr");
      for (const c of columns) {
        const listed = (shares && c === "neighbours") || (c in numbersOf && Array.isArray(r[c]));
        const td = el("td", listed ? "" : fmt(r[c]), typeof r[c] === "number" ? "num" : "");
        if (listed) {
          const numbers = c in numbersOf ? r[numbersOf[c]] || [] : [];
          r[c].forEach((w, k) => {
            const share = shares && c === "neighbours" ? r.recurrence[k] : undefined;
            const span = el("span", w, typeof share === "number" && share < 0.5 ? "faint" : "");
            if (typeof share === "number") span.title = "found by " + Math.round(100 * share) + "% of the members";
            const pair = el("span", null, "pair");  // (a word and its number never split across lines)
            pair.appendChild(span);
            if (typeof numbers[k] === "number") pair.append(el("small", " " + fmt(numbers[k]), "faint"));
            td.append(k ? " " : "", pair);
          });
        }
        if (c === "word" && opts.unstable !== undefined && typeof r.recurrence === "number" && r.recurrence < opts.unstable) {
          const flag = el("span", "unstable", "flag");
          flag.title = "found in the top " + rows.length + " of only " + Math.round(100 * r.recurrence) + "% of the members";
          td.appendChild(flag);
        }
        if (c === "word" && opts.goTo) {
          const arrow = el("a", " →");
          arrow.href = "#"; arrow.title = "go to " + r[c]; arrow.className = "go";
          arrow.addEventListener("click", (ev) => { ev.preventDefault(); ev.stopPropagation(); opts.goTo(r[c]); });
          td.appendChild(arrow);
        }
        tr.appendChild(td);
      }
      if (interval) {
        const td = el("td");
        if (r.low !== null && r.high !== null) td.appendChild(bar(r.low, r.high, r[estimateOf] ?? r.change ?? r.score ?? 0, lo, hi));
        else td.textContent = "n/a";
        tr.appendChild(td);
      }
      if (opts.onRow) { tr.className = "clickable"; tr.addEventListener("click", () => opts.onRow(r, tr, i)); }
      tr.dataset.word = r.word ?? "";
      body.appendChild(tr);
    });
    node.appendChild(body);
    if (node.classList.contains("sortable")) sortable(node, columns);
  }
  function sortable(node, columns) {
    node.querySelectorAll("th").forEach((th, i) => {
      if (i >= columns.length) return;
      th.addEventListener("click", () => {
        const body = node.querySelector("tbody");
        const trs = Array.from(body.rows);
        const down = th.dataset.down !== "1";
        th.dataset.down = down ? "1" : "0";
        const val = (tr) => { const t = tr.cells[i].textContent.replace(/,/g, ""); const n = parseFloat(t); return isNaN(n) ? t : n; };
        trs.sort((a, b) => { const x = val(a), y = val(b); const c = x < y ? -1 : x > y ? 1 : 0; return down ? -c : c; });
        for (const tr of trs) body.appendChild(tr);
      });
    });
  }

  // ---- a picture of points (the neighbourhood, a path) with pan and zoom --------------------
  function drawPoints(svg, points, onClick, lines) {
    clear(svg);
    if (!points.length) return;
    const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const w = svg.viewBox.baseVal.width, h = svg.viewBox.baseVal.height;
    const sx = (x) => 40 + (w - 100) * (x - x0) / ((x1 - x0) || 1);
    const sy = (y) => 30 + (h - 60) * (y1 - y) / ((y1 - y0) || 1);
    const g = svgEl("g", {});
    if (lines) {
      const d = lines.map((p, i) => (i ? "L" : "M") + sx(p.x).toFixed(1) + " " + sy(p.y).toFixed(1)).join(" ");
      g.appendChild(svgEl("path", { d: d, fill: "none", stroke: "#c0392b", "stroke-width": 2, "marker-end": "" }));
    }
    const texts = [];
    for (const p of points) {
      const point = svgEl("g", { class: "point" + (p.query ? " query" : "") });
      point.dataset.word = p.word;
      const c = svgEl("circle", { cx: sx(p.x), cy: sy(p.y), r: p.query ? 6 : 4, class: p.query ? "query" : "" });
      const t = svgEl("text", { x: sx(p.x) + 7, y: sy(p.y) + 4, class: p.query ? "query" : "" });
      t.textContent = p.label ?? p.word;
      const title = svgEl("title", {});
      title.textContent = p.title ?? p.word;
      point.append(title, c, t);
      if (onClick) point.addEventListener("click", () => onClick(p));
      g.appendChild(point);
      texts.push([t, sx(p.x), sy(p.y), p.query ? 6 : 4]);
    }
    svg.appendChild(g);
    svg.labels = texts;
    apart(texts);
    panZoom(svg, w, h);
  }
  // (the CJK font arrives after the first view is drawn, and its glyphs are wider than the boxes
  // drawn before it: the labels are placed again with their new sizes)
  if (document.fonts) document.fonts.addEventListener("loadingdone", () => {
    for (const svg of document.querySelectorAll("svg")) if (svg.labels && svg.isConnected) apart(svg.labels);
  });
  // Each label beside its point where it covers no point and no label placed before it: right,
  // left, above or below, a step further out each round (two groups' vectors often lie a few
  // pixels apart, and their names were drawn over each other). The path's points are placed first.
  function apart(texts) {
    const placed = texts.map(([, x, y, r]) => ({ x: x - r, y: y - r, width: 2 * r, height: 2 * r }));
    const hits = (b) => placed.some((o) => b.x < o.x + o.width && o.x < b.x + b.width && b.y < o.y + o.height && o.y < b.y + b.height);
    for (const [t, x, y] of texts) {
      const { width, height } = t.getBBox();  // (drawn in place first: its size in this font)
      let best = null;
      for (let step = 0; step < 6 && !best; step++) {
        const d = 7 + 8 * step;
        for (const [dx, dy] of [[d, 4], [-d - width - 3, 4], [-width / 2, -d], [-width / 2, d + height - 4]]) {
          const box = { x: x + dx, y: y + dy - height + 4, width: width, height: height };
          if (!hits(box)) { best = [dx, dy, box]; break; }
        }
      }
      if (!best) continue;  // (crowded past six steps: left where it was)
      t.setAttribute("x", (x + best[0]).toFixed(1));
      t.setAttribute("y", (y + best[1]).toFixed(1));
      placed.push(best[2]);
    }
  }
  function panZoom(svg, w, h) {
    let box = [0, 0, w, h], drag = null;
    const set = () => svg.setAttribute("viewBox", box.map((v) => v.toFixed(1)).join(" "));
    set();
    svg.onwheel = (ev) => {
      ev.preventDefault();
      const k = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
      const r = svg.getBoundingClientRect();
      const px = box[0] + box[2] * (ev.clientX - r.left) / r.width, py = box[1] + box[3] * (ev.clientY - r.top) / r.height;
      box = [px - (px - box[0]) * k, py - (py - box[1]) * k, box[2] * k, box[3] * k];
      set();
    };
    svg.onmousedown = (ev) => { drag = [ev.clientX, ev.clientY, box[0], box[1]]; };
    svg.onmousemove = (ev) => {
      if (!drag) return;
      const r = svg.getBoundingClientRect();
      box[0] = drag[2] - (ev.clientX - drag[0]) * box[2] / r.width;
      box[1] = drag[3] - (ev.clientY - drag[1]) * box[3] / r.height;
      set();
    };
    svg.onmouseup = svg.onmouseleave = () => { drag = null; };
  }

  // ---- the views -----------------------------------------------------------------------------
  function goToWord(word) { go({ view: "word", word: word }); }
  function common() { const s = state(); return { similarity: s.similarity, rank: s.rank }; }

  async function showWord(s) {
    $("search").value = s.word || "";
    if (!s.word) { $("word-title").textContent = "Type a word above."; return; }
    $("word-title").textContent = s.word;
    const answer = await answered("similar", { positive: s.word, similarity: s.similarity, rank: s.rank }, "the neighbours of " + s.word);
    await aboutAsked;
    if (!answer) { clear($("neighbours")); clear($("neighbourhood")); clear($("word-notes")); return; }
    const result = answer.result;
    notes($("word-notes"), result);
    const query = (result.query || [])[0];
    $("word-title").textContent = s.word + (query && query.key !== s.word ? " (" + query.key + ")" : "");
    if (query && query.composed) $("word-title").appendChild(el("span", "composed from its character n-grams", "flag"));
    table($("neighbours"), result, {
      goTo: goToWord,
      unstable: about ? about.unstable_below : undefined,  // (the library's threshold of an unstable neighbour)
      onRow: (r) => go({ near: r.word }, true),
    });
    for (const tr of $("neighbours").querySelectorAll("tbody tr")) tr.classList.toggle("chosen", tr.dataset.word === s.near);
    takeaway($("word-takeaway"), answer);
    // (the same question as the table's, drawn: its rows, the same numbers under the same names)
    const place = await answered("neighbourhood", { positive: s.word, similarity: s.similarity, rank: s.rank }, "the neighbourhood");
    if (place) {
      const pts = place.result.results.map((r, i) => ({ word: r.word, x: r.x, y: r.y, query: i === 0, title: r.word + (i ? " " + fmt(r.similarity) : "") }));
      drawPoints($("neighbourhood"), pts, (p) => { if (p.word !== s.word) goToWord(p.word); });
    }
    if (s.near) await showPassages(s.word, s.near);
  }

  async function showPassages(word, near, group) {
    const answer = await answered("kwic", { word: word, near: near, group: group }, "the passages");
    $("passages").hidden = false;
    $("passages-title").textContent = near ? "Passages with " + word + " and " + near
      : group ? "The passages most typical of " + word + " in " + group : "Passages of " + word;
    if (!answer) { clear($("passages-table")); return; }
    notes($("passages-notes"), answer.result);
    const t = $("passages-table");
    clear(t);
    const rows = answer.result.results;
    const columns = rows.length ? Object.keys(rows[0]) : [];
    const head = el("tr");
    for (const c of columns) head.appendChild(el("th", c));
    t.appendChild(head);
    const kinds = { left: "left", word: "kw", right: "", line: "num", rank: "num", typicality: "num" };
    for (const r of rows) {
      const tr = el("tr");
      for (const c of columns) tr.appendChild(el("td", c === "file" ? (r.file || "").split("/").pop() : fmt(r[c]), kinds[c] || ""));
      t.appendChild(tr);
    }
    takeaway($("passages-takeaway"), answer);
  }

  const FINDINGS = {
    analogy: ["a", "b", "c"], "doesnt-match": ["words"], expand: ["seeds"], axis: ["positive", "negative", "words"],
  };
  async function showFinding(s) {
    const q = s.q;
    for (const form of document.querySelectorAll("#view-findings form")) {
      for (const input of form.querySelectorAll("input")) if (form.dataset.question === q) input.value = s[input.name] || "";
    }
    clear($("finding-table")); clear($("finding-notes")); clear($("finding-takeaway"));
    if (!q || !(q in FINDINGS)) { $("finding-title").textContent = "Ask a question above."; return; }
    const query = Object.assign(common(), Object.fromEntries(FINDINGS[q].map((k) => [k, s[k]])));
    $("finding-title").textContent = q + ": " + FINDINGS[q].map((k) => s[k] || "").join(" · ");
    const answer = await answered(q, query, q);
    if (!answer) return;
    notes($("finding-notes"), answer.result);
    table($("finding-table"), answer.result, { goTo: goToWord, estimate: q === "axis" ? "score" : "similarity" });
    takeaway($("finding-takeaway"), answer);
  }

  async function showGroups(s) {
    await aboutAsked;
    clear($("group-table")); clear($("group-notes")); clear($("group-takeaway")); clear($("curves")); $("path").style.display = "none";
    // (the contrast's form shows what was asked: a link reproduces the view)
    for (const input of document.querySelectorAll("#view-groups form[data-question='contrast'] input")) {
      if (input.type === "checkbox") input.checked = !!s[input.name]; else input.value = s[input.name] || "";
    }
    if (s.also || s.at || s.to || s.ratio) document.querySelector("#view-groups details.more").open = true;
    if (!about || !about.table) { $("group-title").textContent = "Start explore with --in TABLE --by COLUMN to contrast groups."; return; }
    if (s.q === "scan") {
      $("group-title").textContent = "The words that change most between the groups of " + about.by;
      const answer = await answered("scan", { top: s.top }, "a scan of the table");
      if (!answer) return;
      notes($("group-notes"), answer.result);
      table($("group-table"), answer.result, { estimate: "change", onRow: (r) => go({ view: "groups", q: "contrast", words: r.word }) });
      takeaway($("group-takeaway"), answer);
      return;
    }
    if (!s.words) { $("group-title").textContent = "Contrast a word between the groups of " + about.by + "."; return; }
    $("group-title").textContent = s.words + " between the groups of " + about.by;
    const asked = { words: s.words };
    for (const k of ["also", "at", "to", "ratio"]) if (s[k]) asked[k] = s[k];
    const answer = await answered("contrast", asked, "a contrast of " + s.words);
    if (!answer) return;
    notes($("group-notes"), answer.result);
    table($("group-table"), answer.result, { estimate: "change", onRow: (r) => showPassages(r.word, null, r.group) });
    takeaway($("group-takeaway"), answer);
    drawCurves($("curves"), answer.result.curves);
    const path = (answer.result.trajectories || [])[0];
    if (path && path.points) {
      $("path").style.display = "";
      const pts = path.points.map((p) => ({ word: p.group, label: path.word + " · " + p.group, x: p.x, y: p.y, query: true }))
        .concat(path.neighbours.map((n) => ({ word: n.word, label: n.word, x: n.x, y: n.y,
          title: n.word + " (near " + n.group + (typeof n.recurrence === "number" ? "; found by " + Math.round(100 * n.recurrence) + "% of the members" : "") + ")" })));
      drawPoints($("path"), pts, null, path.points);
    }
  }

  // A regression's number, drawn: the fitted vector's cosine to each word across the number's
  // range, with its band (result.curves: the values, and per word the cosines and the band's ends),
  // as the command line's --plot draws them.
  const CURVE_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  function drawCurves(node, curves) {
    clear(node);
    for (const c of (curves || []).slice(0, 6)) {
      const figure = el("figure"), w = 460, h = 280, left = 44, right = 90, top = 10, bottom = 30;
      const svg = svgEl("svg", { viewBox: `0 0 ${w} ${h}`, role: "img" });
      const xs = c.values, ys = c.lines.flatMap((l) => l.low.concat(l.high));
      const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
      const sx = (v) => left + (v - x0) / Math.max(x1 - x0, 1e-12) * (w - left - right);
      const sy = (v) => top + (y1 - v) / Math.max(y1 - y0, 1e-12) * (h - top - bottom);
      svg.appendChild(svgEl("line", { class: "axis", x1: left, y1: h - bottom, x2: w - right, y2: h - bottom }));
      svg.appendChild(svgEl("line", { class: "axis", x1: left, y1: top, x2: left, y2: h - bottom }));
      for (const [v, x, y, anchor] of [[x0, sx(x0), h - 12, "start"], [x1, sx(x1), h - 12, "end"]]) {
        const t = svgEl("text", { x: x, y: y, "text-anchor": anchor }); t.textContent = Number(v.toPrecision(4)).toLocaleString("en"); svg.appendChild(t);
      }
      for (const [v, y] of [[y1, sy(y1) + 4], [y0, sy(y0)]]) {
        const t = svgEl("text", { x: left - 4, y: y, "text-anchor": "end" }); t.textContent = v.toFixed(2); svg.appendChild(t);
      }
      // (each word's label at its line's end, moved apart where the ends lie closer than a line of text)
      const ends = c.lines.map((l, k) => [sy(l.cosine[xs.length - 1]) + 4, k]).sort((a, b) => a[0] - b[0]);
      ends.forEach((e, i) => { if (i && e[0] < ends[i - 1][0] + 12) e[0] = ends[i - 1][0] + 12; });
      const labelY = new Map(ends.map(([y, k]) => [k, y]));
      c.lines.forEach((l, k) => {
        const colour = CURVE_COLOURS[k % CURVE_COLOURS.length];
        const band = xs.map((v, i) => `${sx(v).toFixed(1)},${sy(l.high[i]).toFixed(1)}`)
          .concat(xs.map((v, i) => `${sx(v).toFixed(1)},${sy(l.low[i]).toFixed(1)}`).reverse());
        svg.appendChild(svgEl("polygon", { class: "band", points: band.join(" "), fill: colour }));
        const line = svgEl("polyline", { class: "line", stroke: colour, points: xs.map((v, i) => `${sx(v).toFixed(1)},${sy(l.cosine[i]).toFixed(1)}`).join(" ") });
        const title = svgEl("title", {}); title.textContent = l.word + ": " + fmt(l.cosine[0]) + " → " + fmt(l.cosine[xs.length - 1]);
        line.appendChild(title);
        svg.appendChild(line);
        const label = svgEl("text", { x: w - right + 4, y: labelY.get(k), fill: colour, "data-word": l.word });
        label.textContent = l.word;
        svg.appendChild(label);
      });
      figure.append(svg, el("figcaption", c.word + ": the fitted vector's cosine to each word along " + c.covariate +
        " (" + Math.round(100 * c.level) + "% band)"));
      node.appendChild(figure);
    }
  }

  // (the number of clusters only where clusters colour the map: the default is the table's groups
  // when explore was given one)
  function showClusterCount() {
    const colour = $("map-form").elements.colour.value || (about && about.table ? "groups" : "clusters");
    $("map-clusters").hidden = colour !== "clusters";
    $("map-column").hidden = colour !== "groups";  // (which of the table's columns: --by unless chosen)
  }

  // A lasso's words as the map's frame wrote them (a sandboxed frame may not download itself): a
  // file of this page's, under a name of its own, as text.
  function download(text, name) {
    const a = el("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/tab-separated-values;charset=utf-8" }));
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  // A word searched on the map: its nearest words as the word view answers them (similar, with the
  // page's kind of similarity and order), said to the map's frame, which lists and rings them.
  async function nearOnMap(word) {
    const s = state();
    let rows = [];
    try {
      const answer = await ask("similar", { positive: word, similarity: s.similarity, rank: s.rank });
      rows = (answer.result.results || []).map((r) => [r.word, r.similarity ?? r.model ?? 0]);
    } catch (e) { setError(e.message); }
    $("map").contentWindow.postMessage({ w2vkitNeighbours: { word: word, rows: rows } }, "*");
  }

  function showMap(s) {
    const form = $("map-form");
    for (const k of ["top", "method", "colour", "clusters", "words", "column", "chart", "of"]) if (s[k] !== undefined) form.elements[k].value = s[k];
    const q = new URLSearchParams({ token: token, method: form.elements.method.value });
    if (form.elements.top.value.trim()) q.set("top", form.elements.top.value.trim());  // (unset: every word)
    if (form.elements.colour.value) q.set("colour", form.elements.colour.value);  // (unset: the server's default)
    if (s.column) q.set("column", s.column);  // (a column of the table whose groups colour it: --by unless chosen)
    if (s.chart) q.set("chart", s.chart);  // (a second column, charted for the map's selection)
    if (s.of === "rows") q.set("of", "rows");  // (a point per row of the table, coloured by --by)
    if (form.elements.words.value.trim()) q.set("words", form.elements.words.value.trim());
    else if (form.elements.clusters.value.trim() && form.elements.clusters.value !== "0") q.set("clusters", form.elements.clusters.value.trim());
    if (s.similarity) q.set("similarity", s.similarity);
    showClusterCount();
    const src = "map?" + q.toString();
    if ($("map").getAttribute("src") !== src) $("map").setAttribute("src", src);
    const node = $("map-takeaway");
    clear(node);
    const link = el("a", "link to this view"); link.href = location.href;
    node.append(link, " · the map alone: ");
    const alone = el("a", "open"); alone.href = src; alone.target = "_blank"; node.appendChild(alone);
  }

  async function show() {
    const s = state();
    // (no view asked and no word: the whole vocabulary's map, warmed before the address was printed)
    const view = s.view || (s.word ? "word" : "map");
    for (const v of ["word", "findings", "groups", "map"]) $("view-" + v).hidden = v !== view;
    for (const a of document.querySelectorAll("nav a")) a.classList.toggle("current", a.dataset.view === view);
    $("similarity").value = s.similarity || (about ? about.similarity : "");
    $("rank").value = s.rank || "model";
    document.body.dataset.ready = "0";
    $("passages").hidden = true;
    if (view === "word") await showWord(s);
    else if (view === "findings") await showFinding(s);
    else if (view === "groups") await showGroups(s);
    else showMap(s);
    await aboutAsked;
    if (view === "map") showClusterCount();  // (the model's facts known: with a table or not)
    document.body.dataset.ready = "1";
    // (on the map, once its frame says every point is drawn, and only if the page has Chinese of its
    // own to show or the user types: the map's page brings the glyphs it draws, and decoding 8 MB of
    // font beside it slowed its first paint and then its panning (an 83 ms frame) on two cores; a
    // map that never says so, an error's page, is treated so a few seconds after it loads)
    if (view === "map" && !fontsAdded) $("map").addEventListener("load", () => setTimeout(fontsWhenNeeded, 3000), { once: true });
    else addFonts();
  }

  // The CJK font (a system one, else the bundled one from this server) once the first view is
  // drawn: the page is painted before 8 MB of font arrive on a machine that has none.
  let fontsAdded = false;
  function fontsWhenNeeded() {
    if (fontsAdded) return;
    if (/[\u2e80-\u9fff\uf900-\ufaff]/.test(document.body.textContent)) addFonts();
    else document.addEventListener("focusin", addFonts, { once: true });  // (a word about to be typed)
  }

  function addFonts() {
    if (fontsAdded) return;
    fontsAdded = true;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "static/explore-fonts.css?token=" + encodeURIComponent(token);
    // (a load cut short, the page left or the server stopped while 8 MB arrive, keeps the system's
    // fonts: not an error of the page's)
    link.onload = () => document.fonts.load("16px 'w2vkit CJK'", "字").then(
      () => { document.body.dataset.fonts = "1"; }, () => { document.body.dataset.fonts = "system"; });
    document.head.appendChild(link);
  }

  function showAbout(result) {
    about = result;
    $("model").textContent = about.model + " · " + fmt(about.words) + " words · " + about.dimensions + " dimensions" +
      (about.members ? " · " + about.members + " resampled members" : " · no resampled members") +
      (about.table ? " · " + about.table + " by " + about.by : "");
    for (const kind of about.similarities) { const o = el("option", kind); o.value = kind; $("similarity").appendChild(o); }
    $("similarity").value = state().similarity || about.similarity;
    $("groups-tab").hidden = !about.table;
    $("map-of").hidden = !about.table;
    $("map-chart").hidden = !(about.columns || []).length;  // (a table's columns, or the model's metadata's)
    const { column, chart } = $("map-form").elements;  // (the table's columns that may colour or chart the map)
    for (const c of about.columns || []) for (const select of [column, chart]) { const o = el("option", c); o.value = c; select.appendChild(o); }
    column.value = state().column || column.value; chart.value = state().chart || "";  // (a view's address asked them before they were listed)
    column.value = state().column || about.by || "";
  }

  // ---- wiring --------------------------------------------------------------------------------
  async function start() {
    aboutAsked = answered("about", {}, "the model").then((a) => { if (a) showAbout(a.result); return a; });
    const shown = show();
    $("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); const w = $("search").value.trim(); if (w) goToWord(w); else setError("type a word"); });
    let typing = null;
    $("search").addEventListener("input", () => {
      clearTimeout(typing);
      typing = setTimeout(async () => {
        const prefix = $("search").value.trim();
        if (!prefix) return;
        try {
          const found = await ask("complete", { prefix: prefix });
          const list = $("vocabulary"); clear(list);
          for (const w of found.words) { const o = el("option"); o.value = w.word; o.label = fmt(w.count); list.appendChild(o); }
        } catch (e) { /* completion is a convenience: the search itself says what went wrong */ }
      }, 150);
    });
    $("similarity").addEventListener("change", () => go({ similarity: $("similarity").value }, true));
    $("rank").addEventListener("change", () => go({ rank: $("rank").value }, true));
    for (const a of document.querySelectorAll("nav a")) a.addEventListener("click", (ev) => { ev.preventDefault(); go({ view: a.dataset.view }); });
    for (const form of document.querySelectorAll("form[data-question]")) {
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        const q = form.dataset.question;
        const values = Object.fromEntries(Array.from(form.querySelectorAll("input")).map((i) =>
          [i.name, i.type === "checkbox" ? (i.checked ? "1" : "") : i.value.trim()]));
        go(Object.assign({ view: form.closest("section").id.replace("view-", ""), q: q }, values));
      });
    }
    // (the map's frame says a double-clicked word: only a string, only from that frame)
    // (or a selection's words to read in passages, contrast or expand: strings only, the first ten)
    window.addEventListener("message", (ev) => {
      if (ev.source !== $("map").contentWindow || !ev.data) return;
      if (ev.data.w2vkitDrawn === true) { fontsWhenNeeded(); return; }
      if (typeof ev.data.w2vkitWord === "string") { goToWord(ev.data.w2vkitWord.slice(0, 100)); return; }
      if (typeof ev.data.w2vkitNear === "string") { nearOnMap(ev.data.w2vkitNear.slice(0, 100)); return; }
      if (typeof ev.data.w2vkitDownload === "string") { download(ev.data.w2vkitDownload, "selection.tsv"); return; }
      const words = Array.isArray(ev.data.w2vkitWords) ? ev.data.w2vkitWords.filter((w) => typeof w === "string").slice(0, 10).map((w) => w.slice(0, 100)) : [];
      if (!words.length) return;
      if (ev.data.w2vkitAsk === "contrast") go({ view: "groups", q: "contrast", words: words.join(" ") });
      else if (ev.data.w2vkitAsk === "kwic") showPassages(words[0], null, null);
      else if (ev.data.w2vkitAsk === "expand") go({ view: "findings", q: "expand", seeds: words.join(" ") });  // (a seed list)
    });
    $("map-form").elements.colour.addEventListener("change", showClusterCount);
    $("map-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = ev.target.elements;
      go({ view: "map", top: f.top.value, method: f.method.value, colour: f.colour.value, clusters: f.clusters.value, words: f.words.value.trim(), column: f.column.value, of: f.of.value });
    });
    await shown;
    $("similarity").value = state().similarity || (about ? about.similarity : "");
  }
  window.w2vkitExplore = { go: go, state: state };
  start();
})();
