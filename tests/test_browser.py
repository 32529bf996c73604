"""The dashboard in a real browser: headless Chromium against serve_frontend.py.

Each run loads the page with a virtual-time budget, dumps the DOM after the scripts
have run and captures the browser console; an uncaught error or a Content Security
Policy refusal fails the test. Skipped when no Chromium is installed, unless
ECOMKIT_REQUIRE_BROWSER=1 (as in CI), which makes a missing browser a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import unittest
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import helpers
import serve_frontend
from db.report import build_report
from queries.run_query import connect_readonly, export, load_query, run
from utils.config import CLV_QUERY, SCHEMA_PATH
from utils.fileio import to_json

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
ARTIFACTS = helpers.ROOT / "tests" / "artifacts"
BROWSER_TIMEOUT = 90
DASH = "\u2013"

# Injected into a copy of the page (never into frontend/ itself): once the dashboard is
# drawn, click the CLV heading twice and record what the table looked like each time.
SORT_PROBE = """
'use strict';
(function probe(tries) {
  if (!document.body.dataset.state) { if (tries > 0) setTimeout(probe, 50, tries - 1); return; }
  const table = document.getElementById('cohort-table');
  const column = [...table.tHead.rows[0].cells].findIndex((th) => th.dataset.column === 'clv');
  const button = table.tHead.rows[0].cells[column].querySelector('button');
  const snapshot = () => ({
    sort: [...table.tHead.rows[0].cells].map((th) => th.getAttribute('aria-sort')),
    months: [...table.tBodies[0].rows].map((tr) => tr.cells[0].title),
  });
  const record = {initial: snapshot()};
  button.click();
  record.first = snapshot();
  button.click();
  record.second = snapshot();
  const out = document.createElement('pre');
  out.id = 'sort-probe';
  out.textContent = JSON.stringify(record);
  document.body.appendChild(out);
}(100));
"""


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


class Node:
    """A parsed element: enough of a DOM to find things by id, class and tag."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and (cls is None or cls in n.attrs.get("class", "").split())]

    def by_id(self, id_: str) -> Node:
        for node in self.iter():
            if node.attrs.get("id") == id_:
                return node
        raise AssertionError(f"no element with id {id_!r} in the rendered page")

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


class TreeBuilder(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# The page formats with Intl.NumberFormat('en-US'): half away from zero on the decimal
# text, and a dash for a missing value.
def money(value: float | None) -> str:
    if value is None:
        return DASH
    return f"${Decimal(str(value)).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def integer(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


def percent(value: float | None) -> str:
    if value is None:
        return DASH
    return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def calendar_months(first: str, last: str) -> list[str]:
    """Every YYYY-MM from ``first`` to ``last``: the chart's x axis has no gaps."""
    start, end = (int(m[:4]) * 12 + int(m[5:]) - 1 for m in (first, last))
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(start, end + 1)]


def publish_small_dataset(root: Path, work: Path) -> None:
    """Generate, load and report a small dataset, writing the two JSON artifacts into ``root``."""
    data_dir, db_path = helpers.small_database(work)
    (root / "report.json").write_text(to_json(build_report(db_path, data_dir, SCHEMA_PATH)),
                                      encoding="utf-8")
    conn = connect_readonly(db_path)
    try:
        export(run(conn, load_query(CLV_QUERY)), root, "query_result")
    finally:
        conn.close()


class BrowserCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls) -> None:
        cls.browser = find_browser()
        if cls.browser is None:
            message = f"no Chromium found (looked for {', '.join(BROWSERS)} on PATH)"
            if os.environ.get("ECOMKIT_REQUIRE_BROWSER") == "1":
                raise AssertionError(f"ECOMKIT_REQUIRE_BROWSER=1 but {message}")
            raise unittest.SkipTest(f"{message}; install it (apt-get install chromium) to run these tests")
        cls.work = Path(tempfile.mkdtemp(prefix="ecomkit-browser-"))
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)

    @classmethod
    def serve(cls, root: Path) -> str:
        """Start a quiet server for ``root`` in a thread; return the dashboard URL."""
        server = serve_frontend.make_server("127.0.0.1", 0, root=root, quiet=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        cls.addClassCleanup(server.server_close)
        cls.addClassCleanup(server.shutdown)
        return server.url

    @classmethod
    def site(cls, name: str) -> Path:
        """A minimal served tree: just frontend/, copied from the checkout."""
        root = cls.work / name
        shutil.copytree(helpers.ROOT / "frontend", root / "frontend")
        return root

    def chromium(self, url: str, *args: str) -> tuple[str, list[str]]:
        """Run headless Chromium on ``url``: its stdout and the page's console lines."""
        profile = Path(tempfile.mkdtemp(prefix="ecomkit-chromium-"))
        self.addCleanup(shutil.rmtree, profile, ignore_errors=True)
        command = [self.browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                   "--no-first-run", "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                   "--lang=en-US", "--enable-logging=stderr", "--v=0", *args, url]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", errors="replace", start_new_session=os.name != "nt")
        try:
            out, err = proc.communicate(timeout=BROWSER_TIMEOUT)
        except subprocess.TimeoutExpired:
            kill_tree(proc)
            raise AssertionError(f"Chromium did not finish within {BROWSER_TIMEOUT} s: {url}") from None
        self.assertEqual(proc.returncode, 0, err[-2000:])
        console = [line for line in err.splitlines() if ":CONSOLE" in line]
        return out, console

    def assert_no_script_errors(self, console: list[str]) -> None:
        bad = [line for line in console if "Uncaught" in line or "Refused to" in line
               or "Content Security Policy" in line]
        if bad:
            self.fail("JavaScript errors or CSP violations in the browser console:\n" + "\n".join(bad))

    def render(self, url: str) -> Node:
        out, console = self.chromium(url, "--dump-dom")
        self.assert_no_script_errors(console)
        return parse(out)


class DashboardTest(BrowserCase):
    """The dashboard drawn from a real (small) generated dataset."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.root = cls.site("full")
        publish_small_dataset(cls.root, cls.work / "dataset")
        cls.report = json.loads((cls.root / "report.json").read_text(encoding="utf-8"))
        cls.cohorts = json.loads((cls.root / "query_result.json").read_text(encoding="utf-8"))
        cls.url = cls.serve(cls.root)

    def test_every_panel_shows_the_data(self) -> None:
        page = self.render(self.url)
        body = page.find_all("body")[0]
        self.assertEqual(body.attrs.get("data-state"), "ready")
        self.assertIn("hidden", page.by_id("load-errors").attrs)
        self.check_header(page)
        self.check_kpis(page)
        self.check_charts(page)
        self.check_cohort_table(page)
        self.check_integrity(page)

    def check_header(self, page: Node) -> None:
        dataset = self.report["dataset"]
        self.assertEqual(page.by_id("dataset-seed").text, str(dataset["seed"]))
        self.assertEqual(page.by_id("dataset-scale").text, str(dataset["scale"]))
        self.assertIn(dataset["generator_version"], page.by_id("dataset-generator").text)
        hashes = [n.text for n in page.by_id("table-hashes").find_all("code")]
        self.assertEqual(hashes, [t["sha256"][:12] for t in self.report["tables"]])

    def check_kpis(self, page: Node) -> None:
        kpis = self.report["kpis"]
        expected = {"revenue": money(kpis["revenue"]), "orders": integer(kpis["orders"]),
                    "customers": integer(kpis["customers"]), "aov": money(kpis["avg_order_value"]),
                    "repeat-rate": percent(kpis["repeat_purchase_rate"])}
        for name, text in expected.items():
            self.assertEqual(page.by_id(f"kpi-{name}").text, text, name)
        self.assertEqual(len(page.find_all(cls="kpi-value")), 5)

    def check_charts(self, page: Node) -> None:
        trends = self.report["trends"]
        monthly = page.by_id("monthly-chart")
        self.assertEqual(monthly.tag, "svg")
        self.assertTrue(monthly.attrs.get("aria-label"))
        groups = {g.attrs["data-month"]: g for g in monthly.find_all("g", "month")}
        listed = {m["month"]: m for m in trends["monthly"]}
        self.assertEqual(list(groups), calendar_months(min(listed), max(listed)))
        for month, group in groups.items():
            tooltip = group.find_all("title")[0].text
            if month in listed:
                self.assertIn(money(listed[month]["revenue"]), tooltip)
                self.assertIn(f"{integer(listed[month]['orders'])} orders", tooltip)
            else:
                self.assertIn("no revenue orders", tooltip)
        self.assertEqual(len(monthly.find_all("circle")), len(groups))
        self.assertGreaterEqual(len(monthly.find_all("text", "tick")), 6)  # axis labels
        for chart_id, rows, key in (("payment-chart", trends["payment_methods"], "completed_amount"),
                                    ("category-chart", trends["revenue_by_category"], "revenue")):
            bars = page.by_id(chart_id).find_all("g", "bar-row")
            self.assertEqual(len(bars), len(rows), chart_id)
            for bar, row in zip(bars, rows):
                self.assertIn(money(row[key]), bar.text, chart_id)

    def check_cohort_table(self, page: Node) -> None:
        table = page.by_id("cohort-table")
        headers = table.find_all("thead")[0].find_all("th")
        self.assertEqual([th.attrs["data-column"] for th in headers], self.cohorts["columns"])
        self.assertTrue(all(th.find_all("button") for th in headers), "headers must be buttons")
        self.assertEqual(headers[0].attrs.get("aria-sort"), "ascending")
        rows = table.find_all("tbody")[0].find_all("tr")
        self.assertEqual(len(rows), len(self.cohorts["rows"]))
        for tr, row in zip(rows, self.cohorts["rows"]):
            cells = {c.attrs["data-column"]: c for c in tr.children if isinstance(c, Node)}
            self.assertEqual(cells["revenue"].text, money(row["revenue"]))
            self.assertEqual(cells["repeat_rate"].text, percent(row["repeat_rate"]))
            self.assertEqual(cells["cohort_size"].text, integer(row["cohort_size"]))
            for column in ("clv", "clv_30d", "clv_90d", "clv_365d"):
                value = row[column]
                self.assertEqual(cells[column].text, money(value), column)
                self.assertEqual("heat" in cells[column].attrs.get("class", ""), value is not None, column)
        self.assertIn(None, [r["clv_365d"] for r in self.cohorts["rows"]], "fixture should have nulls")

    def check_integrity(self, page: Node) -> None:
        checks = page.by_id("checks-table").find_all("tbody")[0].find_all("tr")
        self.assertEqual([tr.attrs["data-check"] for tr in checks],
                         [c["name"] for c in self.report["checks"]])
        for tr, check in zip(checks, self.report["checks"]):
            self.assertIn(check["description"], tr.text)
            self.assertIn("pass" if check["passed"] else "fail", tr.text)
        counts = page.by_id("row-counts-table").find_all("tbody")[0].find_all("tr")
        self.assertEqual(len(counts), len(self.report["tables"]))
        for tr, table in zip(counts, self.report["tables"]):
            self.assertIn(integer(table["csv_rows"]), tr.text)
            self.assertIn(integer(table["db_rows"]), tr.text)

    def test_clicking_a_heading_sorts_the_cohorts(self) -> None:
        root = self.work / "probe"
        shutil.copytree(self.root, root)
        index = root / "frontend" / "index.html"
        index.write_text(index.read_text(encoding="utf-8").replace(
            "</body>", '<script src="probe.js" defer></script></body>'), encoding="utf-8")
        (root / "frontend" / "probe.js").write_text(SORT_PROBE, encoding="utf-8")
        record = json.loads(self.render(self.serve(root)).by_id("sort-probe").text)
        rows = self.cohorts["rows"]
        columns = self.cohorts["columns"]
        clv = columns.index("clv")
        by_month = sorted(rows, key=lambda r: r["cohort_month"])
        # Stable sorts from month order, missing values last in both directions, as the page does.
        ascending = sorted(by_month, key=lambda r: (r["clv"] is None, r["clv"] or 0))
        descending = sorted(by_month, key=lambda r: (r["clv"] is None, -(r["clv"] or 0)))
        self.assertEqual(record["initial"]["months"], [r["cohort_month"] for r in by_month])
        self.assertEqual(record["first"]["months"], [r["cohort_month"] for r in ascending])
        self.assertEqual(record["second"]["months"], [r["cohort_month"] for r in descending])
        self.assertNotEqual(ascending, by_month, "the fixture should not already be in CLV order")
        self.assertEqual(record["first"]["sort"][clv], "ascending")
        self.assertEqual(record["second"]["sort"][clv], "descending")
        self.assertEqual([s for i, s in enumerate(record["second"]["sort"]) if i != clv],
                         [None] * (len(columns) - 1))

    def test_screenshot(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / "dashboard.png"
        if path.exists():
            path.unlink()
        _, console = self.chromium(self.url, f"--screenshot={path}", "--window-size=1280,2400",
                                   "--hide-scrollbars")
        self.assert_no_script_errors(console)
        data = path.read_bytes()
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", data[16:24])
        self.assertEqual((width, height), (1280, 2400))
        self.assertGreater(len(data), 50_000, "a blank page compresses to a few kB")


class MissingDataTest(BrowserCase):
    """No JSON at all, or JSON that is not what the page expects: a message, never a blank page."""

    def test_missing_files_name_the_file_and_the_command(self) -> None:
        page = self.render(self.serve(self.site("empty")))
        self.assertEqual(page.find_all("body")[0].attrs.get("data-state"), "partial")
        errors = page.by_id("load-errors")
        self.assertNotIn("hidden", errors.attrs)
        text = " ".join(errors.text.split())
        for expected in ("report.json was not found", "python project/ingest.py --report",
                         "query_result.json was not found", "python project/run_query.py",
                         "python project/run_all.py"):
            self.assertIn(expected, text)
        for panel in ("kpis-body", "monthly-body", "cohorts-body", "integrity-body"):
            self.assertIn("No data", page.by_id(panel).text, panel)

    def test_malformed_files_leave_the_other_panels_working(self) -> None:
        root = self.site("malformed")
        (root / "report.json").write_text('{"kpis": {"revenue": 1,', encoding="utf-8")
        (root / "query_result.json").write_text(json.dumps(
            {"columns": ["cohort_month", "clv"], "rows": [{"cohort_month": "2024-01", "clv": None}]}),
            encoding="utf-8")
        page = self.render(self.serve(root))
        errors = " ".join(page.by_id("load-errors").text.split())
        self.assertIn("report.json is not valid JSON", errors)
        self.assertIn("python project/ingest.py --report", errors)
        self.assertEqual(len(page.by_id("cohort-table").find_all("tbody")[0].find_all("tr")), 1)

    def test_json_of_the_wrong_shape_is_reported_per_panel(self) -> None:
        root = self.site("wrong-shape")
        (root / "report.json").write_text(json.dumps({"kpis": {"revenue": 5}, "trends": {}}),
                                          encoding="utf-8")
        (root / "query_result.json").write_text(json.dumps({"columns": 5}), encoding="utf-8")
        page = self.render(self.serve(root))
        self.assertEqual(page.by_id("kpi-revenue").text, "$5.00")
        self.assertEqual(page.by_id("kpi-orders").text, DASH)
        errors = " ".join(page.by_id("load-errors").text.split())
        self.assertIn("has no usable data for the monthly chart", errors)
        self.assertIn("query_result.json has no usable data for the cohort table", errors)
        self.assertIn("python project/run_query.py", page.by_id("cohorts-body").text)


def kill_tree(proc: subprocess.Popen) -> None:
    """Kill Chromium and its helper processes (they share its session on POSIX)."""
    if os.name != "nt":
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:
        proc.kill()
    proc.communicate()


if __name__ == "__main__":
    unittest.main()
