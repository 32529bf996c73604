/* The page header (dataset identity, check status, CSV hashes) and the headline figures. */
import {append, h} from './dom.js';
import {DASH, dateLabel, format} from './format.js';
import {expectArray, expectObject} from './load.js';

export function renderIdentity(report) {
  const dataset = expectObject(report.dataset, 'dataset');
  const items = [
    ['Seed', 'dataset-seed', format('text', dataset.seed)],
    ['Scale', 'dataset-scale', format('text', dataset.scale)],
    ['Generator', 'dataset-generator', `${dataset.generator} ${dataset.generator_version}`],
    ['Window', 'dataset-window', `${dateLabel(dataset.window_start)} ${DASH} ${dateLabel(dataset.window_end)}`],
    ['Currency', 'dataset-currency', format('text', dataset.currency || 'unknown')],
    ['As of', 'dataset-as-of', dataset.as_of ? dateLabel(dataset.as_of) : 'unknown'],
  ];
  const batches = Array.isArray(report.batches) ? report.batches : [];
  if (batches.length) {  // how the data got to its as-of day: one batch per ingest.py --apply
    items.push(['Batches', 'dataset-batches', `${batches.length} applied since ${dateLabel(batches[0].from)}`,
      batches.map((b) => `${b.from} ${DASH} ${b.to}`).join('\n')]);
  }
  const list = document.getElementById('dataset-identity');
  list.replaceChildren();
  for (const [label, id, value, title] of items) {
    const dd = h('dd', {id, text: value});
    if (title) dd.title = title;
    append(list, h('div', {className: 'identity-item'}, [h('dt', {text: label}), dd]));
  }
  const summary = expectObject(report.summary, 'summary');
  const status = document.getElementById('check-status');
  const failed = summary.failed > 0 || report.passed === false;
  status.replaceChildren(h('a', {href: '#integrity'}, [
    h('span', {className: 'status-icon', 'aria-hidden': 'true', text: failed ? '\u2717' : '\u2713'}),
    failed ? `${summary.failed} of ${summary.checks} integrity checks failed`
      : `All ${summary.checks} integrity checks passed`,
  ]));
  status.className = `check-status ${failed ? 'is-fail' : 'is-pass'}`;
  status.hidden = false;

  document.getElementById('hashes-block').hidden = false;
  const hashes = document.getElementById('table-hashes');
  hashes.replaceChildren(...expectArray(report.tables, 'tables').map((table) => h('li', {
    className: 'hash', title: table.sha256 ? `${table.file}: SHA-256 ${table.sha256}` : `${table.file} is missing`,
  }, [h('span', {className: 'hash-name', text: table.table}),
    h('code', {className: 'hash-value', dataset: {table: table.table},
      text: table.sha256 ? table.sha256.slice(0, 12) : 'missing'})])));
}

const KPIS = [
  {key: 'revenue', label: 'Revenue', kind: 'money', note: 'paid, shipped and delivered orders'},
  {key: 'orders', label: 'Orders', kind: 'integer',
    note: (k) => `revenue orders, of ${format('integer', k.all_orders)} placed`},
  {key: 'customers', label: 'Customers', kind: 'integer',
    note: (k) => `users who bought, of ${format('integer', k.users)}`},
  {key: 'avg_order_value', id: 'aov', label: 'Average order value', kind: 'money',
    note: 'revenue \u00f7 revenue orders'},
  {key: 'repeat_purchase_rate', id: 'repeat-rate', label: 'Repeat-purchase rate', kind: 'percent',
    note: 'customers with two or more orders'},
];

export function renderKpis(report, body) {
  const kpis = expectObject(report.kpis, 'kpis');
  body.replaceChildren(...KPIS.map((kpi) => {
    const id = kpi.id || kpi.key;
    return h('article', {className: 'kpi', 'aria-labelledby': `kpi-${id}-label`}, [
      h('h3', {className: 'kpi-label', id: `kpi-${id}-label`, text: kpi.label}),
      h('p', {className: 'kpi-value', id: `kpi-${id}`, dataset: {kpi: kpi.key},
        text: format(kpi.kind, kpis[kpi.key])}),
      h('p', {className: 'kpi-note', text: typeof kpi.note === 'function' ? kpi.note(kpis) : kpi.note}),
    ]);
  }));
}
