/* The SQL console's editor: a plain textarea with a line-number gutter, Ctrl/Cmd+Enter to
 * run, and one field per :name placeholder of the query (sent as the query's parameters). */
import {h} from './dom.js';

// :name outside quotes and comments is close enough for offering fields; SQLite decides.
const PLACEHOLDER = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|:([A-Za-z_][A-Za-z0-9_]*)/g;

export function placeholders(sql) {
  const names = [];
  for (const match of sql.matchAll(PLACEHOLDER)) {
    if (match[1] && !names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

export class Editor {
  /** onRun is called with no argument when the reader asks to run the query. */
  constructor(onRun) {
    this.values = {};
    this.gutter = h('pre', {className: 'sql-gutter', 'aria-hidden': 'true'});
    this.text = h('textarea', {id: 'sql-text', className: 'sql-text', spellcheck: 'false',
      autocapitalize: 'off', autocomplete: 'off', rows: '10', wrap: 'off',
      'aria-label': 'SQL query (Ctrl+Enter or Cmd+Enter runs it)',
      on: {input: () => this.changed(), scroll: () => this.syncScroll(),
        keydown: (event) => this.key(event, onRun)}});
    this.params = h('div', {className: 'sql-params', id: 'sql-params'});
    this.node = h('div', {className: 'sql-editor'}, [
      h('div', {className: 'sql-code'}, [this.gutter, this.text]), this.params]);
    this.changed();
  }

  key(event, onRun) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onRun();
    }
  }

  get sql() {
    return this.text.value;
  }

  /** Put a query (and its parameter values) in the editor. */
  set(sql, values) {
    this.text.value = sql;
    this.values = Object.assign({}, values || {});
    this.changed();
  }

  changed() {
    const lines = this.text.value.split('\n').length;
    this.gutter.textContent = Array.from({length: lines}, (_, i) => String(i + 1)).join('\n');
    this.syncScroll();
    this.drawParams();
  }

  syncScroll() {
    this.gutter.scrollTop = this.text.scrollTop;
  }

  drawParams() {
    const names = placeholders(this.text.value);
    const current = Object.keys(this.values).filter((n) => names.includes(n));
    const drawn = [...this.params.querySelectorAll('input')].map((input) => input.name);
    if (drawn.join(',') === names.join(',') && current.length === names.length) return;
    this.params.replaceChildren(...names.map((name) => {
      const input = h('input', {type: 'text', name, id: `sql-param-${name}`, autocomplete: 'off',
        value: this.values[name] || '', placeholder: 'empty: NULL',
        on: {input: (event) => { this.values[name] = event.target.value; }}});
      return h('label', {className: 'sql-param'}, [h('span', {text: `:${name}`}), input]);
    }));
  }

  /** The query's parameters: one value per placeholder still in the text. */
  parameters() {
    const result = {};
    for (const name of placeholders(this.text.value)) result[name] = this.values[name] || '';
    return result;
  }
}
