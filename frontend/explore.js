/* ecommerce-kit dashboard, the part that needs serve_frontend.py: the Explore section, which
 * browses users, products and orders through the read-only API, and the links to the data
 * profile and the API docs.
 *
 * The filter fields, their allowed values and the sortable columns come from
 * /api/openapi.json, the document the server generates from the route table it dispatches
 * on, so nothing about the API is repeated here. When the API cannot be reached (the page
 * opened from file://, no server, 503 without a database) the section says why and the
 * rest of the page is unaffected.
 */
'use strict';

(function () {
  const kit = window.ecomkit;
  if (!kit) return;  // app.js did not run; the page reports that itself
  const {h, append, code, labelCells, moneyFormats, format, dateTimeLabel, DASH} = kit;
  let money = moneyFormats(null).money;   // set from /api/health's dataset.currency

  const API = '../api/';
  const PROFILE = '../docs/profile.html';
  const REBUILD = 'python project/run_all.py';
  const RESOURCES = [
    {name: 'orders', label: 'Orders'},
    {name: 'users', label: 'Users'},
    {name: 'products', label: 'Products'},
  ];
  const PAGE_SIZES = [10, 25, 50, 100];
  const PAGING = ['limit', 'offset', 'sort'];
  const LABELS = {q: 'Name contains', from: 'Placed from', to: 'Placed to', min_total: 'Total at least',
    min_price: 'Price at least', max_price: 'Price at most', signup_from: 'Signed up from',
    signup_to: 'Signed up to', product_name: 'Product', payment_method: 'Method'};

  function label(name) {
    if (LABELS[name]) return LABELS[name];
    const text = name.replace(/_id$/, ' ID').replace(/_/g, ' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  /** GET an API path: {data} or {status, error, code}; never a rejection. */
  async function apiGet(path) {
    let response;
    try {
      response = await fetch(API + path, {cache: 'no-cache', headers: {Accept: 'application/json'}});
    } catch (err) {
      return {status: 0, error: `the API is not reachable (${err.message})`};
    }
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    const problem = body && body.error ? body.error : null;
    if (!response.ok || body === null) {
      return {status: response.status, code: problem ? problem.code : null,
        error: problem ? problem.message : `HTTP ${response.status} without a JSON answer`};
    }
    return {status: response.status, data: body};
  }

  // ---- values --------------------------------------------------------------------------

  function resolve(doc, schema) {
    let node = schema || {};
    while (node.$ref) node = doc.components.schemas[node.$ref.split('/').pop()] || {};
    return node;
  }

  /** How a column displays, from its JSON Schema: money, time, id, integer or text. */
  function columnKind(name, schema) {
    const types = [].concat(schema.type || []);
    if (schema.multipleOf === 0.01) return 'money';
    if (schema.pattern && schema.pattern.indexOf('T') >= 0) return 'time';
    if (types.indexOf('integer') >= 0) return /(^|_)id$/.test(name) ? 'id' : 'integer';
    return 'text';
  }

  function show(kind, value) {
    if (value === null || value === undefined) return DASH;
    if (kind === 'money') return typeof value === 'number' ? money.format(value) : DASH;
    if (kind === 'time') return dateTimeLabel(value);
    if (kind === 'integer') return format('integer', value);
    return String(value);
  }

  // ---- the section ---------------------------------------------------------------------

  function unavailable(section, body, parts) {
    section.dataset.state = 'unavailable';
    body.replaceChildren(h('p', {className: 'unavailable', id: 'explore-unavailable'}, parts));
  }

  function explain(result) {
    if (result.status === 0) {
      return ['The Explore section reads the database through the API of ', code('serve_frontend.py'),
        `, and ${result.error}. Start it with `, code('python serve_frontend.py'),
        ' and open the dashboard at the address it prints.'];
    }
    if (result.status === 503) {
      // The API's message already names the command that fixes it: show it once, as code.
      const at = result.error.indexOf(REBUILD);
      const reason = at < 0 ? [result.error, '; create it with ', code(REBUILD)]
        : [result.error.slice(0, at), code(REBUILD), result.error.slice(at + REBUILD.length)];
      return ['The API has no database to read: '].concat(reason, ', then reload this page.');
    }
    return [`The API answered HTTP ${result.status}: ${result.error}.`];
  }

  function renderMeta(health) {
    const counts = health.row_counts || {};
    const parts = [h('span', {}, ['Database ', code(health.database)]),
      h('span', {text: `seed ${health.dataset.seed}, scale ${health.dataset.scale}, amounts in `
        + `${health.dataset.currency || 'an unknown currency'}`}),
      h('span', {text: `${format('integer', counts.orders)} orders, ${format('integer', counts.users)} users`})];
    const meta = h('p', {className: 'explore-meta', id: 'explore-meta'}, parts);
    if (health.status !== 'degraded') return [meta];
    const files = (health.csv_differences || []).map((d) => `${d.file} (${d.problem})`).join(', ');
    return [meta, h('p', {className: 'notice notice-warn', id: 'explore-degraded', role: 'status'}, [
      `The CSV files in ${health.data_dir}/ no longer match the database: ${files}. The figures here `
        + 'are the database as it was loaded; rebuild it with ', code(REBUILD), '.'])];
  }

  async function renderExplore() {
    const section = document.getElementById('explore');
    const body = document.getElementById('explore-body');
    if (!section || !body) return;
    section.dataset.state = 'loading';
    const health = await apiGet('health');
    showApiDocsLink(health.status !== 0);
    if (health.error) return unavailable(section, body, explain(health));
    money = moneyFormats(health.data.dataset && health.data.dataset.currency).money;
    const doc = await apiGet('openapi.json');
    if (doc.error) return unavailable(section, body, explain(doc));
    const browser = new Browser(doc.data, section);
    body.replaceChildren(...renderMeta(health.data), browser.node);
    browser.open(RESOURCES[0]);
  }

  /** Tabs, filters, a sortable page of rows, prev/next, and an order's detail. */
  function Browser(doc, section) {
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
    this.drawTable(result.data);
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

  Browser.prototype.drawTable = function (page) {
    const state = this.state;
    const first = page.items.length ? page.offset + 1 : 0;
    const last = page.offset + page.items.length;
    this.range.textContent = page.total === 0 ? 'No rows match'
      : `Rows ${format('integer', first)}\u2013${format('integer', last)} of ${format('integer', page.total)}`;
    this.section.dataset.total = String(page.total);
    this.section.dataset.offset = String(page.offset);
    this.prev.disabled = page.offset === 0;
    this.next.disabled = !page.next;
    const sorted = state.sort.replace(/^-/, '');
    const headers = this.columns.map((column) => {
      const th = h('th', {scope: 'col', className: /money|integer/.test(column.kind) ? 'num' : null,
        dataset: {column: column.name}});
      if (this.sortable.has(column.name)) {
        th.appendChild(h('button', {type: 'button', className: 'sort-button', text: label(column.name),
          title: `Sort by ${label(column.name)}`, on: {click: () => this.sortBy(column.name)}}));
        if (column.name === sorted) th.setAttribute('aria-sort', state.sort[0] === '-' ? 'descending' : 'ascending');
      } else {
        th.textContent = label(column.name);
      }
      return th;
    });
    const rows = page.items.map((item) => {
      const cells = this.columns.map((column, i) => {
        const text = show(column.kind, item[column.name]);
        if (i === 0) return h('th', {scope: 'row'}, [this.rowAction(item, column.name, text)]);
        return h('td', {className: /money|integer/.test(column.kind) ? 'num' : null, text,
          dataset: {column: column.name}});
      });
      return h('tr', {dataset: {id: item[this.columns[0].name]}}, cells);
    });
    this.table.replaceChildren(
      h('caption', {className: 'visually-hidden', text: `${this.resource.label}, ${this.range.textContent}`}),
      h('thead', {}, [h('tr', {}, headers)]), h('tbody', {}, rows));
    labelCells(this.table);
  };

  /** The key cell: an order opens its detail, a user shows their orders, anything else is text. */
  Browser.prototype.rowAction = function (item, key, text) {
    const id = item[key];
    if (this.resource.name === 'orders') {
      return h('button', {type: 'button', className: 'link-button', text: `#${text}`,
        title: `Show order ${text} with its items and payments`, on: {click: () => this.openOrder(id)}});
    }
    if (this.resource.name === 'users') {
      const orders = RESOURCES.find((r) => r.name === 'orders');
      return h('button', {type: 'button', className: 'link-button', text,
        title: `Show the orders of user ${text}`, on: {click: () => this.open(orders, {user_id: String(id)})}});
    }
    return text;
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
    this.drawOrder(result.data);
    this.finish('ready');
  };

  Browser.prototype.closeDetail = function () {
    this.detail.hidden = true;
    this.detail.replaceChildren();
    this.section.dataset.detail = '';
  };

  Browser.prototype.drawOrder = function (order) {
    const facts = [['Customer', `user ${order.user_id}`], ['Placed', dateTimeLabel(order.order_date)],
      ['Status', order.status], ['Total', show('money', order.total_amount)]];
    const num = (kind) => (kind === 'money' || kind === 'integer' ? 'num' : null);
    const table = (id, caption, columns, rows) => h('div', {className: 'table-scroll'}, [
      labelCells(h('table', {id, className: 'data-table compact stack-table'}, [
        h('caption', {text: caption}),
        h('thead', {}, [h('tr', {}, columns.map(([name, kind]) =>
          h('th', {scope: 'col', className: num(kind), text: label(name)})))]),
        h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([name, kind]) =>
          h('td', {className: num(kind), text: show(kind, row[name])}))))),
      ]))]);
    this.detail.replaceChildren(
      h('div', {className: 'detail-head'}, [
        h('h3', {id: 'explore-detail-title', text: `Order #${order.order_id}`}),
        h('button', {type: 'button', className: 'button', text: 'Close', on: {click: () => this.closeDetail()}})]),
      h('dl', {className: 'facts'}, facts.map(([term, value]) =>
        h('div', {}, [h('dt', {text: term}), h('dd', {text: value})]))),
      table('explore-items', `Items (${order.items.length})`, [['product_id', 'id'], ['product_name', 'text'],
        ['quantity', 'integer'], ['unit_price', 'money'], ['line_total', 'money']], order.items),
      table('explore-payments', `Payment attempts (${order.payments.length})`, [['payment_method', 'text'],
        ['amount', 'money'], ['payment_date', 'time'], ['status', 'text']], order.payments));
    this.detail.hidden = false;
    this.section.dataset.detail = String(order.order_id);
    this.detail.focus({preventScroll: true});
  };

  // ---- links: the data profile and the API docs ----------------------------------------

  function showApiDocsLink(visible) {
    const link = document.getElementById('api-docs-link');
    if (link) link.hidden = !visible;
  }

  /** Link the data profile only if the server has it; otherwise name the command that makes it. */
  async function renderProfileLink() {
    const slot = document.getElementById('profile-link');
    if (!slot) return;
    let found = false;
    try {
      found = (await fetch(PROFILE, {method: 'HEAD', cache: 'no-store'})).ok;
    } catch (err) {
      found = false;
    }
    slot.replaceChildren(found ? h('a', {href: PROFILE, id: 'profile-anchor', text: 'Data profile'})
      : h('span', {className: 'muted', id: 'profile-missing'}, ['Data profile: run ',
        code('python project/profile_data.py')]));
  }

  renderProfileLink();
  renderExplore().catch((err) => {
    const section = document.getElementById('explore');
    const body = document.getElementById('explore-body');
    if (section && body) unavailable(section, body, [`The Explore section failed (${err.message}).`]);
  });
}());
