/* The Explore browser: tabs, filters built from the API's parameters, paging and sorting,
 * each request superseding the one before. */
import {append, h} from './dom.js';
import {apiGet, explain} from './explore-api.js';
import {PAGE_SIZES, PAGING, RESOURCES, columnKind, label, resolve} from './explore-columns.js';
import {drawOrder, drawTable} from './explore-tables.js';

/** Tabs, filters, a sortable page of rows, prev/next, and an order's detail. */
export function Browser(doc, section) {
  this.doc = doc;
  this.section = section;
  this.states = {};
  this.request = 0;
  this.loads = 0;
  this.tabs = RESOURCES.map((resource) => h('button', {type: 'button', role: 'tab',
    id: `explore-tab-${resource.name}`, className: 'tab', 'aria-controls': 'explore-view', text: resource.label,
    on: {click: () => this.open(resource)}}));
  this.form = h('form', {className: 'explore-filters', id: 'explore-form', novalidate: true,
    on: {submit: (event) => { event.preventDefault(); this.applyFilters(); }}});
  this.error = h('p', {className: 'notice notice-error explore-error', id: 'explore-error', role: 'alert',
    hidden: true});
  this.range = h('p', {className: 'explore-range', id: 'explore-range', 'aria-live': 'polite'});
  this.prev = h('button', {type: 'button', className: 'button', id: 'explore-prev', text: '\u2190 Previous',
    on: {click: () => this.page(-1)}});
  this.next = h('button', {type: 'button', className: 'button', id: 'explore-next', text: 'Next \u2192',
    on: {click: () => this.page(1)}});
  this.limit = h('select', {id: 'explore-limit', on: {change: () => this.setLimit(Number(this.limit.value))}},
    PAGE_SIZES.map((n) => h('option', {value: n, text: String(n)})));
  this.table = h('table', {id: 'explore-table', className: 'data-table explore-table stack-table'});
  this.detail = h('div', {className: 'explore-detail', id: 'explore-detail', hidden: true, tabindex: -1});
  this.node = h('div', {className: 'explore'}, [
    h('div', {className: 'tabs', role: 'tablist', 'aria-label': 'Table to explore',
      on: {keydown: (event) => this.moveTab(event)}}, this.tabs),
    h('div', {id: 'explore-view', role: 'tabpanel'}, [
      this.form, this.error,
      h('div', {className: 'explore-toolbar'}, [this.range,
        h('label', {className: 'page-size'}, ['Rows per page ', this.limit]),
        h('div', {className: 'pager'}, [this.prev, this.next])]),
      h('div', {className: 'table-scroll'}, [this.table]),
      this.detail,
    ]),
  ]);
}

/** Arrow keys move between the tabs, as a tablist's keyboard users expect. */
Browser.prototype.moveTab = function (event) {
  const step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
  if (!step) return;
  const current = RESOURCES.indexOf(this.resource);
  const next = RESOURCES[(current + step + RESOURCES.length) % RESOURCES.length];
  event.preventDefault();
  this.open(next);
  document.getElementById(`explore-tab-${next.name}`).focus();
};

Browser.prototype.operation = function (path) {
  const item = this.doc.paths[path];
  return item ? item.get : null;
};

Browser.prototype.open = function (resource, filters) {
  const operation = this.operation(`/api/${resource.name}`);
  if (!operation) {
    this.showError(`The API does not list /api/${resource.name}.`);
    return;
  }
  this.resource = resource;
  const params = operation.parameters;
  const sort = params.find((p) => p.name === 'sort');
  const state = this.states[resource.name] || (this.states[resource.name] = {
    filters: {}, offset: 0, limit: PAGE_SIZES[0], sort: sort.schema.default, params});
  if (filters) Object.assign(state, {filters, offset: 0});
  this.state = state;
  const item = resolve(this.doc, operation.responses['200'].content['application/json'].schema);
  const row = resolve(this.doc, item.properties.items.items);
  this.columns = Object.keys(row.properties).map((name) => ({name, kind: columnKind(name, row.properties[name])}));
  this.sortable = new Set(sort.schema.enum);
  this.tabs.forEach((tab) => {
    const selected = tab.id === `explore-tab-${resource.name}`;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  });
  this.section.dataset.resource = resource.name;
  this.limit.value = String(state.limit);
  this.buildForm(params.filter((p) => PAGING.indexOf(p.name) < 0 && p.in === 'query'));
  this.closeDetail();
  this.load();
};

Browser.prototype.buildForm = function (params) {
  const fields = params.map((p) => {
    const schema = p.schema || {};
    const id = `explore-filter-${p.name}`;
    const value = this.state.filters[p.name] || '';
    let input;
    if (schema.enum) {
      input = h('select', {id, name: p.name}, [h('option', {value: '', text: 'any'})].concat(
        schema.enum.map((v) => h('option', {value: v, text: v}))));
    } else if (schema.format === 'date') {
      input = h('input', {id, name: p.name, type: 'date'});
    } else if (schema.type === 'integer') {
      input = h('input', {id, name: p.name, type: 'number', min: schema.minimum, max: schema.maximum, step: 1});
    } else if (schema.pattern) {
      input = h('input', {id, name: p.name, type: 'number', min: 0, step: '0.01', inputmode: 'decimal'});
    } else {
      input = h('input', {id, name: p.name, type: 'search', maxlength: schema.maxLength, autocomplete: 'off'});
    }
    input.value = value;
    return h('label', {className: 'field', title: p.description}, [h('span', {text: label(p.name)}), input]);
  });
  this.form.replaceChildren(...fields, h('div', {className: 'field-actions'}, [
    h('button', {type: 'submit', className: 'button button-primary', id: 'explore-apply', text: 'Apply'}),
    h('button', {type: 'button', className: 'button', id: 'explore-clear', text: 'Clear',
      on: {click: () => { Object.assign(this.state, {filters: {}, offset: 0}); this.open(this.resource); }}}),
  ]));
};

Browser.prototype.applyFilters = function () {
  const filters = {};
  for (const element of this.form.elements) {
    if (element.name && element.value.trim() !== '') filters[element.name] = element.value.trim();
  }
  Object.assign(this.state, {filters, offset: 0});
  this.closeDetail();
  this.load();
};

Browser.prototype.page = function (direction) {
  const state = this.state;
  state.offset = Math.max(0, state.offset + direction * state.limit);
  this.load();
};

Browser.prototype.setLimit = function (limit) {
  Object.assign(this.state, {limit, offset: 0});
  this.load();
};

Browser.prototype.sortBy = function (column) {
  const state = this.state;
  state.sort = state.sort === column ? `-${column}` : column;
  state.offset = 0;
  this.load();
};

Browser.prototype.query = function () {
  const state = this.state;
  const params = new URLSearchParams(state.filters);
  params.set('sort', state.sort);
  params.set('limit', String(state.limit));
  params.set('offset', String(state.offset));
  return `${this.resource.name}?${params}`;
};

Browser.prototype.load = async function () {
  const ticket = ++this.request;
  this.section.dataset.state = 'loading';
  this.table.setAttribute('aria-busy', 'true');
  const result = await apiGet(this.query());
  if (ticket !== this.request) return;  // a newer request superseded this one
  this.table.removeAttribute('aria-busy');
  if (result.error) {
    this.showError(result.status === 400 ? `Check the filters: ${result.error}.` : explain(result));
    this.finish('error');
    return;
  }
  this.showError(null);
  drawTable(this, result.data);
  this.finish('ready');
};

Browser.prototype.finish = function (state) {
  this.loads += 1;
  this.section.dataset.loads = String(this.loads);
  this.section.dataset.state = state;
};

Browser.prototype.showError = function (message) {
  this.error.hidden = !message;
  this.error.replaceChildren();
  if (message) append(this.error, message);
};

Browser.prototype.openOrder = async function (id) {
  const ticket = ++this.request;
  this.section.dataset.state = 'loading';
  const result = await apiGet(`orders/${encodeURIComponent(id)}`);
  if (ticket !== this.request) return;
  if (result.error) {
    this.showError(explain(result));
    this.finish('error');
    return;
  }
  drawOrder(this, result.data);
  this.finish('ready');
};

Browser.prototype.closeDetail = function () {
  this.detail.hidden = true;
  this.detail.replaceChildren();
  this.section.dataset.detail = '';
};
