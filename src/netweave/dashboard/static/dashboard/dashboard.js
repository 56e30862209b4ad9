/* Dashboard charts: draws the charts described in the page's JSON with plotly.js, and
   reloads the page when figures that were being computed are ready. No inline scripts. */
(function () {
  "use strict";
  var COLOURS = ["#1f6f5c", "#c2571a", "#3b6fb6", "#8a4f9e", "#b8860b", "#56636b"];
  // Opacity of a month that is not over yet (the report uses the same).
  var PARTIAL = 0.45;

  function layout(chart) {
    var l = {
      margin: {l: 48, r: 12, t: 8, b: 40}, height: 280, autosize: true,
      font: {family: "system-ui, sans-serif", size: 12, color: "#1d2428"},
      legend: {orientation: "h", y: -0.2}, paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
      xaxis: {automargin: true}, yaxis: {automargin: true, rangemode: "tozero"}
    };
    if (chart.percent && chart.kind !== "heatmap") { l.yaxis.tickformat = ".0%"; }
    if (chart.kind === "stack") { l.barmode = "stack"; }
    if (chart.kind === "bar") { l.barmode = "group"; }
    if (chart.kind === "heatmap") {
      l.height = Math.max(280, 22 * chart.series.length + 80);
      l.yaxis = {automargin: true, autorange: "reversed", type: "category"};
      l.xaxis = {automargin: true, type: "category"};
    }
    return l;
  }

  function traces(chart) {
    if (chart.kind === "heatmap") {
      return [{type: "heatmap", x: chart.x, y: chart.series.map(function (s) { return s.name; }),
               z: chart.series.map(function (s) { return s.values; }), zmin: 0, zmax: 1,
               colorscale: [[0, "#f3f5f4"], [1, "#1f6f5c"]],
               hovertemplate: "%{y} +%{x}: %{z:.0%}<extra></extra>"}];
    }
    var out = [];
    chart.series.forEach(function (s, i) {
      var colour = COLOURS[i % COLOURS.length];
      var t = {name: s.name, x: chart.x, y: s.values, marker: {color: colour}};
      if (chart.kind === "line") {
        t.type = "scatter"; t.mode = "lines+markers";
        t.line = {color: colour, width: 2};
        if (chart.partial && chart.x.length) {
          // The last month is not over yet: a dotted, pale last step, not a cliff.
          var n = chart.x.length;
          t.x = chart.x.slice(0, n - 1); t.y = s.values.slice(0, n - 1); t.legendgroup = s.name;
          out.push(t);
          out.push({type: "scatter", mode: "lines", x: chart.x.slice(n - 2),
                    y: s.values.slice(n - 2), line: {color: colour, width: 2, dash: "dot"},
                    legendgroup: s.name, showlegend: false, hoverinfo: "skip"});
          out.push({type: "scatter", mode: "markers", name: s.name, x: chart.x.slice(n - 1),
                    y: s.values.slice(n - 1), marker: {color: colour}, opacity: PARTIAL,
                    legendgroup: s.name, showlegend: false});
          return;
        }
      } else {
        // a white edge between stacked bars: neighbouring colours need no contrast of their own
        t.type = "bar"; t.marker.line = {color: "#ffffff", width: 1};
        if (chart.partial && chart.x.length) {
          t.marker.opacity = chart.x.map(function (x, k) {
            return k === chart.x.length - 1 ? PARTIAL : 1;
          });
        }
      }
      out.push(t);
    });
    return out;
  }

  // The charts' locale (month names, decimal comma): the page's language, when plotly has it.
  function pageLocale() {
    return (document.documentElement.lang || "en").slice(0, 2) === "nl" ? "nl" : "en";
  }

  function draw() {
    var node = document.getElementById("dashboard-charts");
    if (!node || !window.Plotly) { return; }
    var charts = JSON.parse(node.textContent);
    charts.forEach(function (chart) {
      var box = document.querySelector('[data-chart="' + chart.key + '"]');
      if (!box) { return; }
      window.Plotly.newPlot(box, traces(chart), layout(chart),
                            {responsive: true, displaylogo: false, displayModeBar: false,
                             locale: pageLocale()});
    });
  }

  function poll() {
    var status = document.querySelector(".freshness[data-pending]");
    if (!status || !window.fetch) { return; }
    var url = status.getAttribute("data-status-url");
    var hadFigures = !!document.getElementById("dashboard-charts") ||
                     !!document.getElementById("map");
    function check() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.ready && (!data.job || !hadFigures)) { window.location.reload(); return; }
          if (data.job && data.job.status === "failed") { window.location.reload(); return; }
          var progress = status.querySelector(".job-progress");
          if (progress && data.job && data.job.total) {
            progress.textContent = progress.getAttribute("data-template")
              .replace("{done}", data.job.done).replace("{total}", data.job.total);
          }
          window.setTimeout(check, 3000);
        }).catch(function () { window.setTimeout(check, 10000); });
    }
    window.setTimeout(check, 2000);
  }

  function picker() {
    var form = document.querySelector(".period-picker");
    if (!form) { return; }
    var custom = form.querySelector(".period-custom");
    function sync() {
      var chosen = form.querySelector('input[name="days"]:checked');
      var isCustom = chosen && chosen.value === "custom";
      custom.querySelectorAll("input").forEach(function (i) { i.disabled = !isCustom; });
      custom.classList.toggle("inactive", !isCustom);
    }
    form.addEventListener("change", sync);
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () { picker(); draw(); poll(); });
}());
