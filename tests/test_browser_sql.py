"""The dashboard's SQL console in headless Chromium: a query from the address runs on load,
Ctrl+Enter runs an edited query, a heading sorts the result, an example loads from
queries/, an error shows inline, and a phone (390 px) does not scroll sideways."""
from __future__ import annotations

import json
import sqlite3
import unittest
from urllib.parse import urlencode

from queries.runner import list_queries
from test_browser import BrowserCase, devtools_for, publish_small_dataset

FIRST = "SELECT user_id, country FROM users WHERE user_id <= :top ORDER BY user_id"
SECOND = ("SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status")

# Evaluated again and again until it returns a value: each call moves one step on.
PROBE = """
(() => {
  const section = document.getElementById('sql');
  if (!section || !['ready', 'error'].includes(section.dataset.state)) return null;
  const p = window.sqlProbe || (window.sqlProbe = {step: 0, record: {}, runs: 0});
  const runs = Number(section.dataset.runs || 0);
  if (runs === p.runs && p.step > 0) return null;
  const table = document.getElementById('sql-table');
  const read = () => ({
    columns: [...table.querySelectorAll('thead th')].map((th) => th.textContent),
    rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((td) => td.textContent)),
    count: (document.getElementById('sql-count') || {}).textContent,
    time: (document.getElementById('sql-time') || {}).textContent,
    csv: (document.getElementById('sql-csv') || {}).href,
    hash: location.hash,
    gutter: document.querySelector('.sql-gutter').textContent.split('\\n').length,
    lines: document.getElementById('sql-text').value.split('\\n').length,
    scroll: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  });
  p.runs = runs;
  if (p.step === 0) {
    p.record.loaded = read();
    p.record.examples = [...document.querySelectorAll('#sql-examples button')].map((b) => b.dataset.query);
    p.record.tables = [...document.querySelectorAll('#sql-schema details')].map((d) => d.dataset.table);
    const area = document.getElementById('sql-text');
    area.value = SECOND;
    area.dispatchEvent(new Event('input'));
    area.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', ctrlKey: true, bubbles: true}));
    p.step = 1;
    return null;
  }
  if (p.step === 1) {
    p.record.typed = read();
    const button = [...table.querySelectorAll('thead button')].find((b) => b.textContent === 'n');
    button.click();
    p.record.ascending = read();
    button.click();
    p.record.descending = read();
    p.record.sort = [...table.querySelectorAll('thead th')].map((th) => th.getAttribute('aria-sort'));
    document.querySelector('#sql-examples button[data-query="top_products"]').click();
    p.step = 2;
    return null;
  }
  if (p.step === 2) {
    p.record.example = read();
    p.record.exampleParams = [...document.querySelectorAll('#sql-params input')].map((i) => [i.name, i.value]);
    const area = document.getElementById('sql-text');
    area.value = 'SELEC nonsense';
    area.dispatchEvent(new Event('input'));
    document.getElementById('sql-run').click();
    p.step = 3;
    return null;
  }
  p.record.error = {state: section.dataset.state, text: document.getElementById('sql-error').textContent,
    hidden: document.getElementById('sql-error').hidden};
  p.record.final = read();
  return JSON.stringify(p.record);
})()
"""


class SqlConsoleTest(BrowserCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.root = cls.site("sql")
        cls.data_dir, cls.db_path = publish_small_dataset(cls.root, cls.work / "dataset", 7, 0.05)
        cls.url = cls.serve(cls.root, db_path=cls.db_path, data_dir=cls.data_dir)
        cls.conn = sqlite3.connect(f"{cls.db_path.resolve().as_uri()}?mode=ro", uri=True)
        cls.addClassCleanup(cls.conn.close)

    def probe(self, width: int) -> dict:
        devtools = devtools_for(self)
        url = self.url + "#sql:" + urlencode({"sql": FIRST, "top": "12"})
        value, errors = devtools.evaluate_at(url, width, 900,
                                             PROBE.replace("SECOND", json.dumps(SECOND)))
        self.assertEqual(errors, [])
        return json.loads(value)

    def rows(self, sql: str, *args: object) -> list[list[str]]:
        return [["NULL" if v is None else str(v) for v in row] for row in self.conn.execute(sql, args)]

    def test_a_query_runs_from_the_address_by_keyboard_and_from_the_library(self) -> None:
        record = self.probe(1280)
        loaded = record["loaded"]
        self.assertEqual(loaded["columns"], ["user_id", "country"])
        self.assertEqual(loaded["rows"], self.rows(FIRST.replace(":top", "?"), 12))
        self.assertEqual(loaded["count"], "12 rows")
        self.assertRegex(loaded["time"], r"^[\d.,]+ ms$")
        self.assertIn("/api/sql.csv?", loaded["csv"])
        self.assertEqual(loaded["gutter"], loaded["lines"])
        self.assertEqual(sorted(record["examples"]), sorted(q.name for q in list_queries()))
        self.assertIn("orders", record["tables"])
        typed = record["typed"]
        self.assertEqual(typed["rows"], self.rows(SECOND))
        self.assertIn("sql=SELECT+status", typed["hash"])   # the address keeps the query
        counts = [int(row[1]) for row in self.rows(SECOND)]
        self.assertEqual([int(r[1]) for r in record["ascending"]["rows"]], sorted(counts))
        self.assertEqual([int(r[1]) for r in record["descending"]["rows"]],
                         sorted(counts, reverse=True))
        self.assertEqual(record["sort"], [None, "descending"])
        example = record["example"]
        self.assertEqual(example["columns"][:2], ["rank", "product_id"])
        self.assertIn(["limit", "10"], record["exampleParams"])
        self.assertEqual(len(example["rows"]), 10)
        self.assertEqual(record["error"]["state"], "error")
        self.assertFalse(record["error"]["hidden"])
        self.assertIn('near "SELEC": syntax error', record["error"]["text"])

    def test_a_phone_does_not_scroll_sideways(self) -> None:
        record = self.probe(390)
        for step in ("loaded", "typed", "example", "final"):
            width, client = record[step]["scroll"]
            self.assertLessEqual(width, client, f"{step}: the page scrolls sideways at 390 px")


if __name__ == "__main__":
    unittest.main()
