// Draws each chart of the core/_charts.html macro with the vendored Apache ECharts, from the
// figures the page already shows as a table (data-chart). Without JavaScript the table stays.
(function () {
  function option(c) {
    if (c.kind === 'pie') {
      return {
        tooltip: { trigger: 'item' },
        legend: { type: 'scroll', bottom: 0 },
        series: [{ type: 'pie', radius: '60%', name: c.series[0].name,
                   // empty slices only crowd the labels; the table still lists them
                   data: c.labels.map(function (label, i) { return { name: label, value: c.series[0].values[i] }; })
                     .filter(function (slice) { return slice.value > 0; }) }],
      };
    }
    return {
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: c.labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: c.series.map(function (s) { return { type: c.kind, name: s.name, data: s.values, barMaxWidth: 48 }; }),
    };
  }

  function draw(element) {
    if (!window.echarts) { return; }  // the table stays the only view
    const c = JSON.parse(element.dataset.chart);
    element.hidden = false;
    const chart = window.echarts.init(element, null, { renderer: 'svg' });
    chart.setOption(option(c));
    window.addEventListener('resize', function () { chart.resize(); });
  }

  document.querySelectorAll('.chart-canvas[data-chart]').forEach(draw);
})();
