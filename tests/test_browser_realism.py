"""Issue 16: the dashboard's realism panel in headless Chromium (DevTools): one row per
scorecard metric of report.json, its value, range and verdict, a link to its source; a
report without a scorecard (an older report.json) says so in the panel while the rest draws;
a phone (390 px) does not scroll sideways."""
from __future__ import annotations

import json
import unittest
from decimal import ROUND_HALF_UP, Decimal

from test_browser import BrowserCase, devtools_for, publish_small_dataset

PROBE = """
(() => {
  if (!document.body.dataset.state) return null;
  const table = document.getElementById('realism-table');
  const root = document.documentElement;
  return JSON.stringify({
    state: document.body.dataset.state,
    caption: table ? table.caption.textContent : null,
    rows: table ? [...table.tBodies[0].rows].map((tr) => ({
      id: tr.dataset.metric, status: tr.dataset.status,
      cells: [...tr.cells].map((c) => c.textContent.trim()),
      link: (tr.querySelector('a') || {}).href || null})) : [],
    body: document.getElementById('realism-body').textContent,
    anomalies: document.querySelectorAll('#anomaly-table tbody tr').length,
    scroll: [root.scrollWidth, root.clientWidth],
  });
})()
"""


def two_places(value: float) -> str:
    """As Intl.NumberFormat('en-US', {maximumFractionDigits: 2}) writes it, without grouping."""
    text = f"{Decimal(str(value)).quantize(Decimal('0.01'), ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class RealismPanelTest(BrowserCase):

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.root = cls.site("realism")
        publish_small_dataset(cls.root, cls.work / "dataset", 3, 0.2)
        cls.report = json.loads((cls.root / "report.json").read_text(encoding="utf-8"))
        cls.url = cls.serve(cls.root)

    def probe(self, url: str, width: int) -> dict:
        value, errors = devtools_for(self).evaluate_at(url, width, 900, PROBE)
        self.assertEqual(errors, [])
        return json.loads(value)

    def test_every_metric_is_a_row_with_value_range_verdict_and_source(self) -> None:
        record = self.probe(self.url, 1400)
        metrics = self.report["realism"]["metrics"]
        self.assertGreaterEqual(len(metrics), 20)
        self.assertEqual([r["id"] for r in record["rows"]], [m["id"] for m in metrics])
        summary = self.report["realism"]["summary"]
        self.assertEqual(record["caption"], f"{summary['inside']} of {summary['metrics']} metrics "
                         f"inside their reference range, {summary['outside']} outside, "
                         f"{summary['not_measurable']} not measurable")
        for row, metric in zip(record["rows"], metrics):
            with self.subTest(metric=metric["id"]):
                label, value, bounds, verdict, source = row["cells"]
                self.assertIn(metric["label"], label)
                self.assertEqual(bounds, metric["range"])
                self.assertEqual(row["status"], metric["status"])
                self.assertIn(metric["status"], verdict)
                if metric["value"] is None:
                    self.assertEqual(value, "\u2013")
                else:  # en-US: at most two decimals, halves away from zero, thousands grouped
                    self.assertEqual(value.replace(",", "").replace("$", ""), two_places(metric["value"]))
                self.assertIn(metric["reference"], source)
                self.assertEqual(row["link"], metric["source"]["url"])

    def test_an_old_report_without_a_scorecard_says_so(self) -> None:
        root = self.site("realism-old")
        old = {k: v for k, v in self.report.items() if k != "realism"}
        (root / "report.json").write_text(json.dumps(old), encoding="utf-8")
        (root / "query_result.json").write_text(
            (self.root / "query_result.json").read_text(encoding="utf-8"), encoding="utf-8")
        record = self.probe(self.serve(root), 1400)
        self.assertEqual(record["rows"], [])
        self.assertIn("realism is missing", record["body"])
        self.assertIn("report.json", record["body"])
        self.assertGreater(record["anomalies"], 0, "the other panels still draw")

    def test_a_phone_does_not_scroll_sideways(self) -> None:
        record = self.probe(self.url, 390)
        self.assertEqual(len(record["rows"]), len(self.report["realism"]["metrics"]))
        self.assertLessEqual(record["scroll"][0], record["scroll"][1])


if __name__ == "__main__":
    unittest.main()
