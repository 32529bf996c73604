/* ecommerce-kit dashboard: fetches report.json and query_result.json and draws each panel.
 *
 * Plain ES modules, no dependencies, no build step. Each panel has one render function (in
 * header.js, charts.js, cohorts.js, checks.js, realism.js); a panel whose data is missing or
 * malformed shows why (and which command makes the file) while the others still draw. explore.js
 * adds what needs serve_frontend.py's API.
 */
import {renderAnomalies, renderIntegrity} from './checks.js';
import {renderCategories, renderMonthly, renderPayments} from './charts.js';
import {renderCohorts} from './cohorts.js';
import {code, h} from './dom.js';
import {setCurrency} from './format.js';
import {renderIdentity, renderKpis} from './header.js';
import {BOTH_COMMAND, SOURCES, loadJson, problemText} from './load.js';
import {renderRealism} from './realism.js';

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
  {source: 'report', name: 'realism panel', body: 'realism-body', render: renderRealism},
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
  setCurrency(dataset && dataset.currency);
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

main().catch((err) => {
  // Last resort: the panels guard themselves, so this is a bug in the page itself.
  renderLoadErrors([[`The dashboard failed to start (${err.message}).`]]);
  document.body.dataset.state = 'failed';
});
