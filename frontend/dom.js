/* Building the page: every node through createElement/textContent (never innerHTML), so
 * nothing from the data is ever parsed as HTML. */

const SVG_NS = 'http://www.w3.org/2000/svg';

export function append(node, children) {
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** An HTML element: props are attributes, except text, className, dataset and on (listeners). */
export function h(tag, props, children) {
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
export function s(tag, attrs, children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, String(value));
  }
  return append(node, children || []);
}

export function code(text) {
  return h('code', {text});
}

/** Give each body cell its column's heading as data-label: a narrow screen shows a table's
 * rows as cards (style.css), each value beside its heading. Returns the table. */
export function labelCells(table) {
  const headings = table.tHead ? [...table.tHead.rows[0].cells].map((th) => th.textContent.trim()) : [];
  for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
    [...row.cells].forEach((cell, i) => {
      if (headings[i]) cell.dataset.label = headings[i];
    });
  }
  return table;
}
