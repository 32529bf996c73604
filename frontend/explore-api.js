/* The read-only API as the Explore section sees it: one GET that never rejects, and the
 * sentence that explains a failed answer to the reader. */
import {code} from './dom.js';

const API = '../api/';
export const REBUILD = 'python project/run_all.py';

/** GET an API path: {data} or {status, error, code}; never a rejection. */
export async function apiGet(path) {
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

export function explain(result) {
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
