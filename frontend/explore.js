/* ecommerce-kit dashboard, the part that needs serve_frontend.py: the Explore section, which
 * browses users, products and orders through the read-only API, and the links to the data
 * profile and the API docs.
 *
 * The filter fields, their allowed values and the sortable columns come from
 * /api/openapi.json, the document the server generates from the route table it dispatches
 * on, so nothing about the API is repeated here. When the API cannot be reached (no server,
 * 503 without a database) the section says why and the rest of the page is unaffected.
 */
import {code, h} from './dom.js';
import {format} from './format.js';
import {REBUILD, apiGet, explain} from './explore-api.js';
import {Browser} from './explore-browser.js';
import {RESOURCES, setMoney} from './explore-columns.js';

const PROFILE = '../docs/profile.html';

function unavailable(section, body, parts) {
  section.dataset.state = 'unavailable';
  body.replaceChildren(h('p', {className: 'unavailable', id: 'explore-unavailable'}, parts));
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
  setMoney(health.data.dataset && health.data.dataset.currency);
  const doc = await apiGet('openapi.json');
  if (doc.error) return unavailable(section, body, explain(doc));
  const browser = new Browser(doc.data, section);
  body.replaceChildren(...renderMeta(health.data), browser.node);
  browser.open(RESOURCES[0]);
}

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
