/* ecommerce-kit dashboard, the SQL console: one read-only SELECT through /api/sql, with the
 * schema and the library's queries beside the editor. The query and its parameters live in
 * the address (#sql:sql=...&name=value), so a link reproduces the result.
 *
 * The server decides what may run (api/console.py); this page only sends the text. */
import {h} from './dom.js';
import {apiGet, explain} from './explore-api.js';
import {Editor} from './sql-editor.js';
import {Result} from './sql-result.js';
import {renderExamples, renderSchema} from './sql-side.js';

const HASH = '#sql:';
const STARTER = 'SELECT status, count(*) AS orders, round(sum(total_amount), 2) AS amount\n'
  + 'FROM orders\nWHERE order_date >= :since\nGROUP BY status\nORDER BY orders DESC';

class Console {
  constructor(section, library) {
    this.section = section;
    this.runs = 0;
    this.editor = new Editor(() => this.run());
    this.result = new Result();
    const run = h('button', {type: 'button', className: 'button', id: 'sql-run',
      text: 'Run', title: 'Run the query (Ctrl+Enter, Cmd+Enter on a Mac)', on: {click: () => this.run()}});
    const side = h('aside', {className: 'sql-side'}, [
      renderSchema(library.tables, (name) => this.insert(name)),
      renderExamples(library.queries, (query) => this.choose(query))]);
    this.node = h('div', {className: 'sql-layout'}, [
      h('div', {className: 'sql-main'}, [this.editor.node,
        h('div', {className: 'sql-actions'}, [run,
          h('span', {className: 'muted', text: 'Ctrl+Enter runs; one read-only SELECT, stopped after the server\u2019s time limit'})]),
        this.result.node]),
      side]);
  }

  /** The library's query with its default values, run at once. */
  choose(query) {
    this.editor.set(query.sql, query.params);
    this.run();
  }

  insert(text) {
    const area = this.editor.text;
    const start = area.selectionStart;
    area.setRangeText(text, start, area.selectionEnd, 'end');
    area.focus();
    this.editor.changed();
  }

  async run() {
    const query = new URLSearchParams({sql: this.editor.sql});
    for (const [name, value] of Object.entries(this.editor.parameters())) query.append(name, value);
    history.replaceState(null, '', HASH + query.toString());
    this.section.dataset.state = 'running';
    const answer = await apiGet(`sql?${query}`);
    this.runs += 1;
    this.section.dataset.runs = String(this.runs);
    if (answer.error) {
      this.result.showError(answer.status === 400 ? answer.error : explain(answer).map(
        (part) => (typeof part === 'string' ? part : part.textContent)).join(''));
      this.section.dataset.state = 'error';
      return;
    }
    this.result.show(answer.data, `../api/sql.csv?${query}`);
    this.section.dataset.state = 'ready';
  }

  /** The query in the address, if any: put it in the editor and run it. */
  restore() {
    if (!location.hash.startsWith(HASH)) {
      this.editor.set(STARTER, {since: '2024-01-01'});
      this.section.dataset.state = 'ready';
      return;
    }
    const query = new URLSearchParams(location.hash.slice(HASH.length));
    const values = {};
    for (const [name, value] of query) if (name !== 'sql') values[name] = value;
    this.editor.set(query.get('sql') || '', values);
    this.section.scrollIntoView();
    this.run();
  }
}

async function renderSql() {
  const section = document.getElementById('sql');
  const body = document.getElementById('sql-body');
  if (!section || !body) return;
  section.dataset.state = 'loading';
  const library = await apiGet('sql/library');
  if (library.error) {
    section.dataset.state = 'unavailable';
    body.replaceChildren(h('p', {className: 'unavailable', id: 'sql-unavailable'}, explain(library)));
    return;
  }
  const console = new Console(section, library.data);
  body.replaceChildren(console.node);
  console.restore();
}

renderSql().catch((err) => {
  const body = document.getElementById('sql-body');
  if (body) body.replaceChildren(h('p', {className: 'unavailable'}, [`The SQL console failed (${err.message}).`]));
});
