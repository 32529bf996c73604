/* The realism panel: report.json's scorecard, each metric's value against the reference
 * range taken from a real store or survey, with the source it comes from. */
import {code, h, labelCells} from './dom.js';
import {format} from './format.js';
import {expectArray, expectObject} from './load.js';

const VERDICTS = {
  'inside': {mark: '\u2713 ', className: 'is-pass'},
  'outside': {mark: '\u2717 ', className: 'is-fail'},
  'not measurable': {mark: '\u2013 ', className: 'is-none'},
};

function metricValue(m) {
  return m.unit === 'money' ? format('money', m.value) : format('number', m.value);
}

function sourceCell(m) {
  const source = m.source || {};
  const link = /^https?:\/\//.test(String(source.url || ''))
    ? h('a', {href: source.url, rel: 'noopener', text: source.name || source.url})
    : h('span', {text: source.name || ''});
  return h('td', {className: 'realism-source'}, [h('span', {text: m.reference || ''}), h('br'), link]);
}

export function renderRealism(report, body) {
  const realism = expectObject(report.realism, 'realism');
  const summary = expectObject(realism.summary, 'realism.summary');
  const metrics = expectArray(realism.metrics, 'realism.metrics');
  const table = h('table', {id: 'realism-table', className: 'data-table stack-table'}, [
    h('caption', {text: `${summary.inside} of ${summary.metrics} metrics inside their reference range, `
      + `${summary.outside} outside, ${summary.not_measurable} not measurable`}),
    h('thead', {}, [h('tr', {}, ['Metric', 'Value', 'Reference range', 'Verdict', 'Reference and source']
      .map((t, i) => h('th', {scope: 'col', className: i === 1 || i === 2 ? 'num' : null, text: t})))]),
    h('tbody', {}, metrics.map((m) => {
      const verdict = VERDICTS[m.status] || {mark: '', className: 'is-none'};
      return h('tr', {className: verdict.className, dataset: {metric: m.id, status: m.status}}, [
        h('th', {scope: 'row'}, [m.label, ' ', h('code', {className: 'muted', text: m.id})]),
        h('td', {className: 'num', text: metricValue(m)}),
        h('td', {className: 'num', text: m.range}),
        h('td', {}, [h('span', {className: `badge ${verdict.className}`}, [
          h('span', {'aria-hidden': 'true', text: verdict.mark}), m.status]),
        m.why ? h('span', {className: 'muted', text: ` (${m.why})`}) : null]),
        sourceCell(m),
      ]);
    })),
  ]);
  body.replaceChildren(h('div', {className: 'table-scroll'}, [labelCells(table)]),
    h('p', {className: 'muted'}, ['Each value is one query of ', code('queries/realism/'),
      '; ranges and sources are in ', code('db/report/realism.json'), '.']));
}
