// Polls /api/snapshot once a second and redraws the charts (Chart.js, bundled, no CDN).
// Each chart card shows its number of drawn data points (used by DashboardITCase too).
'use strict';

// Significance level of the champion-vs-challenger verdicts (two-sided paired t-test).
const ALPHA = 0.05;

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

function timeAxis(showDate) {
  return {
    type: 'linear',
    ticks: {
      maxTicksLimit: 6,
      callback: v => {
        const d = new Date(v);
        return showDate ? d.toISOString().slice(0, 10) : d.toISOString().slice(11, 19);
      }
    }
  };
}

function makeChart(id, showDate, yTitle) {
  return new Chart(document.getElementById('chart-' + id), {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      elements: { point: { radius: 1.5 }, line: { borderWidth: 1.5 } },
      scales: { x: timeAxis(showDate), y: { beginAtZero: true, title: { display: !!yTitle, text: yTitle } } },
      plugins: { legend: { labels: { boxWidth: 12, font: { size: 11 } } } }
    }
  });
}

const charts = {
  hr10: makeChart('hr10', true),
  ndcg10: makeChart('ndcg10', true),
  mrr: makeChart('mrr', true),
  throughput: makeChart('throughput', false, 'events/s'),
  latency: makeChart('latency', false, 'ms'),
  deadletters: makeChart('deadletters', false, '%'),
  ndcgdiff: makeChart('ndcgdiff', true, 'Δ NDCG@10')
};
charts.ndcgdiff.options.scales.y.beginAtZero = false;

function setData(id, datasets) {
  const chart = charts[id];
  chart.data.datasets = datasets.map((d, i) => Object.assign({
    borderColor: PALETTE[i % PALETTE.length],
    backgroundColor: PALETTE[i % PALETTE.length],
    spanGaps: true
  }, d));
  chart.update('none');
  const n = datasets.reduce((sum, d) => sum + d.data.filter(p => p.y !== null).length, 0);
  document.getElementById('points-' + id).textContent = n;
  document.getElementById('card-' + id).dataset.points = n;
}

function qualitySets(quality, field) {
  return quality.map(s => ({
    label: s.model + ' @ ' + s.version,
    data: s.points.map(p => ({ x: p.t, y: p[field] }))
  }));
}

function opsSet(ops, label, f) {
  return { label: label, data: ops.map(p => ({ x: p.t, y: f(p) })) };
}

function fmt(v, digits) {
  return v === undefined || v === null ? '–' : Number(v).toFixed(digits);
}

function age(seconds) {
  if (seconds < 120) return seconds + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  return (seconds / 3600).toFixed(1) + ' h';
}

// The newest version of each model serves (champion for the first model, challengers for the
// others); older versions of a model are shown as retired.
function roles(versions) {
  const newest = {};
  versions.forEach(v => {
    if (!newest[v.model] || v.firstSeen > newest[v.model].firstSeen) newest[v.model] = v;
  });
  const models = Object.keys(newest).sort((a, b) => newest[a].firstSeen - newest[b].firstSeen || a.localeCompare(b));
  return v => newest[v.model] !== v ? 'retired' : (models[0] === v.model ? 'champion' : 'challenger');
}

// Replaces a table's rows; each cell is [text, className?].
function fillTable(id, rowClass, rows) {
  const body = document.querySelector('#' + id + ' tbody');
  body.innerHTML = '';
  rows.forEach(cells => {
    const tr = document.createElement('tr');
    tr.className = rowClass;
    cells.forEach(([text, cls]) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
}

function renderVersions(versions) {
  const role = roles(versions);
  fillTable('versions', 'version-row', versions.map(v => {
    const m = v.runningMetrics || {};
    return [[v.model], [v.version], [role(v)], [age(v.ageSeconds), 'num'], [v.predictions, 'num'],
      [v.evaluated, 'num'], [fmt(m['HR@10'], 4), 'num'], [fmt(m['NDCG@10'], 4), 'num'], [fmt(m['MRR'], 4), 'num']];
  }));
}

function verdict(diff, p) {
  if (p === undefined || p === null) return 'too few windows';
  if (p >= ALPHA) return 'no significant difference at ' + ALPHA;
  return diff > 0 ? 'challenger better' : 'champion better';
}

function renderComparisons(comparisons) {
  fillTable('comparisons', 'comparison-row', comparisons.map(c => {
    const t = c.test || {};
    const p = t['NDCG@10.p'];
    return [[c.model], [c.version], [c.champion], [c.windows, 'num'], [fmt(t['HR@10.diff'], 4), 'num'],
      [fmt(t['NDCG@10.diff'], 4), 'num'], [fmt(t['MRR.diff'], 4), 'num'], [fmt(t['NDCG@10.t'], 2), 'num'],
      [fmt(p, 3), 'num pvalue'], [verdict(t['NDCG@10.diff'], p), p < ALPHA ? 'significant' : '']];
  }));
}

function comparisonSets(comparisons) {
  return comparisons.map(c => ({
    label: c.model + ' @ ' + c.version + ' − ' + c.champion,
    data: c.points.map(p => ({ x: p.t, y: p.ndcg10Diff }))
  }));
}

function render(s) {
  setData('hr10', qualitySets(s.quality, 'hr10'));
  setData('ndcg10', qualitySets(s.quality, 'ndcg10'));
  setData('mrr', qualitySets(s.quality, 'mrr'));
  setData('throughput', [opsSet(s.ops, 'events/s', p => p.eventsPerSec)]);
  setData('latency', [opsSet(s.ops, 'p50', p => p.latencyP50), opsSet(s.ops, 'p99', p => p.latencyP99)]);
  setData('deadletters', [opsSet(s.ops, 'dead letters', p => 100 * p.deadLetterRate)]);
  setData('ndcgdiff', comparisonSets(s.comparisons));
  renderVersions(s.versions);
  renderComparisons(s.comparisons);
  document.getElementById('status').textContent = 'updated ' + new Date(s.now).toISOString().slice(11, 19)
    + ' UTC · ' + s.totals.predictions + ' predictions · ' + s.totals.deadLetters + ' dead letters';
}

async function poll() {
  try {
    const r = await fetch('/api/snapshot', { cache: 'no-store' });
    render(await r.json());
  } catch (e) {
    document.getElementById('status').textContent = 'no connection: ' + e;
  }
}

poll();
setInterval(poll, 1000);
