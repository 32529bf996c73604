/* The SVG charts: revenue and orders by month, payment methods and categories as bars,
 * each with a collapsed table of its numbers as the text alternative. */
import {append, h, s} from './dom.js';
import {format, monthLabel} from './format.js';
import {expectArray, expectObject} from './load.js';

/** A round axis maximum and step for `count` gridlines over 0..max. */
function niceScale(max, count) {
  if (!(max > 0)) return {max: 1, step: 1 / count};
  const raw = max / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].find((f) => f * magnitude >= raw) * magnitude;
  return {max: Math.ceil(max / step - 1e-9) * step, step};
}

function chartWidth(body) {
  return Math.max(300, Math.floor(body.clientWidth || 800));
}

/** A collapsed table of the numbers behind a chart: its text alternative for everyone. */
function dataTable(caption, headers, rows) {
  return h('details', {className: 'chart-data'}, [
    h('summary', {text: 'Show the data as a table'}),
    h('div', {className: 'table-scroll'}, [h('table', {className: 'data-table compact'}, [
      h('caption', {className: 'visually-hidden', text: caption}),
      h('thead', {}, [h('tr', {}, headers.map(([label, numeric]) =>
        h('th', {scope: 'col', className: numeric ? 'num' : null, text: label})))]),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) =>
        h(i === 0 ? 'th' : 'td', {scope: i === 0 ? 'row' : null,
          className: headers[i][1] ? 'num' : null, text: cell}))))),
    ])]),
  ]);
}

function yAxis(group, scale, top, height, left, right, label) {
  const ticks = Math.round(scale.max / scale.step);
  for (let i = 0; i <= ticks; i += 1) {
    const value = i * scale.step;
    const y = top + height - (value / scale.max) * height;
    append(group, [
      s('line', {class: value === 0 ? 'axis-line' : 'grid-line', x1: left, x2: right, y1: y, y2: y}),
      s('text', {class: 'tick', x: left - 8, y: y + 4, 'text-anchor': 'end', text: label(value)}),
    ]);
  }
}

/** Every calendar month from the first to the last listed; a month not listed had no revenue orders. */
function continuousMonths(listed) {
  const parse = (text) => {
    const match = /^(\d{4})-(\d{2})$/.exec(String(text));
    if (!match) throw new Error(`month ${JSON.stringify(text)} is not YYYY-MM`);
    return Number(match[1]) * 12 + Number(match[2]) - 1;
  };
  const byIndex = new Map(listed.map((d) => [parse(d.month), d]));
  const first = Math.min(...byIndex.keys());
  const last = Math.max(...byIndex.keys());
  const months = [];
  for (let i = first; i <= last; i += 1) {
    const month = `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    months.push(byIndex.get(i) || {month, orders: 0, revenue: 0, avg_order_value: null, empty: true});
  }
  return months;
}

/** The monthly chart's sizes and scales for `width` pixels: revenue above, orders below. */
function monthlyGeometry(months, width) {
  const narrow = width < 640;
  const m = {left: narrow ? 52 : 64, right: 12, top: 28};
  const revenueHeight = narrow ? 170 : 220;
  const ordersTop = m.top + revenueHeight + 44;
  const ordersHeight = narrow ? 80 : 100;
  const step = (width - m.left - m.right) / months.length;
  const revenue = niceScale(Math.max(...months.map((d) => d.revenue || 0)), 4);
  const orders = niceScale(Math.max(...months.map((d) => d.orders || 0)), 3);
  return {width, narrow, m, revenueHeight, ordersTop, ordersHeight, step, revenue, orders,
    height: ordersTop + ordersHeight + 30,
    x: (i) => m.left + step * (i + 0.5),
    yRevenue: (v) => m.top + revenueHeight - ((v || 0) / revenue.max) * revenueHeight,
    yOrders: (v) => ordersTop + ordersHeight - ((v || 0) / orders.max) * ordersHeight};
}

function monthlyAxes(months, g) {
  const {m, width, x} = g;
  const axes = s('g', {class: 'axes'});
  yAxis(axes, g.revenue, m.top, g.revenueHeight, m.left, width - m.right, (v) => format('moneyCompact', v));
  yAxis(axes, g.orders, g.ordersTop, g.ordersHeight, m.left, width - m.right, (v) => format('integer', v));
  append(axes, [
    s('text', {class: 'axis-title', x: m.left, y: m.top - 12, text: 'Revenue'}),
    s('text', {class: 'axis-title', x: m.left, y: g.ordersTop - 12, text: 'Orders'}),
  ]);
  // Label every n-th calendar month (n divides 12, so every January is labelled, with its year).
  const labelEvery = [1, 2, 3, 6, 12].find((n) => n * g.step >= (g.narrow ? 40 : 46)) || 12;
  months.forEach((d, i) => {
    const monthOfYear = Number(d.month.slice(5)) - 1;
    if (monthOfYear % labelEvery !== 0) return;
    append(axes, s('text', {class: 'tick', x: x(i), y: g.height - 8, 'text-anchor': 'middle',
      text: monthOfYear === 0 ? monthLabel(d.month) : monthLabel(d.month, 'monthShort')}));
  });
  return axes;
}

/** One group per month: its tooltip, a hover target, the orders bar and the revenue point. */
function monthMarks(months, g) {
  const {m, x, step, ordersTop, ordersHeight, yOrders} = g;
  const barWidth = Math.max(2, Math.min(28, step * 0.6));
  return months.map((d, i) => s('g', {class: 'month', 'data-month': d.month}, [
    s('title', {text: d.empty ? `${monthLabel(d.month)}: no revenue orders`
      : `${monthLabel(d.month)}: revenue ${format('money', d.revenue)}, `
        + `${format('integer', d.orders)} orders, average ${format('money', d.avg_order_value)}`}),
    s('rect', {class: 'hit', x: x(i) - step / 2, y: m.top, width: step, height: ordersTop + ordersHeight - m.top}),
    s('rect', {class: 'orders-bar', x: x(i) - barWidth / 2, y: yOrders(d.orders), width: barWidth,
      height: ordersTop + ordersHeight - yOrders(d.orders), rx: 2}),
    s('circle', {class: 'revenue-point', cx: x(i), cy: g.yRevenue(d.revenue), r: g.narrow ? 2.5 : 3.5}),
  ]));
}

export function renderMonthly(report, body) {
  const listed = expectArray(expectObject(report.trends, 'trends').monthly, 'trends.monthly');
  const months = listed.length ? continuousMonths(listed) : [];
  if (months.length === 0) {
    body.replaceChildren(h('p', {className: 'empty', text: 'report.json lists no months.'}));
    return;
  }
  const g = monthlyGeometry(months, chartWidth(body));
  const {width, height, x} = g;
  const svg = s('svg', {id: 'monthly-chart', class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'img', 'aria-label': monthlySummary(months)});
  const line = months.map((d, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${g.yRevenue(d.revenue).toFixed(1)}`).join('');
  const baseline = g.m.top + g.revenueHeight;
  const area = `${line}L${x(months.length - 1).toFixed(1)},${baseline}L${x(0).toFixed(1)},${baseline}Z`;
  append(svg, [monthlyAxes(months, g), s('path', {class: 'revenue-area', d: area}),
    s('path', {class: 'revenue-line', d: line})]);
  append(svg, monthMarks(months, g));
  body.replaceChildren(h('div', {className: 'chart-frame'}, [svg]), dataTable(
    'Revenue and orders by month',
    [['Month', false], ['Orders', true], ['Revenue', true], ['Average order value', true]],
    months.map((d) => [monthLabel(d.month), format('integer', d.orders), format('money', d.revenue),
      format('money', d.avg_order_value)])));
}

function monthlySummary(months) {
  const byRevenue = months.slice().sort((a, b) => (a.revenue || 0) - (b.revenue || 0));
  const low = byRevenue[0];
  const high = byRevenue[byRevenue.length - 1];
  const total = months.reduce((sum, d) => sum + (d.orders || 0), 0);
  return `Monthly revenue and orders, ${monthLabel(months[0].month)} to `
    + `${monthLabel(months[months.length - 1].month)}. Revenue ranges from ${format('money', low.revenue)} `
    + `in ${monthLabel(low.month)} to ${format('money', high.revenue)} in ${monthLabel(high.month)}; `
    + `${format('integer', total)} orders in all.`;
}

/** Horizontal bars, one row per item: name and value above, bar below (reads well at any width),
 *  and an optional line of detail under the bar. */
function barChart(id, label, rows, body) {
  const width = chartWidth(body);
  const rowHeight = rows.some((r) => r.detail) ? 70 : 50;
  const max = Math.max(...rows.map((r) => r.value || 0), 0) || 1;
  const svg = s('svg', {id, class: 'chart bar-chart', width, height: rows.length * rowHeight,
    viewBox: `0 0 ${width} ${rows.length * rowHeight}`, role: 'img', 'aria-label': label});
  rows.forEach((row, i) => {
    const y = i * rowHeight;
    append(svg, s('g', {class: 'bar-row', 'data-name': row.name}, [
      s('title', {text: row.tooltip}),
      s('text', {class: 'bar-label', x: 0, y: y + 17, text: row.label}),
      s('text', {class: 'bar-value', x: width, y: y + 17, 'text-anchor': 'end', text: row.valueText}),
      s('rect', {class: 'bar-track', x: 0.5, y: y + 26.5, width: width - 1, height: 11, rx: 5.5}),
      s('rect', {class: 'bar', x: 0, y: y + 26, width: Math.max(2, ((row.value || 0) / max) * width),
        height: 12, rx: 6}),
      row.detail ? s('text', {class: 'bar-detail', x: 0, y: y + 56, text: row.detail}) : null,
    ]));
  });
  return h('div', {className: 'chart-frame'}, [svg]);
}

const METHOD_NAMES = {card: 'Card', paypal: 'PayPal', bank: 'Bank transfer'};  // db/schema.sql's CHECK list

function methodName(key) {
  const text = String(key);
  return METHOD_NAMES[text] || text.charAt(0).toUpperCase() + text.slice(1).replace(/_/g, ' ');
}

export function renderPayments(report, body) {
  const methods = expectArray(expectObject(report.trends, 'trends').payment_methods, 'trends.payment_methods');
  const rows = methods.map((p) => ({
    name: p.payment_method, label: methodName(p.payment_method), value: p.completed_amount,
    valueText: `${format('money', p.completed_amount)} \u00b7 ${format('percent', p.amount_share)}`,
    detail: `${format('integer', p.payments)} attempts \u00b7 ${format('percent', p.failure_rate)} failed `
      + `\u00b7 ${format('integer', p.refunded)} refunded`,
    tooltip: `${methodName(p.payment_method)}: ${format('money', p.completed_amount)} completed `
      + `(${format('percent', p.amount_share)} of the amount); ${format('integer', p.payments)} attempts, `
      + `${format('percent', p.failure_rate)} failed, ${format('integer', p.refunded)} refunded`,
  }));
  const summary = 'Completed payment amount by method: '
    + rows.map((r) => `${r.label} ${r.valueText}`).join('; ') + '.';
  body.replaceChildren(barChart('payment-chart', summary, rows, body), dataTable('Payment methods',
    [['Method', false], ['Attempts', true], ['Completed', true], ['Failed', true], ['Refunded', true],
      ['Completed amount', true], ['Share', true], ['Failure rate', true]],
    methods.map((p) => [methodName(p.payment_method), format('integer', p.payments),
      format('integer', p.completed), format('integer', p.failed), format('integer', p.refunded),
      format('money', p.completed_amount), format('percent', p.amount_share), format('percent', p.failure_rate)])));
}

export function renderCategories(report, body) {
  const categories = expectArray(expectObject(report.trends, 'trends').revenue_by_category,
    'trends.revenue_by_category');
  const rows = categories.map((c) => ({
    name: c.category, label: String(c.category), value: c.revenue,
    valueText: `${format('money', c.revenue)} \u00b7 ${format('percent', c.revenue_share)}`,
    tooltip: `${c.category}: ${format('money', c.revenue)} (${format('percent', c.revenue_share)} of revenue), `
      + `${format('integer', c.units)} units`,
  }));
  const summary = 'Revenue by top-level category: ' + rows.map((r) => `${r.label} ${r.valueText}`).join('; ') + '.';
  body.replaceChildren(barChart('category-chart', summary, rows, body), dataTable('Revenue by category',
    [['Category', false], ['Units', true], ['Revenue', true], ['Share', true]],
    categories.map((c) => [String(c.category), format('integer', c.units), format('money', c.revenue),
      format('percent', c.revenue_share)])));
}
