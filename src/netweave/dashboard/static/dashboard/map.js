/* The network map: points laid out on the server, drawn with plotly.js (WebGL). Colour by
   sector or cluster, size by coreness or brokerage, a time slider, search, a person's card
   and the map as a table. No inline scripts; texts and colours (the palette of
   netweave.core.present, the report's) come from the page's JSON. */
(function () {
  "use strict";
  var box, data, text, colours, selected = -1, cutoff = 0;

  function attr(name) { return (data.attributes || {})[name] || []; }
  function people() { return data.kind === "people"; }

  function label(i) {
    if (people()) { return data.names ? data.names[i] : String(data.ids[i]); }
    return data.ids[i] < 0 ? text.isolate : text.cluster + " " + (data.ids[i] + 1);
  }

  function colourOf(i, by) {
    if (by === "cluster" && people()) {
      var c = attr("cluster")[i];
      return c === null || c === undefined ? colours.none
        : colours.cluster[c % colours.cluster.length];
    }
    if (!people() && by === "cluster") { return colours.cluster[i % colours.cluster.length]; }
    return colours.sector[attr("sector")[i]] || colours.sector.other;
  }

  function sizeOf(i, by) {
    if (!people()) { return 8 + 4 * Math.sqrt(data.size[i]); }
    var values = attr(by === "betweenness" ? "betweenness" : "coreness");
    var max = data["max_" + by];
    if (max === undefined) {
      max = 0;
      values.forEach(function (v) { if (v > max) { max = v; } });
      data["max_" + by] = max;
    }
    var v = values[i] || 0;
    return 5 + (max > 0 ? 16 * Math.sqrt(v / max) : 0);
  }

  function visible(i) {
    if (!people()) { return true; }
    var since = attr("since");
    return since.length === 0 || since[i] <= cutoff;
  }

  function build() {
    var colourBy = document.getElementById("map-colour").value;
    var sizeBy = document.getElementById("map-size").value;
    var ex = [], ey = [];
    for (var k = 0; k < data.u.length; k++) {
      var a = data.u[k], b = data.v[k];
      if (visible(a) && visible(b)) {
        ex.push(data.x[a], data.x[b], null);
        ey.push(data.y[a], data.y[b], null);
      }
    }
    var nx = [], ny = [], nc = [], ns = [], nt = [], nd = [];
    var sx = [], sy = [], ix = [], iy = [];
    var spof = attr("articulation"), degree = attr("degree");
    for (var i = 0; i < data.ids.length; i++) {
      if (!visible(i)) { continue; }
      nx.push(data.x[i]); ny.push(data.y[i]); nc.push(colourOf(i, colourBy));
      ns.push(sizeOf(i, sizeBy)); nt.push(label(i)); nd.push(i);
      if (spof[i]) { sx.push(data.x[i]); sy.push(data.y[i]); }
      if (people() && degree.length && !degree[i]) { ix.push(data.x[i]); iy.push(data.y[i]); }
    }
    var traces = [
      {type: "scattergl", mode: "lines", x: ex, y: ey, hoverinfo: "skip", name: text.ties_line,
       line: {color: "rgba(86,99,107,0.25)", width: 1}, showlegend: false},
      {type: "scattergl", mode: "markers", x: nx, y: ny, text: nt, customdata: nd,
       hovertemplate: "%{text}<extra></extra>", showlegend: false,
       marker: {color: nc, size: ns, line: {color: "#ffffff", width: 0.5}}},
      {type: "scattergl", mode: "markers", x: sx, y: sy, hoverinfo: "skip", name: text.spof,
       marker: {symbol: "circle-open", size: 18, color: "#000000", line: {width: 2}}},
      {type: "scattergl", mode: "markers", x: ix, y: iy, hoverinfo: "skip", name: text.isolate,
       marker: {symbol: "diamond-open", size: 12, color: "#d1495b", line: {width: 2}}}
    ];
    if (selected >= 0) {
      traces.push({type: "scattergl", mode: "markers", x: [data.x[selected]],
                   y: [data.y[selected]], hoverinfo: "skip", showlegend: false,
                   marker: {symbol: "star", size: 26, color: "#ffcc00",
                            line: {color: "#000000", width: 1}}});
    }
    return traces;
  }

  function legend(colourBy) {
    var list = document.getElementById("map-sectors");
    if (!list) { return; }
    list.textContent = "";
    var seen = {}, items = [];
    for (var i = 0; i < data.ids.length; i++) {
      var key = colourBy === "cluster"
        ? (people() ? attr("cluster")[i] : i) : attr("sector")[i];
      if (key === null || key === undefined || seen[key] !== undefined) { continue; }
      seen[key] = items.length;
      var name = colourBy === "cluster"
        ? (people() ? text.cluster + " " + (key + 1) : label(i))
        : (data.sector_labels[key] || key);
      items.push([name, colourOf(i, colourBy), key]);
    }
    if (colourBy === "cluster") { items.sort(function (a, b) { return a[2] - b[2]; }); }
    items.slice(0, 12).forEach(function (item) {
      var li = document.createElement("li"), dot = document.createElement("span");
      dot.className = "swatch"; dot.style.backgroundColor = item[1];
      dot.setAttribute("aria-hidden", "true");
      li.appendChild(dot); li.appendChild(document.createTextNode(item[0]));
      list.appendChild(li);
    });
  }

  function draw() {
    legend(document.getElementById("map-colour").value);
    var layout = {margin: {l: 0, r: 0, t: 0, b: 0}, dragmode: "pan", hovermode: "closest",
                  xaxis: {visible: false, scaleanchor: "y"}, yaxis: {visible: false},
                  legend: {orientation: "h", y: 0}, paper_bgcolor: "#ffffff",
                  plot_bgcolor: "#ffffff", uirevision: "map"};
    window.Plotly.react(box, build(), layout,
                        {responsive: true, displaylogo: false, scrollZoom: true,
                         locale: (document.documentElement.lang || "en").slice(0, 2) === "nl"
                           ? "nl" : "en"});
  }

  function fact(dl, term, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = term; dd.textContent = value;
    dl.appendChild(dt); dl.appendChild(dd);
  }

  function openCard(i, focus) {
    selected = i;
    var card = document.getElementById("person-card");
    document.getElementById("person-card-name").textContent = label(i);
    var dl = document.getElementById("person-card-facts");
    dl.textContent = "";
    var sector = attr("sector")[i];
    if (sector !== undefined) { fact(dl, text.sector, data.sector_labels[sector] || sector); }
    if (people()) {
      var cluster = attr("cluster")[i];
      fact(dl, text.cluster, cluster === null || cluster === undefined ? "–" : String(cluster + 1));
      fact(dl, text.ties, String(attr("degree")[i] || 0));
      fact(dl, text.coreness, String(attr("coreness")[i] || 0));
      var b = attr("betweenness")[i];
      fact(dl, text.brokerage, b ? b.toFixed(3) : "0");
      fact(dl, text.spof, attr("articulation")[i] ? text.yes : text.no);
    } else {
      fact(dl, text.members, String(data.size[i]));
    }
    var link = document.getElementById("person-card-link");
    if (people()) {
      link.href = box.getAttribute("data-drill") + "&person=" + data.ids[i];
      link.parentNode.hidden = false;
    } else {
      link.parentNode.hidden = true;
    }
    card.hidden = false;
    draw();
    if (focus) { card.focus(); }
  }

  function search() {
    var input = document.getElementById("map-search");
    var wanted = input.value.trim().toLowerCase();
    if (!wanted) { return; }
    for (var i = 0; i < data.ids.length; i++) {
      if (label(i).toLowerCase() === wanted) { openCard(i, false); input.setCustomValidity(""); return; }
    }
    for (i = 0; i < data.ids.length; i++) {
      if (label(i).toLowerCase().indexOf(wanted) >= 0) { openCard(i, false); return; }
    }
    input.setCustomValidity(text.notfound);
    input.reportValidity();
  }

  function table() {
    var head = document.querySelector("#map-table thead tr");
    var body = document.querySelector("#map-table tbody");
    var cols = people() ? [text.name, text.sector, text.cluster, text.ties, text.coreness,
                           text.brokerage, text.spof]
                        : [text.cluster, text.members, text.sector];
    cols.forEach(function (c) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = c;
      head.appendChild(th);
    });
    var order = data.ids.map(function (_, i) { return i; });
    if (people()) { order.sort(function (a, b) { return label(a).localeCompare(label(b)); }); }
    var frag = document.createDocumentFragment();
    order.forEach(function (i) {
      var tr = document.createElement("tr");
      var th = document.createElement("th"); th.scope = "row";
      var button = document.createElement("button");
      button.type = "button"; button.className = "link-button"; button.textContent = label(i);
      button.addEventListener("click", function () { openCard(i, true); });
      th.appendChild(button); tr.appendChild(th);
      var sector = attr("sector")[i];
      var cells = people()
        ? [data.sector_labels[sector] || sector,
           attr("cluster")[i] === null ? "–" : String(attr("cluster")[i] + 1),
           String(attr("degree")[i] || 0), String(attr("coreness")[i] || 0),
           (attr("betweenness")[i] || 0).toFixed(3), attr("articulation")[i] ? text.yes : ""]
        : [String(data.size[i]), data.sector_labels[sector] || sector || ""];
      cells.forEach(function (c) {
        var td = document.createElement("td"); td.textContent = c; tr.appendChild(td);
      });
      frag.appendChild(tr);
    });
    body.appendChild(frag);
  }

  function start(payload) {
    data = payload;
    var names = document.getElementById("map-names");
    var frag = document.createDocumentFragment();
    data.ids.forEach(function (_, i) {
      var o = document.createElement("option"); o.value = label(i); frag.appendChild(o);
    });
    names.appendChild(frag);
    if (!people()) {
      var note = document.createElement("p");
      note.className = "notice"; note.textContent = text.clusterview;
      box.parentNode.insertBefore(note, box);
    }
    var slider = document.getElementById("map-time");
    var months = data.months || [];
    slider.max = String(Math.max(months.length - 1, 0));
    slider.value = slider.max;
    cutoff = months.length - 1;
    var out = document.getElementById("map-time-label");
    out.textContent = months[cutoff] || "";
    slider.disabled = !people() || months.length < 2;
    slider.addEventListener("input", function () {
      cutoff = Number(slider.value); out.textContent = months[cutoff] || ""; draw();
    });
    document.getElementById("map-colour").addEventListener("change", draw);
    document.getElementById("map-size").addEventListener("change", draw);
    var input = document.getElementById("map-search");
    input.addEventListener("change", search);
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); search(); } });
    input.addEventListener("input", function () { input.setCustomValidity(""); });
    draw();
    box.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      if (point && point.curveNumber === 1) { openCard(point.customdata, true); }
    });
    table();
    box.setAttribute("data-ready", "1");
  }

  document.addEventListener("DOMContentLoaded", function () {
    box = document.getElementById("map");
    if (!box || !window.Plotly) { return; }
    text = JSON.parse(document.getElementById("map-text").textContent);
    colours = JSON.parse(document.getElementById("map-colours").textContent);
    fetch(box.getAttribute("data-url"), {credentials: "same-origin"})
      .then(function (r) { return r.status === 200 ? r.json() : null; })
      .then(function (payload) { if (payload) { start(payload); } });
  });
}());
