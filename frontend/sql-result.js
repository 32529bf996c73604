/* The SQL console's answer: a table whose headings sort it, the row count and the time,
 * and the CSV link for the same query; or the error, inline. */
import {h, labelCells} from './dom.js';
import {format} from './format.js';

/** Numbers before text, numerically; NULL last in both directions. */
function compare(a, b) {
  if (a === null || b === null) return (a === null) - (b === null);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b));
}

export class Result {
  constructor() {
    this.summary = h('p', {className: 'sql-summary', id: 'sql-summary', role: 'status'});
    this.error = h('p', {className: 'notice notice-error', id: 'sql-error', role: 'alert', hidden: true});
    this.table = h('table', {className: 'data-table compact stack-table', id: 'sql-table'});
    this.node = h('div', {className: 'sql-result'}, [this.error, this.summary,
      h('div', {className: 'table-scroll'}, [this.table])]);
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.summary.replaceChildren();
    this.table.replaceChildren();
  }

  show(answer, csvHref) {
    this.error.hidden = true;
    this.answer = answer;
    this.order = answer.rows.map((_, i) => i);
    this.sortColumn = -1;
    this.descending = false;
    const count = answer.rows.length;
    const rows = `${format('integer', count)} row${count === 1 ? '' : 's'}`;
    this.summary.replaceChildren(
      h('span', {id: 'sql-count', text: answer.truncated ? `first ${rows} (more rows matched)` : rows}),
      h('span', {id: 'sql-time', text: `${format('number', answer.elapsed_ms)} ms`}),
      h('a', {id: 'sql-csv', href: csvHref, download: 'query.csv', text: 'Download CSV'}));
    this.draw();
  }

  sortBy(column) {
    this.descending = this.sortColumn === column ? !this.descending : false;
    this.sortColumn = column;
    const rows = this.answer.rows;
    this.order = rows.map((_, i) => i).sort((a, b) => {
      const c = compare(rows[a][column], rows[b][column]);
      const nullish = rows[a][column] === null || rows[b][column] === null;
      return (this.descending && !nullish ? -c : c) || a - b;
    });
    this.draw();
  }

  draw() {
    const {columns, rows} = this.answer;
    const numeric = columns.map((_, c) => rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === 'number'));
    const head = columns.map((name, c) => {
      const th = h('th', {scope: 'col', className: numeric[c] ? 'num' : null}, [
        h('button', {type: 'button', className: 'sort-button', text: name, title: `Sort by ${name}`,
          on: {click: () => this.sortBy(c)}})]);
      if (c === this.sortColumn) th.setAttribute('aria-sort', this.descending ? 'descending' : 'ascending');
      return th;
    });
    const body = this.order.map((i) => h('tr', {}, rows[i].map((value, c) =>
      h('td', {className: numeric[c] ? 'num' : null, text: value === null ? 'NULL' : String(value)}))));
    this.table.replaceChildren(h('thead', {}, [h('tr', {}, head)]), h('tbody', {}, body));
    labelCells(this.table);
  }
}
