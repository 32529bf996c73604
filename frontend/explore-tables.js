/* What Explore draws from an answer: a page of rows with sortable headings, and an order
 * with its items and payments. */
import {h, labelCells} from './dom.js';
import {RESOURCES, label, show} from './explore-columns.js';
import {dateTimeLabel, format} from './format.js';

export function drawTable(browser, page) {
  const state = browser.state;
  const first = page.items.length ? page.offset + 1 : 0;
  const last = page.offset + page.items.length;
  browser.range.textContent = page.total === 0 ? 'No rows match'
    : `Rows ${format('integer', first)}\u2013${format('integer', last)} of ${format('integer', page.total)}`;
  browser.section.dataset.total = String(page.total);
  browser.section.dataset.offset = String(page.offset);
  browser.prev.disabled = page.offset === 0;
  browser.next.disabled = !page.next;
  const sorted = state.sort.replace(/^-/, '');
  const headers = browser.columns.map((column) => {
    const th = h('th', {scope: 'col', className: /money|integer/.test(column.kind) ? 'num' : null,
      dataset: {column: column.name}});
    if (browser.sortable.has(column.name)) {
      th.appendChild(h('button', {type: 'button', className: 'sort-button', text: label(column.name),
        title: `Sort by ${label(column.name)}`, on: {click: () => browser.sortBy(column.name)}}));
      if (column.name === sorted) th.setAttribute('aria-sort', state.sort[0] === '-' ? 'descending' : 'ascending');
    } else {
      th.textContent = label(column.name);
    }
    return th;
  });
  const rows = page.items.map((item) => {
    const cells = browser.columns.map((column, i) => {
      const text = show(column.kind, item[column.name]);
      if (i === 0) return h('th', {scope: 'row'}, [rowAction(browser, item, column.name, text)]);
      return h('td', {className: /money|integer/.test(column.kind) ? 'num' : null, text,
        dataset: {column: column.name}});
    });
    return h('tr', {dataset: {id: item[browser.columns[0].name]}}, cells);
  });
  browser.table.replaceChildren(
    h('caption', {className: 'visually-hidden', text: `${browser.resource.label}, ${browser.range.textContent}`}),
    h('thead', {}, [h('tr', {}, headers)]), h('tbody', {}, rows));
  labelCells(browser.table);
}

/** The key cell: an order opens its detail, a user shows their orders, anything else is text. */
function rowAction(browser, item, key, text) {
  const id = item[key];
  if (browser.resource.name === 'orders') {
    return h('button', {type: 'button', className: 'link-button', text: `#${text}`,
      title: `Show order ${text} with its items and payments`, on: {click: () => browser.openOrder(id)}});
  }
  if (browser.resource.name === 'users') {
    const orders = RESOURCES.find((r) => r.name === 'orders');
    return h('button', {type: 'button', className: 'link-button', text,
      title: `Show the orders of user ${text}`, on: {click: () => browser.open(orders, {user_id: String(id)})}});
  }
  return text;
}

export function drawOrder(browser, order) {
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
  browser.detail.replaceChildren(
    h('div', {className: 'detail-head'}, [
      h('h3', {id: 'explore-detail-title', text: `Order #${order.order_id}`}),
      h('button', {type: 'button', className: 'button', text: 'Close', on: {click: () => browser.closeDetail()}})]),
    h('dl', {className: 'facts'}, facts.map(([term, value]) =>
      h('div', {}, [h('dt', {text: term}), h('dd', {text: value})]))),
    table('explore-items', `Items (${order.items.length})`, [['product_id', 'id'], ['product_name', 'text'],
      ['quantity', 'integer'], ['unit_price', 'money'], ['line_total', 'money']], order.items),
    table('explore-payments', `Payment attempts (${order.payments.length})`, [['payment_method', 'text'],
      ['amount', 'money'], ['payment_date', 'time'], ['status', 'text']], order.payments));
  browser.detail.hidden = false;
  browser.section.dataset.detail = String(order.order_id);
  browser.detail.focus({preventScroll: true});
}
