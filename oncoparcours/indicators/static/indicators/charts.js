// Draws each indicator chart from the JSON next to its canvas (Chart.js, vendored). The data
// table under each chart is the accessible alternative; charts are decorative duplicates.
(function () {
  "use strict";
  var COLOURS = { main: "#0b5c7a", target: "#b3261e", band: "rgba(11, 92, 122, 0.12)", point: "#1b1f24" };

  function bar(spec) {
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: [{ data: spec.values, backgroundColor: COLOURS.main }] },
      options: { plugins: { legend: { display: false } }, animation: false, responsive: true },
    };
  }

  function line(spec) {
    return {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: [
          { label: document.documentElement.lang === "en" ? "Cumulative inclusions" : "Inclusions cumulées", data: spec.values, borderColor: COLOURS.main, backgroundColor: COLOURS.main, pointRadius: 2 },
          { label: document.documentElement.lang === "en" ? "Target" : "Objectif", data: spec.target, borderColor: COLOURS.target, borderDash: [6, 4], pointRadius: 0 },
          { type: "bar", label: document.documentElement.lang === "en" ? "Per period" : "Par période", data: spec.weekly, backgroundColor: COLOURS.band },
        ],
      },
      options: { animation: false, responsive: true },
    };
  }

  function funnel(spec) {
    var limits = spec.limits || [];
    function series(key) { return limits.map(function (l) { return { x: l.n, y: l[key] }; }); }
    var english = document.documentElement.lang === "en";
    return {
      type: "scatter",
      data: {
        datasets: [
          { label: english ? "Centres" : "Établissements", data: spec.points.map(function (p) { return { x: p.n, y: p.share, label: p.label }; }), backgroundColor: COLOURS.point, pointRadius: 4 },
          { type: "line", label: english ? "Overall share" : "Part globale", data: limits.map(function (l) { return { x: l.n, y: spec.p0 }; }), borderColor: COLOURS.main, pointRadius: 0 },
          { type: "line", label: "95 %", data: series("low95"), borderColor: COLOURS.target, borderDash: [4, 4], pointRadius: 0 },
          { type: "line", label: "95 %", data: series("high95"), borderColor: COLOURS.target, borderDash: [4, 4], pointRadius: 0 },
          { type: "line", label: "99,8 %", data: series("low998"), borderColor: COLOURS.target, borderDash: [1, 3], pointRadius: 0 },
          { type: "line", label: "99,8 %", data: series("high998"), borderColor: COLOURS.target, borderDash: [1, 3], pointRadius: 0 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        scales: { x: { type: "linear", title: { display: true, text: english ? "Patients" : "Patients" } }, y: { min: 0, max: 100, title: { display: true, text: "%" } } },
        plugins: { tooltip: { callbacks: { label: function (ctx) { return (ctx.raw.label || "") + " " + ctx.raw.y + " % (n = " + ctx.raw.x + ")"; } } } },
      },
    };
  }

  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart-for]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart-for"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent || "{}");
      var build = { bar: bar, line: line, funnel: funnel }[spec.type];
      var nothing = spec.values && !spec.values.some(function (v) { return v !== null && v !== 0; });
      if (!build || nothing || (spec.points && spec.points.length === 0)) {
        canvas.hidden = true;
        return;
      }
      new window.Chart(canvas, build(spec));
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
