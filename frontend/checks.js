/* The anomaly panel (rules against planted labels) and the integrity panel (checks, rows). */
import {append, code, h, labelCells} from './dom.js';
import {format} from './format.js';
import {expectArray, expectObject} from './load.js';

const PATTERN_NAMES = {
  order_burst: 'Order burst', high_value: 'High value', payment_retry: 'Payment retries',
  new_account_big_order: 'New account, big order', bulk_quantity: 'Bulk quantity',
};  // the rules of queries/anomalies.sql; another name is shown as written

function patternName(key) {
  return PATTERN_NAMES[key] || String(key).replace(/_/g, ' ');
}

export function renderAnomalies(report, body) {
  const a = expectObject(report.anomalies, 'anomalies');
  const byRule = expectObject(a.findings_by_rule, 'anomalies.findings_by_rule');
  const byPattern = expectArray(a.by_pattern || [], 'anomalies.by_pattern');
  const labelled = a.labelled_orders !== null && a.labelled_orders !== undefined;  // precision is null too when nothing is flagged
  const stats = [
    ['flagged', 'Flagged orders', format('integer', a.flagged_orders), 'by at least one rule'],
    ['planted', 'Planted orders', format('integer', a.labelled_orders), 'labelled by the generator'],
    ['caught', 'Caught', format('integer', a.true_positives), 'planted and flagged'],
    ['precision', 'Precision', format('percent', a.precision), 'flagged orders that were planted'],
    ['recall', 'Recall', format('percent', a.recall), 'planted orders that were flagged'],
  ];
  const cards = h('div', {className: 'stat-grid'}, stats.map(([id, label, value, note]) =>
    h('div', {className: 'stat'}, [
      h('p', {className: 'stat-label', text: label}),
      h('p', {className: 'stat-value', id: `anomaly-${id}`, text: value}),
      h('p', {className: 'stat-note', text: note})])));
  const patterns = new Map(byPattern.map((p) => [p.pattern, p]));
  const names = [...new Set([...patterns.keys(), ...Object.keys(byRule)])].sort();
  const table = h('table', {id: 'anomaly-table', className: 'data-table stack-table'}, [
    h('caption', {text: 'Per pattern: orders planted, planted orders found by any rule, and what each rule flags'}),
    h('thead', {}, [h('tr', {}, ['Pattern', 'Planted', 'Found', 'Recall', 'Orders the rule flags'].map((t, i) =>
      h('th', {scope: 'col', className: i ? 'num' : null, text: t})))]),
    h('tbody', {}, names.map((name) => {
      // With labels, a rule nothing was planted for has planted and found 0 (recall undefined).
      const p = patterns.get(name) || (labelled ? {planted: 0, found: 0, recall: null} : {});
      return h('tr', {dataset: {pattern: name}}, [
        h('th', {scope: 'row'}, [patternName(name), ' ', h('code', {className: 'muted', text: name})]),
        h('td', {className: 'num', text: format('integer', p.planted)}),
        h('td', {className: 'num', text: format('integer', p.found)}),
        h('td', {className: 'num', text: format('percent', p.recall)}),
        h('td', {className: 'num', text: format('integer', byRule[name] === undefined ? 0 : byRule[name])}),
      ]);
    })),
  ]);
  const note = labelled ? null : h('p', {className: 'unavailable', id: 'anomaly-note'}, [
    'Precision and recall need the generator\u2019s labels, and this dataset has none',
    a.note ? ` (${a.note})` : '', '. The rules still flag orders; ', code('python project/run_all.py'),
    ' generates a dataset with labels.']);
  body.replaceChildren();
  append(body, [cards, note, h('div', {className: 'table-scroll'}, [labelCells(table)])]);
}

// ---- integrity -----------------------------------------------------------------------

export function renderIntegrity(report, body) {
  const checks = expectArray(report.checks, 'checks');
  const tables = expectArray(report.tables, 'tables');
  const failed = checks.filter((c) => !c.passed).length;
  const badge = (ok, yes, no) => h('span', {className: `badge ${ok ? 'is-pass' : 'is-fail'}`}, [
    h('span', {'aria-hidden': 'true', text: ok ? '\u2713 ' : '\u2717 '}), ok ? yes : no]);

  const checkTable = h('table', {id: 'checks-table', className: 'data-table checks-table stack-table'}, [
    h('caption', {text: failed ? `${failed} of ${checks.length} checks failed`
      : `All ${checks.length} checks passed`}),
    h('thead', {}, [h('tr', {}, ['Result', 'Check', 'What it asserts', 'Violations', 'Examples'].map((t, i) =>
      h('th', {scope: 'col', className: i === 3 ? 'num' : null, text: t})))]),
    h('tbody', {}, checks.map((c) => h('tr', {className: c.passed ? 'is-pass' : 'is-fail', dataset: {check: c.name}}, [
      h('td', {}, [badge(c.passed, 'pass', 'fail')]),
      h('th', {scope: 'row'}, [code(c.name)]),
      h('td', {text: c.description}),
      h('td', {className: c.violations ? 'num' : 'num no-violations', text: format('integer', c.violations)}),
      c.examples && c.examples.length
        ? h('td', {}, [h('ul', {className: 'examples'}, c.examples.map((e) => h('li', {text: String(e)})))])
        : h('td', {className: 'no-examples'}, [h('span', {className: 'muted', text: 'none'})]),
    ]))),
  ]);

  const countTable = h('table', {id: 'row-counts-table', className: 'data-table counts-table stack-table'}, [
    h('caption', {text: 'Rows per table: CSV file against database'}),
    h('thead', {}, [h('tr', {}, ['Table', 'CSV file', 'CSV rows', 'Database rows', 'Counts', 'SHA-256 vs ingest']
      .map((t, i) => h('th', {scope: 'col', className: i === 2 || i === 3 ? 'num' : null, text: t})))]),
    h('tbody', {}, tables.map((t) => h('tr', {dataset: {table: t.table}}, [
      h('th', {scope: 'row', text: t.table}),
      h('td', {}, [code(t.file)]),
      h('td', {className: 'num', text: format('integer', t.csv_rows)}),
      h('td', {className: 'num', text: format('integer', t.db_rows)}),
      h('td', {}, [badge(t.csv_rows !== null && t.csv_rows + (t.batch_inserted || 0) === t.db_rows, 'match', 'differ')]),
      h('td', {}, [badge(t.sha256_matches === true, 'unchanged', t.sha256 ? 'changed' : 'missing')]),
    ]))),
  ]);
  body.replaceChildren(h('div', {className: 'table-scroll'}, [labelCells(checkTable)]),
    h('div', {className: 'table-scroll'}, [labelCells(countTable)]));
}
