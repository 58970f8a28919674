/* Measure charts: ECharts (vendored) fed by json_script data; no network access. */
(function () {
  "use strict";
  var C = { pos: "#2e7d32", neu: "#b0bec5", neg: "#c0392b", none: "#dfe3e8", accent: "#0b5cad", mot: "#6a3fb0" };
  var base = { textStyle: { fontFamily: "system-ui, sans-serif" }, animation: false, grid: { left: 48, right: 24, top: 32, bottom: 36 } };
  function data(el) { return JSON.parse(document.getElementById(el.dataset.source).textContent); }
  function merge(o) { return Object.assign({}, base, o); }
  // Translated labels come from data-l-* attributes on the chart element; English is the fallback.
  function label(el, key, fallback) { return (el && el.dataset["l" + key]) || fallback; }
  var builders = {
    trend: function (d, el) {
      var s = d.series.nps.map(function (p) { return p ? p : null; });
      var low = s.map(function (p) { return p && p.low !== null ? p.low : null; });
      var band = s.map(function (p) { return p && p.high !== null ? p.high - p.low : null; });
      var val = s.map(function (p) { return p ? { value: p.value, itemStyle: { color: p.grey ? "#9aa4ae" : C.accent } } : null; });
      return merge({
        tooltip: { trigger: "axis", formatter: function (items) {
          var i = items[0].dataIndex, p = s[i]; if (!p) return d.periods[i];
          return d.periods[i] + "<br>NPS " + p.value.toFixed(1) + " (" + (p.low === null ? "–" : p.low.toFixed(0) + " " + label(el, "To", "to") + " " + p.high.toFixed(0)) + ")<br>n = " + p.n;
        } },
        xAxis: { type: "category", data: d.periods },
        yAxis: { type: "value", min: -100, max: 100 },
        series: [
          { type: "line", data: low, stack: "ci", stackStrategy: "all", lineStyle: { opacity: 0 }, symbol: "none" },
          { type: "line", data: band, stack: "ci", stackStrategy: "all", lineStyle: { opacity: 0 }, symbol: "none", areaStyle: { color: "rgba(11,92,173,.15)" } },
          { type: "line", data: val, symbolSize: 8, lineStyle: { color: C.accent, width: 3 }, connectNulls: true }
        ]
      });
    },
    volume: function (d, el) {
      var names = { positive: label(el, "Positive", "positive"), neutral: label(el, "Neutral", "neutral"), negative: label(el, "Negative", "negative"), none: label(el, "None", "not analysed") };
      var colors = { positive: C.pos, neutral: C.neu, negative: C.neg, none: C.none };
      return merge({
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: d.periods }, yAxis: { type: "value" },
        series: Object.keys(d.sentiment).map(function (k) {
          return { name: names[k], type: "bar", stack: "v", data: d.sentiment[k], itemStyle: { color: colors[k] } };
        })
      });
    },
    themes: function (d) {
      return merge({
        tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" },
        xAxis: { type: "category", data: d.periods }, yAxis: { type: "value" },
        series: d.themes.map(function (t) { return { name: t.name, type: "line", data: t.trend, symbolSize: 6 }; })
      });
    },
    matrix: function (d, el) {
      var quadrants = { "fix first": label(el, "FixFirst", "fix first"), "keep": label(el, "Keep", "keep"), "don't over-invest": label(el, "OverInvest", "don't over-invest"), "monitor": label(el, "Monitor", "monitor") };
      var colors = { "fix first": C.neg, "keep": C.pos, "don't over-invest": "#b07a00", "monitor": "#8a949e" };
      return merge({
        grid: { left: 56, right: 24, top: 24, bottom: 48 },
        tooltip: { formatter: function (p) { return p.data.name + "<br>" + (quadrants[p.data.quadrant] || p.data.quadrant) + "<br>" + label(el, "Importance", "importance") + " " + p.data.value[1].toFixed(1) + " %"; } },
        xAxis: { type: "value", name: label(el, "PerformanceAxis", "performance (0–1)"), nameLocation: "middle", nameGap: 28, min: 0, max: 1 },
        yAxis: { type: "value", name: label(el, "ImportanceAxis", "importance (% of R²)"), nameLocation: "middle", nameGap: 40 },
        series: [{
          type: "scatter", symbolSize: 16,
          data: d.points.map(function (p) { return { name: p.name, quadrant: p.quadrant, value: [p.x, p.y], itemStyle: { color: colors[p.quadrant] } }; }),
          label: { show: true, position: "right", formatter: function (p) { return p.data.name; }, fontSize: 11 },
          markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#9aa4ae" },
            data: [{ xAxis: d.x_cut }, { yAxis: d.y_cut }] }
        }]
      });
    },
    tiers: function (d, el) {
      var colors = { promoter: C.pos, passive: C.neu, detractor: C.neg };
      return merge({
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: d.tiers }, yAxis: { type: "value" },
        series: Object.keys(d.groups).map(function (g) {
          return { name: label(el, g.charAt(0).toUpperCase() + g.slice(1), g), type: "bar", stack: "t", data: d.groups[g], itemStyle: { color: colors[g] } };
        })
      });
    }
  };
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      if (!build) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(data(el), el));
      window.addEventListener("resize", function () { chart.resize(); });
      el.dataset.ready = "true";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
