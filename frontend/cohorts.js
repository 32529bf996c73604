/* The cohort table: customer lifetime value per signup month, sortable, CLV shaded. */
import {h, labelCells} from './dom.js';
import {LOCALE, format, monthLabel} from './format.js';
import {expectArray} from './load.js';

const COLUMN_LABELS = {
  cohort_month: 'Cohort', cohort_size: 'Users', buyers: 'Buyers', orders: 'Orders', revenue: 'Revenue',
  avg_order_value: 'Avg order', clv: 'CLV', repeat_rate: 'Repeat rate',
  clv_30d: 'CLV 30 d', clv_90d: 'CLV 90 d', clv_365d: 'CLV 365 d',
};
const HEAT_COLUMNS = ['clv', 'clv_30d', 'clv_90d', 'clv_365d'];

function columnKind(name, rows) {
  if (/^clv(_|$)|revenue|value|amount/.test(name)) return 'money';
  if (/(_rate|_share)$/.test(name)) return 'percent';
  const values = rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
  if (values.length && values.every((v) => typeof v === 'number')) {
    return values.every(Number.isInteger) ? 'integer' : 'number';
  }
  return 'text';
}

function compareValues(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), LOCALE, {numeric: true});
}

export function renderCohorts(result, body) {
  const columns = expectArray(result.columns, 'columns');
  const rows = expectArray(result.rows, 'rows');
  const kinds = Object.fromEntries(columns.map((c) => [c, columnKind(c, rows)]));
  const ranges = heatRanges(columns, rows);
  const state = {column: columns[0], direction: 'ascending'};
  const tbody = h('tbody');
  const headers = columns.map((column) => {
    const label = COLUMN_LABELS[column] || column.replace(/_/g, ' ');
    return h('th', {scope: 'col', className: kinds[column] === 'text' ? null : 'num', dataset: {column}}, [
      h('button', {type: 'button', className: 'sort-button', text: label, title: `Sort by ${label}`,
        on: {click: () => sortBy(column)}})]);
  });

  function sortBy(column) {
    state.direction = state.column === column && state.direction === 'ascending' ? 'descending' : 'ascending';
    state.column = column;
    draw();
  }

  function draw() {
    const sign = state.direction === 'ascending' ? 1 : -1;
    const sorted = rows.slice().sort((a, b) => {
      const x = a[state.column];
      const y = b[state.column];
      if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;  // nulls last
      if (y === null || y === undefined) return -1;
      return sign * compareValues(x, y);
    });
    headers.forEach((th) => {
      if (th.dataset.column === state.column) th.setAttribute('aria-sort', state.direction);
      else th.removeAttribute('aria-sort');
    });
    tbody.replaceChildren(...sorted.map((row) => h('tr', {}, columns.map((column, i) =>
      cohortCell(row, column, kinds[column], ranges[column], i === 0)))));
    labelCells(table);
  }

  const table = h('table', {id: 'cohort-table', className: 'data-table cohort-table stack-table'}, [
    h('caption', {className: 'visually-hidden',
      text: `Customer lifetime value for ${rows.length} signup cohorts; column headings sort the table`}),
    h('thead', {}, [h('tr', {}, headers)]), tbody,
  ]);
  draw();
  body.replaceChildren(
    h('div', {className: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Cohort table'}, [table]),
    h('p', {className: 'legend'}, [h('span', {className: 'legend-swatch', 'aria-hidden': 'true'}),
      'Shading on the CLV columns: darker is a higher value within that column.']));
}

function heatRanges(columns, rows) {
  const ranges = {};
  for (const column of columns.filter((c) => HEAT_COLUMNS.includes(c))) {
    const values = rows.map((r) => r[column]).filter((v) => typeof v === 'number');
    if (values.length) ranges[column] = {min: Math.min(...values), max: Math.max(...values)};
  }
  return ranges;
}

function cohortCell(row, column, kind, range, isRowHeader) {
  const value = row[column];
  const text = isRowHeader && kind === 'text' ? monthLabel(value) : format(kind, value);
  const cell = h(isRowHeader ? 'th' : 'td', {scope: isRowHeader ? 'row' : null,
    className: kind === 'text' ? null : 'num', text, dataset: {column}});
  if (isRowHeader) cell.title = String(value);
  if (value === null || value === undefined) {
    cell.classList.add('is-null');
    if (HEAT_COLUMNS.includes(column)) cell.title = 'Not yet known: the cohort has not had this long to buy';
  } else if (range && typeof value === 'number') {
    const t = range.max > range.min ? (value - range.min) / (range.max - range.min) : 1;
    cell.classList.add('heat');
    cell.style.setProperty('--heat', t.toFixed(3));  // CSSOM, which the CSP allows
  }
  return cell;
}
