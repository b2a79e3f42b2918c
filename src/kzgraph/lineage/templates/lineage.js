// The kzgraph lineage page: reads the JSON data block, draws it with vis-network, and adds the
// time axis, stage bands, tooltips, legend and lineage highlighting. All text from the data is
// put into the page with textContent, never as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kz-data").textContent);
  var axis = data.axis;
  var STAGE_FILLS = ["#f4efe1", "#e6f0f4", "#eee8f4", "#e8f2e4", "#f6ebe4", "#e7ebf5"];
  var STAGE_INKS = ["#b59d5a", "#5f9bb3", "#8f74b5", "#6a9e5b", "#c07e58", "#6b80b8"];
  var FADED = 0.14;

  function el(tag, content, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }
  function xOf(year) { return (year - axis.first) * axis.yearWidth; }
  function otherNames(info) {
    var seen = {};
    seen[info.name.toLocaleLowerCase()] = true;
    return info.labels.filter(function (label) {
      var key = label.toLocaleLowerCase();
      if (seen[key]) return false;
      seen[key] = true;
      return true;
    });
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function parts(text) { return text ? String(text).split(" | ") : []; }

  // -- tooltips -----------------------------------------------------------------------------
  function nodeTip(info) {
    var box = el("div");
    box.appendChild(el("div", info.name, "tip-title"));
    box.appendChild(el("div", info.kind + " · " + info.status, "tip-muted"));
    var others = otherNames(info);
    if (others.length) box.appendChild(el("div", "Also called: " + others.join("; ")));
    box.appendChild(el("div", "Founded: " + (info.founded || "not dated in the source")));
    if (info.hasEnd) box.appendChild(el("div", "Ended: " + (info.ended || "not dated in the source")));
    if (info.results.length) {
      box.appendChild(el("div", "Elections:"));
      var list = el("ul", null, "tip-list");
      info.results.forEach(function (r) { list.appendChild(el("li", r)); });
      box.appendChild(list);
    } else {
      box.appendChild(el("div", "No election result in the source", "tip-muted"));
    }
    return box;
  }
  function edgeTip(info) {
    var box = el("div");
    box.appendChild(el("div", info.sentence, "tip-title"));
    box.appendChild(el("div", "Relation: " + info.relation + " · Date: " + (info.date || "not stated in the source")));
    if (info.event) box.appendChild(el("div", info.event, "tip-muted"));
    var sources = parts(info.source);
    sources.forEach(function (c) { box.appendChild(el("div", "Source: " + c)); });
    var cited = parts(info.citation).filter(function (c) { return sources.indexOf(c) < 0; });
    if (cited.length) {
      var label = info.reference ? "Its reference [" + info.reference + "]: " : "Also: ";
      cited.forEach(function (c) { box.appendChild(el("div", label + c, "tip-muted")); });
    }
    if (!sources.length && !cited.length) box.appendChild(el("div", "No source recorded", "tip-muted"));
    parts(info.quote).forEach(function (q) { box.appendChild(el("div", "“" + q + "”", "tip-quote")); });
    return box;
  }

  data.nodes.forEach(function (n) { n.title = nodeTip(n.info); });
  data.edges.forEach(function (e) { e.title = edgeTip(e.info); });

  var container = document.getElementById("network");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var state = { network: network, nodes: nodes, edges: edges, drawn: null, draws: 0, selected: null, lit: null };
  window.kzgraph = state;

  // -- axis, stage bands and lifelines --------------------------------------------------------
  var ys = data.nodes.map(function (n) { return n.y; });
  var top = Math.min.apply(null, ys.concat([0])) - 3 * axis.laneHeight;
  var bottom = Math.max.apply(null, ys.concat([0])) + 2 * axis.laneHeight;
  var lastEdge = axis.last + 1;
  var stageRows = [];
  data.stages.forEach(function (s, i) {
    s.x0 = xOf(s.start === null ? axis.first : Math.max(s.start, axis.first));
    s.x1 = xOf(s.end === null ? lastEdge : s.end + 1);
    s.fill = STAGE_FILLS[i % STAGE_FILLS.length];
    s.ink = STAGE_INKS[i % STAGE_INKS.length];
    var row = 0;
    while (stageRows[row] && stageRows[row].some(function (o) { return s.x0 < o.x1 && o.x0 < s.x1; })) row++;
    (stageRows[row] = stageRows[row] || []).push(s);
    s.row = row;
  });
  var living = data.nodes.filter(function (n) { return n.info.lifeEnd !== null; });

  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    data.stages.forEach(function (s) {
      if (s.row > 0) return;
      ctx.fillStyle = s.fill;
      ctx.globalAlpha = 0.55;
      ctx.fillRect(s.x0, top, s.x1 - s.x0, bottom - top);
    });
    ctx.globalAlpha = 1;
    ctx.strokeStyle = "#e4e1d8";
    ctx.lineWidth = 1;
    for (var y = axis.first; y <= lastEdge; y++) {
      ctx.beginPath();
      ctx.moveTo(xOf(y), top);
      ctx.lineTo(xOf(y), bottom);
      ctx.stroke();
    }
    var positions = network.getPositions(living.map(function (n) { return n.id; }));
    living.forEach(function (n) {
      var p = positions[n.id];
      if (!p || n.info.lifeEnd <= p.x) return;
      ctx.fillStyle = n.color.background;
      ctx.globalAlpha = state.lit && !state.lit[n.id] ? 0.05 : 0.28;
      ctx.fillRect(p.x, p.y - 5, n.info.lifeEnd - p.x, 10);
    });
    ctx.restore();
  });

  function ribbonHeight() { return 24 + stageRows.length * 19; }

  network.on("afterDrawing", function (ctx) {
    var ratio = window.devicePixelRatio || 1;
    var width = container.clientWidth;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "rgba(251, 250, 247, 0.94)";
    ctx.fillRect(0, 0, width, ribbonHeight());
    ctx.strokeStyle = "#d7d3c8";
    ctx.beginPath();
    ctx.moveTo(0, ribbonHeight() + 0.5);
    ctx.lineTo(width, ribbonHeight() + 0.5);
    ctx.stroke();
    var left = network.canvasToDOM({ x: xOf(axis.first), y: 0 }).x;
    var step = network.canvasToDOM({ x: xOf(axis.first + 1), y: 0 }).x - left;
    var every = [1, 2, 5, 10, 20, 50, 100].find(function (n) { return n * step >= 38; }) || 100;
    ctx.font = "600 12px system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (var year = axis.first; year <= axis.last; year++) {
      var sx = left + (year - axis.first) * step;
      ctx.fillStyle = "#9a968b";
      ctx.fillRect(sx, 16, 1, 8);
      if ((year - axis.first) % every === 0 && sx + step / 2 > 0 && sx < width) {
        ctx.fillStyle = "#3d4650";
        ctx.fillText(String(year), sx + step / 2, 11);
      }
    }
    ctx.font = "11px system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
    ctx.textAlign = "left";
    data.stages.forEach(function (s) {
      var a = network.canvasToDOM({ x: s.x0, y: 0 }).x;
      var b = network.canvasToDOM({ x: s.x1, y: 0 }).x;
      var y0 = 26 + s.row * 19;
      ctx.fillStyle = s.ink;
      ctx.globalAlpha = 0.9;
      ctx.fillRect(a + 1, y0, Math.max(b - a - 2, 1), 15);
      ctx.globalAlpha = 1;
      ctx.save();
      ctx.beginPath();
      ctx.rect(a + 1, y0, Math.max(b - a - 2, 1), 15);
      ctx.clip();
      ctx.fillStyle = "#ffffff";
      var span = s.start + (s.end === null ? "–" : "–" + s.end);
      var room = b - Math.max(a, 0) - 10;
      var text = ["Stage " + s.number + " · " + span, "Stage " + s.number, String(s.number)].find(function (t) {
        return ctx.measureText(t).width <= room;
      });
      if (text) ctx.fillText(text, Math.max(a, 0) + 5, y0 + 8);
      ctx.restore();
    });
    ctx.restore();
    state.draws += 1;
    if (state.drawn === null) state.drawn = performance.now();
  });

  // Fit the whole picture; a picture much taller than wide is fitted to its width instead
  // and shown from the top, so that names stay readable.
  var xs = data.nodes.map(function (n) { return n.x; });
  var leftmost = Math.min.apply(null, xs.concat([0]));
  var rightmost = Math.max.apply(null, xs.concat([0]));
  var highest = Math.min.apply(null, ys.concat([0]));
  function fit() {
    network.fit({ animation: false });
    var scale = network.getScale() * 0.93;
    var view = network.getViewPosition();
    var byWidth = (container.clientWidth / (rightmost - leftmost + 240)) * 0.93;
    if (scale < 0.6 * byWidth) {
      var centre = highest + (container.clientHeight / 2 - ribbonHeight() - 30) / byWidth;
      network.moveTo({ position: { x: (leftmost + rightmost) / 2, y: centre }, scale: byWidth });
    } else {
      network.moveTo({ position: { x: view.x, y: view.y - ribbonHeight() / 2 / scale }, scale: scale });
    }
  }
  network.once("afterDrawing", fit);

  // -- lineage highlighting -------------------------------------------------------------------
  var incoming = {};
  var outgoing = {};
  data.edges.forEach(function (e) {
    (incoming[e.to] = incoming[e.to] || []).push(e);
    (outgoing[e.from] = outgoing[e.from] || []).push(e);
  });
  function walk(start, links, end) {
    var found = {};
    var stack = [start];
    var edgeIds = [];
    while (stack.length) {
      var id = stack.pop();
      (links[id] || []).forEach(function (e) {
        edgeIds.push(e.id);
        var next = e[end];
        if (!found[next]) { found[next] = true; stack.push(next); }
      });
    }
    return { nodes: Object.keys(found), edges: edgeIds };
  }
  function lineageOf(id) {
    var up = walk(id, incoming, "from");
    var down = walk(id, outgoing, "to");
    var keep = {};
    [id].concat(up.nodes, down.nodes).forEach(function (n) { keep[n] = true; });
    var keepEdges = {};
    up.edges.concat(down.edges).forEach(function (e) { keepEdges[e] = true; });
    return { nodes: keep, edges: keepEdges, ancestors: up.nodes.length, descendants: down.nodes.length };
  }
  function highlight(id) {
    var found = id === null ? null : lineageOf(id);
    nodes.update(data.nodes.map(function (n) {
      var on = !found || found.nodes[n.id];
      return { id: n.id, opacity: on ? 1 : FADED, font: { color: on ? "#1d232a" : "rgba(29,35,42,0.2)" } };
    }));
    edges.update(data.edges.map(function (e) {
      var on = !found || found.edges[e.id];
      return { id: e.id, color: { color: e.color.color, highlight: e.color.color, hover: e.color.color, opacity: on ? 1 : FADED } };
    }));
    state.selected = id;
    state.lit = found ? found.nodes : null;
    state.highlighted = found ? Object.keys(found.nodes).length : null;
    showDetails(id, found);
  }

  // -- details panel --------------------------------------------------------------------------
  var details = document.getElementById("details");
  function row(list, term, value) {
    list.appendChild(el("dt", term));
    var dd = el("dd");
    if (value instanceof Element) dd.appendChild(value); else dd.textContent = value;
    list.appendChild(dd);
  }
  function showDetails(id, found) {
    details.textContent = "";
    if (id === null) { details.hidden = true; return; }
    var node = nodes.get(id);
    var info = node.info;
    details.appendChild(el("h2", info.name));
    if (info.href) {
      var open = el("a", "Open the page of " + info.name, "page-link");
      open.href = info.href;
      details.appendChild(open);
    }
    var list = el("dl");
    row(list, "Kind", info.kind);
    row(list, "Stance", info.status);
    row(list, "Founded", info.founded || "not dated in the source");
    if (info.hasEnd) row(list, "Ended", info.ended || "not dated in the source");
    if (otherNames(info).length) row(list, "Also called", otherNames(info).join("; "));
    row(list, "Lineage", plural(found.ancestors, "ancestor") + ", " + plural(found.descendants, "descendant"));
    if (info.results.length) {
      var results = el("ul");
      info.results.forEach(function (r) { results.appendChild(el("li", r)); });
      row(list, "Elections", results);
    }
    var links = el("ul");
    (incoming[id] || []).concat(outgoing[id] || []).forEach(function (e) {
      var text = e.info.sentence + ", " + (e.info.date || "date not stated");
      if (e.info.reference) text += " [" + e.info.reference + "]";
      links.appendChild(el("li", text));
    });
    if (links.childNodes.length) row(list, "Links", links);
    details.appendChild(list);
    details.hidden = false;
  }

  network.on("click", function (params) {
    highlight(params.nodes.length ? params.nodes[0] : null);
  });
  network.on("doubleClick", function (params) {
    var info = params.nodes.length ? nodes.get(params.nodes[0]).info : null;
    if (info && info.href) window.location.href = info.href;
  });
  document.getElementById("clear").addEventListener("click", function () {
    network.unselectAll();
    highlight(null);
  });
  document.getElementById("fit").addEventListener("click", fit);

  // -- search -----------------------------------------------------------------------------------
  var byName = {};
  var names = document.getElementById("names");
  data.nodes.forEach(function (n) {
    n.info.labels.concat([n.info.name]).forEach(function (label) {
      var key = label.toLocaleLowerCase();
      if (byName[key]) return;
      byName[key] = n.id;
      var option = document.createElement("option");
      option.value = label;
      names.appendChild(option);
    });
  });
  function find(event) {
    var id = byName[event.target.value.trim().toLocaleLowerCase()];
    if (!id) return;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: { duration: 350 } });
    highlight(id);
  }
  var search = document.getElementById("search");
  search.addEventListener("change", find);
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") find(event); });

  // -- legend, figures, sources ----------------------------------------------------------------
  var SVG = "http://www.w3.org/2000/svg";
  function svg(width, height) {
    var s = document.createElementNS(SVG, "svg");
    s.setAttribute("width", width);
    s.setAttribute("height", height);
    s.setAttribute("aria-hidden", "true");
    return s;
  }
  function shape(kind, fill) {
    var s = svg(18, 18);
    var item;
    if (kind === "dot") {
      item = document.createElementNS(SVG, "circle");
      item.setAttribute("cx", 9); item.setAttribute("cy", 9); item.setAttribute("r", 6.5);
    } else {
      item = document.createElementNS(SVG, "polygon");
      var points = { diamond: "9,1.5 16.5,9 9,16.5 1.5,9", square: "3,3 15,3 15,15 3,15", triangle: "9,2 16.5,15.5 1.5,15.5" };
      item.setAttribute("points", points[kind] || points.square);
    }
    item.setAttribute("fill", fill);
    item.setAttribute("stroke", "#4a5560");
    item.setAttribute("stroke-width", "1.3");
    s.appendChild(item);
    return s;
  }
  function legendItem(list, graphic, label) {
    var li = el("li");
    li.appendChild(graphic);
    li.appendChild(el("span", label));
    list.appendChild(li);
  }
  var statusList = document.getElementById("legend-status");
  data.legend.statuses.forEach(function (s) { legendItem(statusList, shape("dot", s.colour), s.label); });
  var shapeList = document.getElementById("legend-shape");
  data.legend.shapes.forEach(function (s) { legendItem(shapeList, shape(s.shape, "#dfe4e8"), s.label); });
  var edgeList = document.getElementById("legend-edges");
  data.legend.edges.forEach(function (e) {
    var s = svg(44, 12);
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", 1); line.setAttribute("y1", 6); line.setAttribute("x2", 36); line.setAttribute("y2", 6);
    line.setAttribute("stroke", e.color);
    line.setAttribute("stroke-width", e.width);
    if (e.dashes) line.setAttribute("stroke-dasharray", e.dashes.join(" "));
    var head = document.createElementNS(SVG, "polygon");
    head.setAttribute("points", "36,2 43,6 36,10");
    head.setAttribute("fill", e.color);
    s.appendChild(line);
    s.appendChild(head);
    legendItem(edgeList, s, e.label);
  });
  var stageList = document.getElementById("legend-stages");
  data.stages.forEach(function (s) {
    var li = el("li");
    var swatch = el("span", null, "swatch");
    swatch.style.background = s.ink;
    li.appendChild(swatch);
    li.appendChild(el("span", s.label));
    stageList.appendChild(li);
  });
  var figures = document.getElementById("figures");
  data.figures.forEach(function (f) { figures.appendChild(el("li", f)); });
  var credit = data.sources.join(" · ") || "not recorded";
  if (data.otherSources) {
    credit += ". Links beyond it cite " + plural(data.otherSources, "further source") + ", named in their tooltips.";
  }
  document.getElementById("sources").textContent = credit;

  if (data.focus) {
    network.once("afterDrawing", function () { network.selectNodes([data.focus]); highlight(data.focus); });
  }
})();
