/* Loading report.json and query_result.json: a result or an error that names the file
 * and the command that makes it, never a rejection. */
import {code} from './dom.js';

export const SOURCES = {
  report: {file: 'report.json', url: '../report.json', command: 'python project/ingest.py --report'},
  cohorts: {file: 'query_result.json', url: '../query_result.json', command: 'python project/run_query.py'},
};
export const BOTH_COMMAND = 'python project/run_all.py';

/** Fetch one JSON file: {data} or {error}, never a rejection. */
export async function loadJson(source) {
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
export function problemText(source, error) {
  return [code(source.file), ` ${error}. Create it with `, code(source.command), '.'];
}

export function expectArray(value, what) {
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value;
}

export function expectObject(value, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} is missing`);
  }
  return value;
}
