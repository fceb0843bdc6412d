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
    if (c.kind === 'scatter') { return quadrants(c); }
    return {
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: c.labels },
      yAxis: axes(c),
      series: c.series.map(function (s) {
        return { type: c.kind, name: s.name, data: s.values, barMaxWidth: 48, yAxisIndex: s.right ? 1 : 0 };
      }),
    };
  }

  // One value axis, or two when some series are counted in another unit (named at the top
  // of each axis, so a count is never read against a percentage).
  function axes(c) {
    const right = c.series.filter(function (s) { return s.right; });
    if (!right.length) { return { type: 'value', minInterval: 1 }; }
    const names = function (list) { return list.map(function (s) { return s.name; }).join('、'); };
    const left = c.series.filter(function (s) { return !s.right; });
    return [{ type: 'value', minInterval: 1, name: names(left), nameTextStyle: { align: 'left' } },
            { type: 'value', minInterval: 1, name: names(right), splitLine: { show: false }, nameTextStyle: { align: 'right' } }];
  }

  // Two axes 1–10 split at 5.5 into four quadrants, each point named (the TIME chart).
  function quadrants(c) {
    const x = c.series[0], y = c.series[1];
    const axis = function (name) { return { type: 'value', min: 1, max: 10, name: name, nameLocation: 'middle', nameGap: 28 }; };
    return {
      tooltip: { trigger: 'item', formatter: function (p) { return p.name + '<br>' + x.name + ' ' + p.value[0] + '<br>' + y.name + ' ' + p.value[1]; } },
      grid: { left: 16, right: 24, top: 24, bottom: 40, containLabel: true },
      xAxis: axis(x.name), yAxis: axis(y.name),
      series: [{ type: 'scatter', symbolSize: 14,
                 label: { show: true, position: 'right', formatter: '{b}' },
                 data: c.labels.map(function (label, i) { return { name: label, value: [x.values[i], y.values[i]] }; }),
                 markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed' }, label: { show: false },
                             data: [{ xAxis: 5.5 }, { yAxis: 5.5 }] } }],
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
