/* ecommerce-kit dashboard: fetches report.json and query_result.json and draws each panel.
 *
 * Plain ES2017, no dependencies. Every node is built with createElement/textContent, so
 * nothing from the data is ever parsed as HTML. Each panel has one render function; a
 * panel whose data is missing or malformed shows why (and which command makes the file)
 * while the others still draw. explore.js adds what needs serve_frontend.py's API, with
 * the helpers this file hands it as window.ecomkit.
 */
'use strict';

(function () {
  const LOCALE = 'en-US';   // fixed so the figures read the same on every machine
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const SOURCES = {
    report: {file: 'report.json', url: '../report.json', command: 'python project/ingest.py --report'},
    cohorts: {file: 'query_result.json', url: '../query_result.json', command: 'python project/run_query.py'},
  };
  const BOTH_COMMAND = 'python project/run_all.py';

  /** Money formats for the dataset's ISO 4217 code (report.json's dataset.currency); without a
   * known code, two decimals and no symbol: a guessed symbol would misstate the data. */
  function moneyFormats(currency) {
    try {
      return {money: new Intl.NumberFormat(LOCALE, {style: 'currency', currency}),
        moneyCompact: new Intl.NumberFormat(LOCALE, {style: 'currency', currency, notation: 'compact',
          maximumFractionDigits: 1})};
    } catch (err) {  // no code, or one Intl does not know
      return {money: new Intl.NumberFormat(LOCALE, {minimumFractionDigits: 2, maximumFractionDigits: 2}),
        moneyCompact: new Intl.NumberFormat(LOCALE, {notation: 'compact', maximumFractionDigits: 1})};
    }
  }

  const formats = Object.assign(moneyFormats(null), {
    integer: new Intl.NumberFormat(LOCALE, {maximumFractionDigits: 0}),
    number: new Intl.NumberFormat(LOCALE, {maximumFractionDigits: 2}),
    percent: new Intl.NumberFormat(LOCALE, {style: 'percent', minimumFractionDigits: 1,
      maximumFractionDigits: 1}),
    month: new Intl.DateTimeFormat(LOCALE, {month: 'short', year: 'numeric', timeZone: 'UTC'}),
    monthShort: new Intl.DateTimeFormat(LOCALE, {month: 'short', timeZone: 'UTC'}),
    date: new Intl.DateTimeFormat(LOCALE, {day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC'}),
    dateTime: new Intl.DateTimeFormat(LOCALE, {day: 'numeric', month: 'short', year: 'numeric',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC'}),
  });
  const DASH = '\u2013';

  /** Format a value by kind; null, undefined and non-numbers in numeric kinds read as a dash. */
  function format(kind, value) {
    if (value === null || value === undefined) return DASH;
    if (kind === 'text') return String(value);
    if (typeof value !== 'number' || !Number.isFinite(value)) return DASH;
    return formats[kind].format(value);
  }

  function monthLabel(month, style) {
    const match = /^(\d{4})-(\d{2})$/.exec(String(month));
    if (!match) return String(month);
    return formats[style || 'month'].format(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  }

  function dateLabel(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text));
    if (!match) return String(text);
    return formats.date.format(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  }

  /** A recorded local time ('2024-01-05T10:22:01' or with a space) as written, in words. */
  function dateTimeLabel(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(String(text));
    if (!match) return dateLabel(text);
    const [year, month, day, hour, minute] = match.slice(1).map(Number);
    return formats.dateTime.format(Date.UTC(year, month - 1, day, hour, minute));
  }

  // ---- DOM helpers ---------------------------------------------------------------------

  function append(node, children) {
    for (const child of [].concat(children)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** An HTML element: props are attributes, except text, className, dataset and on (listeners). */
  function h(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'on') Object.entries(value).forEach(([type, fn]) => node.addEventListener(type, fn));
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    return append(node, children || []);
  }

  /** An SVG element; attributes as given, plus text for its text content. */
  function s(tag, attrs, children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === 'text') node.textContent = value;
      else node.setAttribute(key, String(value));
    }
    return append(node, children || []);
  }

  function code(text) {
    return h('code', {text});
  }

  /** Give each body cell its column's heading as data-label: a narrow screen shows a table's
   * rows as cards (style.css), each value beside its heading. Returns the table. */
  function labelCells(table) {
    const headings = table.tHead ? [...table.tHead.rows[0].cells].map((th) => th.textContent.trim()) : [];
    for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
      [...row.cells].forEach((cell, i) => {
        if (headings[i]) cell.dataset.label = headings[i];
      });
    }
    return table;
  }

  // ---- loading -------------------------------------------------------------------------

  /** Fetch one JSON file: {data} or {error}, never a rejection. */
  async function loadJson(source) {
    let response;
    try {
      response = await fetch(source.url, {cache: 'no-store'});
    } catch (err) {
      return {error: `could not be fetched (${err.message})`};
    }
    if (!response.ok) {
      return {error: response.status === 404 ? 'was not found (HTTP 404)'
        : `could not be loaded (HTTP ${response.status})`};
    }
    let data;
    try {
      data = JSON.parse(await response.text());
    } catch (err) {
      return {error: `is not valid JSON (${err.message})`};
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      return {error: 'does not hold a JSON object'};
    }
    return {data};
  }

  /** The sentence that names a file, what went wrong and the command that makes it. */
  function problemText(source, error) {
    return [code(source.file), ` ${error}. Create it with `, code(source.command), '.'];
  }

  function expectArray(value, what) {
    if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
    return value;
  }

  function expectObject(value, what) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${what} is missing`);
    }
    return value;
  }

  // ---- header --------------------------------------------------------------------------

  function renderIdentity(report) {
    const dataset = expectObject(report.dataset, 'dataset');
    const items = [
      ['Seed', 'dataset-seed', format('text', dataset.seed)],
      ['Scale', 'dataset-scale', format('text', dataset.scale)],
      ['Generator', 'dataset-generator', `${dataset.generator} ${dataset.generator_version}`],
      ['Window', 'dataset-window', `${dateLabel(dataset.window_start)} ${DASH} ${dateLabel(dataset.window_end)}`],
      ['Currency', 'dataset-currency', format('text', dataset.currency || 'unknown')],
    ];
    const list = document.getElementById('dataset-identity');
    list.replaceChildren();
    for (const [label, id, value] of items) {
      append(list, h('div', {className: 'identity-item'}, [h('dt', {text: label}), h('dd', {id, text: value})]));
    }
    const summary = expectObject(report.summary, 'summary');
    const status = document.getElementById('check-status');
    const failed = summary.failed > 0 || report.passed === false;
    status.replaceChildren(h('a', {href: '#integrity'}, [
      h('span', {className: 'status-icon', 'aria-hidden': 'true', text: failed ? '\u2717' : '\u2713'}),
      failed ? `${summary.failed} of ${summary.checks} integrity checks failed`
        : `All ${summary.checks} integrity checks passed`,
    ]));
    status.className = `check-status ${failed ? 'is-fail' : 'is-pass'}`;
    status.hidden = false;

    document.getElementById('hashes-block').hidden = false;
    const hashes = document.getElementById('table-hashes');
    hashes.replaceChildren(...expectArray(report.tables, 'tables').map((table) => h('li', {
      className: 'hash', title: table.sha256 ? `${table.file}: SHA-256 ${table.sha256}` : `${table.file} is missing`,
    }, [h('span', {className: 'hash-name', text: table.table}),
      h('code', {className: 'hash-value', dataset: {table: table.table},
        text: table.sha256 ? table.sha256.slice(0, 12) : 'missing'})])));
  }

  // ---- KPI cards -----------------------------------------------------------------------

  const KPIS = [
    {key: 'revenue', label: 'Revenue', kind: 'money', note: 'paid, shipped and delivered orders'},
    {key: 'orders', label: 'Orders', kind: 'integer',
      note: (k) => `revenue orders, of ${format('integer', k.all_orders)} placed`},
    {key: 'customers', label: 'Customers', kind: 'integer',
      note: (k) => `users who bought, of ${format('integer', k.users)}`},
    {key: 'avg_order_value', id: 'aov', label: 'Average order value', kind: 'money',
      note: 'revenue \u00f7 revenue orders'},
    {key: 'repeat_purchase_rate', id: 'repeat-rate', label: 'Repeat-purchase rate', kind: 'percent',
      note: 'customers with two or more orders'},
  ];

  function renderKpis(report, body) {
    const kpis = expectObject(report.kpis, 'kpis');
    body.replaceChildren(...KPIS.map((kpi) => {
      const id = kpi.id || kpi.key;
      return h('article', {className: 'kpi', 'aria-labelledby': `kpi-${id}-label`}, [
        h('h3', {className: 'kpi-label', id: `kpi-${id}-label`, text: kpi.label}),
        h('p', {className: 'kpi-value', id: `kpi-${id}`, dataset: {kpi: kpi.key},
          text: format(kpi.kind, kpis[kpi.key])}),
        h('p', {className: 'kpi-note', text: typeof kpi.note === 'function' ? kpi.note(kpis) : kpi.note}),
      ]);
    }));
  }

  // ---- charts --------------------------------------------------------------------------

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

  function renderMonthly(report, body) {
    const listed = expectArray(expectObject(report.trends, 'trends').monthly, 'trends.monthly');
    const months = listed.length ? continuousMonths(listed) : [];
    if (months.length === 0) {
      body.replaceChildren(h('p', {className: 'empty', text: 'report.json lists no months.'}));
      return;
    }
    const width = chartWidth(body);
    const narrow = width < 640;
    const m = {left: narrow ? 52 : 64, right: 12, top: 28};
    const revenueHeight = narrow ? 170 : 220;
    const ordersTop = m.top + revenueHeight + 44;
    const ordersHeight = narrow ? 80 : 100;
    const height = ordersTop + ordersHeight + 30;
    const plot = width - m.left - m.right;
    const step = plot / months.length;
    const x = (i) => m.left + step * (i + 0.5);
    const revenue = niceScale(Math.max(...months.map((d) => d.revenue || 0)), 4);
    const orders = niceScale(Math.max(...months.map((d) => d.orders || 0)), 3);
    const yRevenue = (v) => m.top + revenueHeight - ((v || 0) / revenue.max) * revenueHeight;
    const yOrders = (v) => ordersTop + ordersHeight - ((v || 0) / orders.max) * ordersHeight;

    const svg = s('svg', {id: 'monthly-chart', class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`,
      role: 'img', 'aria-label': monthlySummary(months)});
    const axes = s('g', {class: 'axes'});
    yAxis(axes, revenue, m.top, revenueHeight, m.left, width - m.right, (v) => format('moneyCompact', v));
    yAxis(axes, orders, ordersTop, ordersHeight, m.left, width - m.right, (v) => format('integer', v));
    append(axes, [
      s('text', {class: 'axis-title', x: m.left, y: m.top - 12, text: 'Revenue'}),
      s('text', {class: 'axis-title', x: m.left, y: ordersTop - 12, text: 'Orders'}),
    ]);
    // Label every n-th calendar month (n divides 12, so every January is labelled, with its year).
    const labelEvery = [1, 2, 3, 6, 12].find((n) => n * step >= (narrow ? 40 : 46)) || 12;
    months.forEach((d, i) => {
      const monthOfYear = Number(d.month.slice(5)) - 1;
      if (monthOfYear % labelEvery !== 0) return;
      append(axes, s('text', {class: 'tick', x: x(i), y: height - 8, 'text-anchor': 'middle',
        text: monthOfYear === 0 ? monthLabel(d.month) : monthLabel(d.month, 'monthShort')}));
    });

    const line = months.map((d, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${yRevenue(d.revenue).toFixed(1)}`).join('');
    const baseline = m.top + revenueHeight;
    const area = `${line}L${x(months.length - 1).toFixed(1)},${baseline}L${x(0).toFixed(1)},${baseline}Z`;
    append(svg, [axes, s('path', {class: 'revenue-area', d: area}), s('path', {class: 'revenue-line', d: line})]);

    const barWidth = Math.max(2, Math.min(28, step * 0.6));
    months.forEach((d, i) => {
      append(svg, s('g', {class: 'month', 'data-month': d.month}, [
        s('title', {text: d.empty ? `${monthLabel(d.month)}: no revenue orders`
          : `${monthLabel(d.month)}: revenue ${format('money', d.revenue)}, `
            + `${format('integer', d.orders)} orders, average ${format('money', d.avg_order_value)}`}),
        s('rect', {class: 'hit', x: x(i) - step / 2, y: m.top, width: step, height: ordersTop + ordersHeight - m.top}),
        s('rect', {class: 'orders-bar', x: x(i) - barWidth / 2, y: yOrders(d.orders), width: barWidth,
          height: ordersTop + ordersHeight - yOrders(d.orders), rx: 2}),
        s('circle', {class: 'revenue-point', cx: x(i), cy: yRevenue(d.revenue), r: narrow ? 2.5 : 3.5}),
      ]));
    });

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

  function renderPayments(report, body) {
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

  function renderCategories(report, body) {
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

  // ---- cohort table --------------------------------------------------------------------

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

  function renderCohorts(result, body) {
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

  // ---- anomaly detection ---------------------------------------------------------------

  const PATTERN_NAMES = {
    order_burst: 'Order burst', high_value: 'High value', payment_retry: 'Payment retries',
    new_account_big_order: 'New account, big order', bulk_quantity: 'Bulk quantity',
  };  // the rules of queries/anomalies.sql; another name is shown as written

  function patternName(key) {
    return PATTERN_NAMES[key] || String(key).replace(/_/g, ' ');
  }

  function renderAnomalies(report, body) {
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

  function renderIntegrity(report, body) {
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
        h('td', {}, [badge(t.csv_rows !== null && t.csv_rows === t.db_rows, 'match', 'differ')]),
        h('td', {}, [badge(t.sha256_matches === true, 'unchanged', t.sha256 ? 'changed' : 'missing')]),
      ]))),
    ]);
    body.replaceChildren(h('div', {className: 'table-scroll'}, [labelCells(checkTable)]),
      h('div', {className: 'table-scroll'}, [labelCells(countTable)]));
  }

  // ---- page ----------------------------------------------------------------------------

  function renderLoadErrors(problems) {
    const box = document.getElementById('load-errors');
    if (!problems.length) {
      box.hidden = true;
      return;
    }
    box.replaceChildren(
      h('h2', {text: 'Some of the dashboard\u2019s data could not be loaded'}),
      h('ul', {}, problems.map((p) => h('li', {}, p))),
      h('p', {}, ['Or run ', code(BOTH_COMMAND), ' to produce both files, then reload this page.']));
    box.hidden = false;
  }

  function showUnavailable(body, parts) {
    body.replaceChildren(h('p', {className: 'unavailable'}, parts));
  }

  const PANELS = [
    {source: 'report', name: 'dataset header', body: null, render: renderIdentity},
    {source: 'report', name: 'headline figures', body: 'kpis-body', render: renderKpis},
    {source: 'report', name: 'monthly chart', body: 'monthly-body', render: renderMonthly, resize: true},
    {source: 'report', name: 'payment methods chart', body: 'payments-body', render: renderPayments, resize: true},
    {source: 'report', name: 'category chart', body: 'categories-body', render: renderCategories, resize: true},
    {source: 'cohorts', name: 'cohort table', body: 'cohorts-body', render: renderCohorts},
    {source: 'report', name: 'anomaly panel', body: 'anomalies-body', render: renderAnomalies},
    {source: 'report', name: 'integrity panel', body: 'integrity-body', render: renderIntegrity},
  ];

  /** Draw one panel; a failure becomes a message in the panel and an entry in the problems list. */
  function drawPanel(panel, loaded, problems) {
    const source = SOURCES[panel.source];
    const body = panel.body ? document.getElementById(panel.body) : null;
    const {data, error} = loaded[panel.source];
    if (error) {
      if (body) showUnavailable(body, ['No data: '].concat(problemText(source, error)));
      return;
    }
    try {
      panel.render(data, body);
    } catch (err) {
      const message = [code(source.file), ` has no usable data for the ${panel.name} (${err.message}). `
        + 'Regenerate it with ', code(source.command), '.'];
      if (body) showUnavailable(body, message);
      problems.push(message.map((part) => (typeof part === 'string' ? part : part.cloneNode(true))));
    }
  }

  /** Redraw the width-dependent charts when their column changes width (rotation, resize). */
  function watchWidth(panels, loaded, problems) {
    if (typeof ResizeObserver !== 'function') return;
    for (const panel of panels.filter((p) => p.resize && !loaded[p.source].error)) {
      const body = document.getElementById(panel.body);
      let width = body.clientWidth;
      let pending = false;
      new ResizeObserver(() => {
        if (pending || body.clientWidth === width) return;
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          width = body.clientWidth;
          drawPanel(panel, loaded, problems);
        });
      }).observe(body);
    }
  }

  async function main() {
    const [report, cohorts] = await Promise.all([loadJson(SOURCES.report), loadJson(SOURCES.cohorts)]);
    const loaded = {report, cohorts};
    const dataset = report.data && report.data.dataset;
    Object.assign(formats, moneyFormats(dataset && dataset.currency));
    const problems = Object.keys(loaded).filter((key) => loaded[key].error)
      .map((key) => problemText(SOURCES[key], loaded[key].error));
    if (report.error) {
      document.getElementById('dataset-identity').replaceChildren(
        h('div', {className: 'identity-item'}, [h('dt', {text: 'Dataset'}), h('dd', {text: 'unknown: no report.json'})]));
    }
    PANELS.forEach((panel) => drawPanel(panel, loaded, problems));
    renderLoadErrors(problems);
    watchWidth(PANELS, loaded, []);
    document.body.dataset.state = problems.length ? 'partial' : 'ready';
  }

  // What explore.js builds on: the same helpers, so both parts look and format alike.
  window.ecomkit = Object.freeze({h, append, code, labelCells, moneyFormats, format, dateLabel, dateTimeLabel, DASH, LOCALE});

  main().catch((err) => {
    // Last resort: the panels guard themselves, so this is a bug in the page itself.
    renderLoadErrors([[`The dashboard failed to start (${err.message}).`]]);
    document.body.dataset.state = 'failed';
  });
}());
