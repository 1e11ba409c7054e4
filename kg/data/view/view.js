// kg view: draws the network of the #kg-data JSON with vis-network, and shows its facts.
//
// Every piece of article text reaches the page through textContent (never innerHTML), and
// vis-network's tooltips are given DOM elements built that way, so markup in an article is
// shown as text and runs nothing. The page makes no request: everything it needs is inline.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
    return node;
  }

  function sourceBlock(source) {
    var box = el("div", "kg-provenance");
    if (source.evidence) box.appendChild(el("div", "kg-evidence", source.evidence));
    if (source.article) box.appendChild(el("div", "kg-source", "— " + source.article));
    return box;
  }

  function factBlock(fact, withSources) {
    var box = el("div", "kg-fact");
    box.appendChild(el("div", "kg-fact-head", fact.head));
    if (fact.quote) box.appendChild(el("blockquote", "kg-quote", fact.quote));
    (fact.lines || []).forEach(function (line) { box.appendChild(el("div", "kg-line", line)); });
    var sources = fact.sources || [];
    (withSources ? sources : sources.slice(0, 1)).forEach(function (s) { box.appendChild(sourceBlock(s)); });
    return box;
  }

  // A node's or an edge's facts as a DOM element: `limit` facts for a tooltip, all for the panel.
  function card(info, limit) {
    var box = el("div", "kg-card");
    box.appendChild(el("div", "kg-card-title", info.name));
    if (info.kind) box.appendChild(el("div", "kg-card-kind", info.kind));
    (info.lines || []).forEach(function (pair) {
      var row = el("div", "kg-line");
      row.appendChild(el("span", "kg-key", pair[0] + ": "));
      row.appendChild(el("span", "kg-value", pair[1]));
      box.appendChild(row);
    });
    var facts = info.facts || [];
    var shown = limit ? facts.slice(0, limit) : facts;
    shown.forEach(function (fact) { box.appendChild(factBlock(fact, !limit)); });
    var more = facts.length - shown.length + (info.more || 0);
    if (more > 0) box.appendChild(el("div", "kg-more", more + " more " + (limit ? "(click to see them)" : "")));
    return box;
  }

  var panel = document.getElementById("kg-panel");

  function show(info) {
    panel.textContent = "";
    var close = el("button", "kg-close", "×");
    close.type = "button";
    close.title = "Close";
    close.addEventListener("click", function () { panel.hidden = true; });
    panel.appendChild(close);
    panel.appendChild(card(info, 0));
    panel.hidden = false;
  }

  var TOOLTIP_FACTS = 3;
  var nodes = new vis.DataSet(data.nodes.map(function (item) {
    return Object.assign({}, item, { title: card(data.nodeInfo[item.id], TOOLTIP_FACTS) });
  }));
  var edges = new vis.DataSet(data.edges.map(function (item) {
    return Object.assign({}, item, { title: card(data.edgeInfo[item.id], TOOLTIP_FACTS) });
  }));
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, {}, data.options);

  function ready() { document.documentElement.setAttribute("data-kg-ready", "true"); }

  // The whole network, unless its edge labels would then be too small to read: then the zoom at which
  // they are min_label_px high, on the middle of the biggest connected part.
  var home = data.home || {};
  function showHome() {
    network.fit({ animation: false });
    var least = (home.min_label_px || 0) / data.options.edges.font.size;
    if (home.centre && network.getScale() < least) {
      network.moveTo({ position: { x: home.centre[0], y: home.centre[1] }, scale: least, animation: false });
    }
  }

  if (data.options.physics && data.options.physics.enabled) {
    // Settle once, then stop: the picture holds still while it is read.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      network.once("afterDrawing", ready);
    });
    network.setData({ nodes: nodes, edges: edges });
  } else {
    network.setData({ nodes: nodes, edges: edges });
    showHome();
    network.once("afterDrawing", ready);
    network.redraw();
  }
  document.getElementById("kg-whole").addEventListener("click", function () { network.fit({ animation: false }); });

  // Nodes with no edge are packed together after the connected parts; a box hides them.
  var linked = {};
  data.edges.forEach(function (item) { linked[item.from] = true; linked[item.to] = true; });
  var loners = data.nodes.filter(function (item) { return !linked[item.id]; }).map(function (item) { return item.id; });
  if (loners.length) {
    document.getElementById("kg-loners-count").textContent = String(loners.length);
    document.getElementById("kg-loners-box").hidden = false;
    document.getElementById("kg-hide-loners").addEventListener("change", function (event) {
      var hidden = event.target.checked;
      nodes.update(loners.map(function (id) { return { id: id, hidden: hidden }; }));
      showHome();
    });
  }

  // The panel shows what the tooltip did, and more: the tooltip must not hide it.
  function hideTooltip() {
    var tooltip = container.querySelector("div.vis-tooltip");
    if (tooltip) tooltip.style.visibility = "hidden";
  }
  container.addEventListener("mouseleave", hideTooltip);

  network.on("click", function (event) {
    hideTooltip();
    if (event.nodes.length) show(data.nodeInfo[event.nodes[0]]);
    else if (event.edges.length) show(data.edgeInfo[event.edges[0]]);
    else panel.hidden = true;
  });

  // --- Search: the names go to a datalist; Enter selects, centres and shows the best match.
  var names = document.getElementById("kg-names");
  var labels = data.nodes.filter(function (n) { return n.entity; })
    .map(function (n) { return data.nodeInfo[n.id].name; });
  labels.sort().forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    names.appendChild(option);
  });

  function find(text) {
    var wanted = String(text || "").trim().toLowerCase();
    if (!wanted) return null;
    var items = data.nodes.map(function (n) { return [n.id, data.nodeInfo[n.id].name.toLowerCase(), n.entity]; });
    var hit = items.find(function (i) { return i[1] === wanted; }) ||
      items.find(function (i) { return i[2] && i[1].indexOf(wanted) >= 0; }) ||
      items.find(function (i) { return i[1].indexOf(wanted) >= 0; });
    var status = document.getElementById("kg-search-result");
    if (!hit) {
      status.textContent = "not in this view";
      return null;
    }
    status.textContent = "";
    network.selectNodes([hit[0]]);
    network.focus(hit[0], { scale: 1.3, animation: false });
    show(data.nodeInfo[hit[0]]);
    return hit[0];
  }

  var search = document.getElementById("kg-search");
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") find(search.value); });
  search.addEventListener("change", function () { find(search.value); });

  window.kg = { network: network, showHome: showHome, nodes: nodes, edges: edges, find: find, show: show, data: data };
})();
