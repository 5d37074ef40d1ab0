// Runs in the report page (inlined after Chart.js): draws every chart spec in the page's data block.
// When all are drawn it sets data-charts-ready on <body>; a failure is written to the console, where the render
// test looks for it.
(function drawCharts() {
  'use strict';

  const COLOURS = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

  function axisTitle(unit) {
    return unit === '' ? undefined : { display: true, text: unit };
  }

  try {
    const report = JSON.parse(document.getElementById('report-data').textContent);
    for (const spec of report.charts) {
      const canvas = document.getElementById(`chart-${spec.id}`);
      // Charts are drawn once, at full size, with no animation: the page is a document to read, print or screenshot.
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map((d, i) => ({
            label: d.label,
            data: d.data,
            backgroundColor: COLOURS[i % COLOURS.length],
            borderWidth: 0,
          })),
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: {
            title: { display: true, text: spec.title, font: { size: 14 } },
            legend: { display: spec.datasets.length > 1 },
          },
          scales: {
            y: { beginAtZero: true, title: axisTitle(spec.unit) },
          },
        },
      });
    }

    document.body.dataset.chartsReady = 'true';
  } catch (error) {
    console.error(`report charts failed: ${error && error.stack ? error.stack : error}`);
  }
}());
