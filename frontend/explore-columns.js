/* What Explore shows and how: the resources, the labels of filters and columns, and how a
 * value displays given its JSON Schema in /api/openapi.json. */
import {DASH, dateTimeLabel, format, moneyFormats} from './format.js';

let money = moneyFormats(null).money;   // set from /api/health's dataset.currency

/** Amounts from now on in the currency /api/health names. */
export function setMoney(currency) {
  money = moneyFormats(currency).money;
}

export const RESOURCES = [
  {name: 'orders', label: 'Orders'},
  {name: 'users', label: 'Users'},
  {name: 'products', label: 'Products'},
];
export const PAGE_SIZES = [10, 25, 50, 100];
export const PAGING = ['limit', 'offset', 'sort', 'after'];
const LABELS = {q: 'Name contains', from: 'Placed from', to: 'Placed to', min_total: 'Total at least',
  min_price: 'Price at least', max_price: 'Price at most', signup_from: 'Signed up from',
  signup_to: 'Signed up to', product_name: 'Product', payment_method: 'Method'};

export function label(name) {
  if (LABELS[name]) return LABELS[name];
  const text = name.replace(/_id$/, ' ID').replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function resolve(doc, schema) {
  let node = schema || {};
  while (node.$ref) node = doc.components.schemas[node.$ref.split('/').pop()] || {};
  return node;
}

/** How a column displays, from its JSON Schema: money, time, id, integer or text. */
export function columnKind(name, schema) {
  const types = [].concat(schema.type || []);
  if (schema.multipleOf === 0.01) return 'money';
  if (schema.pattern && schema.pattern.indexOf('T') >= 0) return 'time';
  if (types.indexOf('integer') >= 0) return /(^|_)id$/.test(name) ? 'id' : 'integer';
  return 'text';
}

export function show(kind, value) {
  if (value === null || value === undefined) return DASH;
  if (kind === 'money') return typeof value === 'number' ? money.format(value) : DASH;
  if (kind === 'time') return dateTimeLabel(value);
  if (kind === 'integer') return format('integer', value);
  return String(value);
}
