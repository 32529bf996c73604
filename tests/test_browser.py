"""The dashboard in a real browser: headless Chromium against serve_frontend.py.

Each run loads the page with a virtual-time budget, dumps the DOM after the scripts
have run and captures the browser console; an uncaught error or a Content Security
Policy refusal fails the test. The Explore section reads the API of the same server
over the small dataset; with no server or no database it must say so and the rest of
the page must still draw. Skipped when no Chromium is installed, unless
ECOMKIT_REQUIRE_BROWSER=1 (as in CI), which makes a missing browser a failure.
"""
from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

import helpers
from data_generation.model import Rates
from server.serve import make_server
from db.report.reporter import build_report
from db.connect import connect_readonly
from queries.runner import load_query, run_query, write_result
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

# Injected the same way: drive the Explore section step by step, each step waiting for the
# section to finish the API request it caused, and record what it shows after each.
EXPLORE_PROBE = """
'use strict';
(function () {
  const section = () => document.getElementById('explore');
  const record = {steps: []};
  const cells = (selector) => [...document.querySelectorAll(selector)];
  function snapshot(name) {
    const s = section();
    record.steps.push({name, resource: s.dataset.resource, state: s.dataset.state,
      range: document.getElementById('explore-range').textContent, total: Number(s.dataset.total),
      rows: cells('#explore-table tbody tr').map((tr) => Number(tr.dataset.id)),
      sort: cells('#explore-table thead th').map((th) => [th.dataset.column, th.getAttribute('aria-sort')]),
      detail: s.dataset.detail || '', items: cells('#explore-items tbody tr').length,
      payments: cells('#explore-payments tbody tr').length,
      user: (document.getElementById('explore-filter-user_id') || {}).value || ''});
  }
  function finish() {
    const out = document.createElement('pre');
    out.id = 'explore-probe';
    out.textContent = JSON.stringify(record);
    document.body.appendChild(out);
  }
  const click = (selector) => () => document.querySelector(selector).click();
  const steps = [
    ['initial', () => {}],
    ['next', click('#explore-next')],
    ['filtered', () => {
      document.getElementById('explore-filter-status').value = 'delivered';
      document.getElementById('explore-apply').click();
    }],
    ['sorted', click('#explore-table thead th[data-column="total_amount"] button')],
    ['detail', click('#explore-table tbody .link-button')],
    ['users', click('#explore-tab-users')],
    ['user-orders', click('#explore-table tbody tr[data-id="USER"] .link-button')],
  ];
  function step(i, loads, tries) {
    const s = section();
    const done = s && Number(s.dataset.loads || 0) >= loads && s.dataset.state !== 'loading';
    if (!done) {
      if (tries > 0) setTimeout(step, 25, i, loads, tries - 1);
      else { record.timeout = steps[i][0]; finish(); }
      return;
    }
    snapshot(steps[i][0]);
    if (i + 1 === steps.length) { finish(); return; }
    steps[i + 1][1]();
    step(i + 1, loads + 1, 200);
  }
  step(0, 1, 200);
}());
"""

# Evaluated in the page through the DevTools protocol until it returns a record: once every
# panel (Explore included) has drawn, whether the document is wider than the window, and where
# each CLV value and each check's verdict is, so a test can tell that a reader sees them
# without scrolling sideways.
LAYOUT_PROBE = """
(() => {
  const explore = document.getElementById('explore');
  if (!document.body || !document.body.dataset.state || !explore
      || !/ready|unavailable/.test(explore.dataset.state || '')) return null;
  const root = document.documentElement;
  const box = (node) => {
    const r = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    return {left: r.left, right: r.right, width: r.width, height: r.height, text: node.textContent.trim(),
      shown: style.display !== 'none' && style.visibility !== 'hidden' && r.width > 0 && r.height > 0};
  };
  return JSON.stringify({
    viewport: [window.innerWidth, window.innerHeight],
    scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((n) => n.getBoundingClientRect().right > root.clientWidth + 0.5
        && !n.parentElement.closest('.table-scroll, .chart-frame'))
      .slice(0, 5).map((n) => `${n.tagName.toLowerCase()}#${n.id}.${n.className}`),
    cohortDisplay: getComputedStyle(document.getElementById('cohort-table')).display,
    cohorts: [...document.querySelectorAll('#cohort-table tbody tr')].map((tr) => ({
      month: tr.cells[0].title,
      clv: Object.fromEntries([...tr.querySelectorAll('td[data-column^="clv"]')]
        .map((td) => [td.dataset.column, box(td)])),
      tops: [...tr.cells].map((c) => Math.round(c.getBoundingClientRect().top))})),
    checks: [...document.querySelectorAll('#checks-table tbody tr')].map((tr) => ({
      name: tr.dataset.check, verdict: box(tr.querySelector('.badge'))})),
    cut: [...document.querySelectorAll('#anomaly-table tbody > tr > *, #explore-table tbody > tr > *, '
      + '#row-counts-table tbody > tr > *, #checks-table tbody > tr > *')]
      .filter((cell) => box(cell).shown && (box(cell).left < 0 || box(cell).right > root.clientWidth + 0.5))
      .map((cell) => `${cell.closest('table').id}: ${cell.textContent.trim().slice(0, 40)}`),
    tables: ['anomaly-table', 'explore-table', 'row-counts-table']
      .map((id) => document.querySelectorAll(`#${id} tbody tr`).length),
  });
})()
"""


# Puts the two pipe ends on fds 3 and 4, where --remote-debugging-pipe expects them, then
# becomes the browser (sh cannot: dash refuses fd numbers above 9).
PIPE_SHIM = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
             "os.execvp(sys.argv[3], sys.argv[3:])")


class DevTools:
    """Chromium driven over --remote-debugging-pipe (the DevTools protocol on fds 3 and 4).

    Needed where the command line falls short: headless Chromium gives --dump-dom a window
    at least 500 px wide, while a phone is 390; Emulation.setDeviceMetricsOverride sets the
    exact viewport the page lays out in, media queries included.
    """

    def __init__(self, browser: str, profile: Path) -> None:
        import fcntl  # POSIX only, like the pipe passing itself

        def above_4(fd: int) -> int:  # so that moving it to 3 or 4 cannot clobber the other
            high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
            os.close(fd)
            return high
        commands, self.command_pipe = map(above_4, os.pipe())
        self.reply_pipe, replies = map(above_4, os.pipe())
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PIPE_SHIM, str(commands), str(replies), browser, "--headless",
             "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--lang=en-US",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(commands, replies), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        os.close(commands)
        os.close(replies)
        self.buffer, self.last_id, self.events = b"", 0, []
        self.deadline = time.monotonic() + BROWSER_TIMEOUT

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.command_pipe, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                if time.monotonic() > self.deadline:
                    raise AssertionError(f"Chromium did not answer {method} within {BROWSER_TIMEOUT} s")
                ready, _, _ = select.select([self.reply_pipe], [], [], 1)
                if ready:
                    chunk = os.read(self.reply_pipe, 1 << 16)
                    if not chunk:
                        raise AssertionError(f"Chromium exited while answering {method}")
                    self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(line)
            if reply.get("id") != self.last_id:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise AssertionError(f"{method}: {reply['error']}")
            return reply["result"]

    def evaluate_at(self, url: str, width: int, height: int, expression: str) -> tuple[Any, list[str]]:
        """Open ``url`` in a width x height viewport and evaluate ``expression`` until it is not null.

        Returns the value and the page's errors: uncaught exceptions and refusals (CSP).
        """
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Runtime.enable", "Log.enable"):
            self.send(method, session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
        self.send("Page.navigate", {"url": url}, session)
        while True:
            result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                               session)["result"]
            if result.get("value") is not None:
                break
            if time.monotonic() > self.deadline:
                raise AssertionError(f"the page never got ready within {BROWSER_TIMEOUT} s: {url}")
            time.sleep(0.05)
        errors = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.exceptionThrown":
                errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
            elif event.get("method") == "Log.entryAdded" and params["entry"].get("level") == "error" \
                    and ("Refused" in params["entry"].get("text", "")
                         or "Content Security Policy" in params["entry"].get("text", "")):
                errors.append(params["entry"]["text"])
        return result["value"], errors

    def close(self) -> None:
        with contextlib.suppress(AssertionError, OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            kill_tree(self.proc)
        os.close(self.command_pipe)
        os.close(self.reply_pipe)


def devtools_for(test: unittest.TestCase) -> DevTools:
    """A DevTools session on ``test.browser`` with a throw-away profile, closed after the test."""
    if os.name == "nt":
        test.skipTest("the DevTools pipe needs POSIX file descriptors")
    profile = Path(tempfile.mkdtemp(prefix="ecomkit-chromium-"))
    test.addCleanup(shutil.rmtree, profile, ignore_errors=True)
    devtools = DevTools(test.browser, profile)
    test.addCleanup(devtools.close)
    return devtools


def find_browser() -> str | None:
    chosen = os.environ.get("ECOMKIT_BROWSER")  # e.g. google-chrome where chromium is a snap
    if chosen:
        return shutil.which(chosen) or chosen
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
def money(value: float | None, symbol: str = "$") -> str:
    if value is None:
        return DASH
    return f"{symbol}{Decimal(str(value)).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


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


def publish_small_dataset(root: Path, work: Path, seed: int = 7,
                          scale: float = 0.05, **settings) -> tuple[Path, Path]:
    """Generate, load and report a small dataset, writing the two JSON artifacts into ``root``.

    Returns (data_dir, db_path), for the server's API.
    """
    data_dir, db_path = helpers.small_database(work, seed, scale, **settings)
    (root / "report.json").write_text(to_json(build_report(db_path, data_dir, SCHEMA_PATH)),
                                      encoding="utf-8")
    conn = connect_readonly(db_path)
    try:
        write_result(run_query(conn, load_query(CLV_QUERY)), root, "query_result")
    finally:
        conn.close()
    return data_dir, db_path


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
    def serve(cls, root: Path, **options) -> str:
        """Start a quiet server for ``root`` in a thread; return the dashboard URL."""
        server = make_server("127.0.0.1", 0, root=root, quiet=True, **options)
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

    def with_probe(self, root: Path, name: str, script: str) -> Path:
        """A copy of ``root`` whose page also loads ``script`` (never written into frontend/)."""
        copy = self.work / name
        shutil.copytree(root, copy)
        index = copy / "frontend" / "index.html"
        index.write_text(index.read_text(encoding="utf-8").replace(
            "</body>", '<script src="probe.js" defer></script></body>'), encoding="utf-8")
        (copy / "frontend" / "probe.js").write_text(script, encoding="utf-8")
        return copy


class DashboardTest(BrowserCase):
    """The dashboard drawn from a real (small) generated dataset."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.root = cls.site("full")
        # Seed 3 at scale 0.2 plants anomalies; with prices that do not deter buyers and no
        # limit on dear baskets, one normal customer also orders over 2,500 right after
        # signing up, so the anomaly panel shows a precision that is neither missing nor 100%.
        rates = replace(Rates(), price_elasticity=0.0, expensive_price=100_000.0)
        cls.data_dir, cls.db_path = publish_small_dataset(cls.root, cls.work / "dataset", 3, 0.2,
                                                          rates=rates)
        cls.report = json.loads((cls.root / "report.json").read_text(encoding="utf-8"))
        cls.cohorts = json.loads((cls.root / "query_result.json").read_text(encoding="utf-8"))
        cls.api = {"db_path": cls.db_path, "data_dir": cls.data_dir}
        cls.url = cls.serve(cls.root, **cls.api)
        cls.sql = sqlite3.connect(f"{cls.db_path.resolve().as_uri()}?mode=ro", uri=True)
        cls.addClassCleanup(cls.sql.close)

    def ids(self, sql: str, *args) -> list[int]:
        return [row[0] for row in self.sql.execute(sql, args)]

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
        self.check_anomalies(page)
        self.check_explore(page)
        self.check_links(page, profile=False)

    def check_header(self, page: Node) -> None:
        dataset = self.report["dataset"]
        self.assertEqual(page.by_id("dataset-seed").text, str(dataset["seed"]))
        self.assertEqual(page.by_id("dataset-scale").text, str(dataset["scale"]))
        self.assertIn(dataset["generator_version"], page.by_id("dataset-generator").text)
        self.assertEqual(page.by_id("dataset-currency").text, "USD")
        self.assertIn("2024", page.by_id("dataset-as-of").text)  # a full dataset: the window's end
        self.assertRaises(AssertionError, page.by_id, "dataset-batches")
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

    def check_anomalies(self, page: Node) -> None:
        anomalies = self.report["anomalies"]
        self.assertLess(anomalies["precision"], 1, "fixture: a dataset with labels and a false positive")
        self.assertEqual(page.by_id("anomaly-precision").text, percent(anomalies["precision"]))
        self.assertEqual(page.by_id("anomaly-recall").text, percent(anomalies["recall"]))
        self.assertEqual(page.by_id("anomaly-flagged").text, integer(anomalies["flagged_orders"]))
        rows = {tr.attrs["data-pattern"]: tr for tr in page.by_id("anomaly-table").find_all("tr")
                if "data-pattern" in tr.attrs}
        self.assertEqual(set(rows), {p["pattern"] for p in anomalies["by_pattern"]}
                         | set(anomalies["findings_by_rule"]))
        for pattern in anomalies["by_pattern"]:
            cells = [c.text for c in rows[pattern["pattern"]].find_all("td")]
            self.assertEqual(cells[:3], [integer(pattern["planted"]), integer(pattern["found"]),
                                         percent(pattern["recall"])])
        self.assertNotIn("hidden", page.by_id("anomalies").attrs)

    def check_explore(self, page: Node) -> None:
        section = page.by_id("explore")
        self.assertEqual((section.attrs["data-state"], section.attrs["data-resource"]), ("ready", "orders"))
        total = self.sql.execute("SELECT count(*) FROM orders").fetchone()[0]
        self.assertEqual(page.by_id("explore-range").text, f"Rows 1{DASH}10 of {total:,}")
        rows = page.by_id("explore-table").find_all("tbody")[0].find_all("tr")
        self.assertEqual([int(tr.attrs["data-id"]) for tr in rows],
                         self.ids("SELECT order_id FROM orders ORDER BY order_id LIMIT 10"))
        amounts = self.sql.execute("SELECT total_amount FROM orders ORDER BY order_id LIMIT 10")
        for tr, (amount,) in zip(rows, amounts):
            cell = next(td for td in tr.find_all("td") if td.attrs.get("data-column") == "total_amount")
            self.assertEqual(cell.text, money(amount))
        self.assertIn("seed 3, scale 0.2, amounts in USD", page.by_id("explore-meta").text)
        options = [o.attrs["value"] for o in page.by_id("explore-filter-status").find_all("option")]
        self.assertEqual(options, ["", "pending", "paid", "shipped", "delivered", "cancelled", "refunded"])

    def check_links(self, page: Node, profile: bool) -> None:
        self.assertNotIn("hidden", page.by_id("api-docs-link").attrs)
        if profile:
            self.assertEqual(page.by_id("profile-anchor").attrs["href"], "../docs/profile.html")
        else:
            self.assertIn("python project/profile_data.py", page.by_id("profile-missing").text)

    def test_explore_pages_filters_sorts_and_opens_an_order(self) -> None:
        user = self.ids("SELECT user_id FROM users WHERE user_id <= 10 AND user_id IN "
                        "(SELECT user_id FROM orders) ORDER BY user_id DESC LIMIT 1")[0]
        root = self.with_probe(self.root, "explore-probe", EXPLORE_PROBE.replace("USER", str(user)))
        page = self.render(self.serve(root, **self.api))
        record = json.loads(page.by_id("explore-probe").text)
        self.assertNotIn("timeout", record, record)
        steps = {step["name"]: step for step in record["steps"]}
        self.assertEqual(list(steps), ["initial", "next", "filtered", "sorted", "detail", "users",
                                       "user-orders"])
        for step in record["steps"]:
            self.assertEqual(step["state"], "ready", step["name"])
        total = len(self.ids("SELECT order_id FROM orders"))
        delivered = self.ids("SELECT order_id FROM orders WHERE status = 'delivered' ORDER BY order_id")
        self.assertEqual(steps["initial"]["rows"],
                         self.ids("SELECT order_id FROM orders ORDER BY 1 LIMIT 10"))
        self.assertEqual(steps["next"]["rows"],
                         self.ids("SELECT order_id FROM orders ORDER BY 1 LIMIT 10 OFFSET 10"))
        self.assertEqual(steps["next"]["range"], f"Rows 11{DASH}20 of {total:,}")
        self.assertEqual((steps["filtered"]["rows"], steps["filtered"]["total"]),
                         (delivered[:10], len(delivered)))
        by_total = self.ids("SELECT order_id FROM orders WHERE status = 'delivered' "
                            "ORDER BY total_amount, order_id LIMIT 10")
        self.assertEqual(steps["sorted"]["rows"], by_total)
        self.assertIn(["total_amount", "ascending"], steps["sorted"]["sort"])
        order = by_total[0]
        self.assertEqual(steps["detail"]["detail"], str(order))
        for table in ("items", "payments"):
            count = len(self.ids(f"SELECT 1 FROM {'order_' if table == 'items' else ''}{table} "
                                 f"WHERE order_id = ?", order))
            self.assertEqual(steps["detail"][table], count, table)
        self.assertEqual((steps["users"]["resource"], steps["users"]["rows"]),
                         ("users", self.ids("SELECT user_id FROM users ORDER BY 1 LIMIT 10")))
        self.assertIn(user, steps["users"]["rows"])
        self.assertEqual((steps["user-orders"]["resource"], steps["user-orders"]["user"]),
                         ("orders", str(user)))
        self.assertEqual(steps["user-orders"]["rows"], self.ids(
            "SELECT order_id FROM orders WHERE user_id = ? ORDER BY total_amount, order_id LIMIT 10", user))
        self.assertTrue(steps["user-orders"]["rows"], "fixture: the user has orders")

    def test_profile_link_when_the_profile_exists(self) -> None:
        root = self.work / "with-profile"
        shutil.copytree(self.root, root)
        (root / "docs").mkdir()
        (root / "docs" / "profile.html").write_text("<!doctype html><title>profile</title>", encoding="utf-8")
        self.check_links(self.render(self.serve(root, **self.api)), profile=True)

    def test_clicking_a_heading_sorts_the_cohorts(self) -> None:
        root = self.with_probe(self.root, "probe", SORT_PROBE)
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

    def layout(self, width: int, height: int) -> dict:
        """The page in a width x height viewport, measured once every panel has drawn."""
        devtools = devtools_for(self)
        value, errors = devtools.evaluate_at(self.url, width, height, LAYOUT_PROBE)
        self.assertEqual(errors, [])
        record = json.loads(value)
        self.assertEqual(record["viewport"], [width, height])
        self.assertLessEqual(record["scrollWidth"], record["clientWidth"],
                             f"the page scrolls sideways at {width} px; too wide: {record['wide']}")
        clv = {row["cohort_month"]: row for row in self.cohorts["rows"]}
        self.assertEqual([c["month"] for c in record["cohorts"]], sorted(clv))
        for cohort in record["cohorts"]:
            cells = cohort["clv"]
            self.assertEqual(set(cells), {"clv", "clv_30d", "clv_90d", "clv_365d"})
            for column, cell in cells.items():
                with self.subTest(width=width, cohort=cohort["month"], column=column):
                    self.assertTrue(cell["shown"], cell)
                    self.assertGreaterEqual(cell["left"], 0)
                    self.assertLessEqual(cell["right"], width)
                    self.assertIn(money(clv[cohort["month"]][column]), cell["text"])
        self.assertTrue(all(record["tables"]), record["tables"])
        self.assertEqual(record["cut"], [], "cells of the anomaly, Explore or integrity tables "
                                           "outside the window")
        self.assertEqual([c["name"] for c in record["checks"]], [c["name"] for c in self.report["checks"]])
        for check, expected in zip(record["checks"], self.report["checks"]):
            verdict = check["verdict"]
            with self.subTest(width=width, check=check["name"]):
                self.assertTrue(verdict["shown"], verdict)
                self.assertGreaterEqual(verdict["left"], 0)
                self.assertLessEqual(verdict["right"], width)
                self.assertIn("pass" if expected["passed"] else "fail", verdict["text"])
        return record

    def test_a_phone_sees_every_clv_and_verdict_without_scrolling_sideways(self) -> None:
        record = self.layout(390, 844)
        self.assertEqual(record["cohortDisplay"], "block", "phones get the cohorts as cards")

    def test_the_desktop_layout_is_a_table(self) -> None:
        record = self.layout(1400, 1000)
        self.assertEqual(record["cohortDisplay"], "table")
        for cohort in record["cohorts"]:
            self.assertEqual(len(set(cohort["tops"])), 1, f"{cohort['month']}: one line per cohort")

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


class CurrencyTest(BrowserCase):
    """A dataset generated in another currency is shown in it, on every panel and in Explore."""

    def test_the_declared_currency_formats_every_amount(self) -> None:
        root = self.site("euro")
        data_dir, db_path = publish_small_dataset(root, self.work / "euro-data", currency="EUR")
        report = json.loads((root / "report.json").read_text(encoding="utf-8"))
        self.assertEqual(report["dataset"]["currency"], "EUR")
        page = self.render(self.serve(root, db_path=db_path, data_dir=data_dir))
        self.assertEqual(page.by_id("dataset-currency").text, "EUR")
        self.assertEqual(page.by_id("kpi-revenue").text, money(report["kpis"]["revenue"], "\u20ac"))
        self.assertEqual(page.by_id("kpi-aov").text, money(report["kpis"]["avg_order_value"], "\u20ac"))
        cohorts = json.loads((root / "query_result.json").read_text(encoding="utf-8"))
        first = page.by_id("cohort-table").find_all("tbody")[0].find_all("tr")[0]
        cells = {c.attrs["data-column"]: c.text for c in first.children if isinstance(c, Node)}
        self.assertEqual(cells["clv"], money(cohorts["rows"][0]["clv"], "\u20ac"))
        self.assertIn("amounts in EUR", page.by_id("explore-meta").text)
        amounts = [td.text for td in page.by_id("explore-table").find_all("td")
                   if td.attrs.get("data-column") == "total_amount"]
        self.assertTrue(amounts and all(a.startswith("\u20ac") for a in amounts), amounts)
        self.assertNotIn("$", "".join(n.text for n in page.find_all(cls="kpi-value")))


class BatchedTest(BrowserCase):
    """A database given change batches (ingest.py --apply): the header says as of when and how."""

    def test_the_header_shows_the_as_of_day_and_the_batches(self) -> None:
        import batches
        from db.ingest.apply import apply_batch
        from db.ingest.loader import ingest
        root, work = self.site("batched"), self.work / "batched-data"
        full = helpers.small_dataset(work / "full", seed=7, scale=0.1)
        d0, d1, d2 = date(2023, 5, 1), date(2023, 5, 2), date(2023, 7, 1)
        data_dir, db_path = batches.write_snapshot(full, d0, work / "data"), work / "db.sqlite"
        ingest(data_dir, db_path, SCHEMA_PATH)
        for first, last in ((d0, d1), (d1, d2)):
            apply_batch(batches.write_changes(full, first, last, work / f"b{last}"), db_path,
                        SCHEMA_PATH)
        report = build_report(db_path, data_dir, SCHEMA_PATH)
        (root / "report.json").write_text(to_json(report), encoding="utf-8")
        conn = connect_readonly(db_path)
        try:
            write_result(run_query(conn, load_query(CLV_QUERY)), root, "query_result")
        finally:
            conn.close()
        page = self.render(self.serve(root, db_path=db_path, data_dir=data_dir))
        self.assertIn("2023", page.by_id("dataset-as-of").text)
        self.assertTrue(page.by_id("dataset-batches").text.startswith("2 applied since"))
        self.assertIn(f"{d1} \u2013 {d2}", page.by_id("dataset-batches").attrs.get("title", ""))
        badges = page.by_id("row-counts-table").text
        self.assertNotIn("differ", badges)  # base CSV rows + batch inserts = database rows


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
        for panel in ("kpis-body", "monthly-body", "cohorts-body", "integrity-body", "anomalies-body"):
            self.assertIn("No data", page.by_id(panel).text, panel)
        # No database behind the API (503): the Explore section says so and what to run.
        self.assertEqual(page.by_id("explore").attrs["data-state"], "unavailable")
        message = " ".join(page.by_id("explore-unavailable").text.split())
        self.assertIn("The API has no database to read", message)
        # The command once, as code, in one sentence (the API's message already names it).
        self.assertEqual(message.count("python project/run_all.py"), 1, message)
        self.assertEqual(message.lower().count("create it with"), 1, message)
        self.assertIn("python project/run_all.py", [c.text for c in page.by_id("explore-unavailable")
                                                    .find_all("code")])
        self.assertTrue(message.endswith(", then reload this page."), message)
        self.assertNotIn("hidden", page.by_id("api-docs-link").attrs)  # the server is there

    def test_opened_from_a_file_the_page_still_works_without_the_api(self) -> None:
        root = self.site("from-file")
        publish_small_dataset(root, self.work / "from-file-data")
        url = (root / "frontend" / "index.html").resolve().as_uri()
        page = self.render(url)
        self.assertEqual(page.by_id("explore").attrs["data-state"], "unavailable")
        message = " ".join(page.by_id("explore-unavailable").text.split())
        self.assertIn("python serve_frontend.py", message)
        self.assertIn("not reachable", message)
        self.assertIn("hidden", page.by_id("api-docs-link").attrs)
        self.assertIn("python project/profile_data.py", page.by_id("profile-missing").text)

    def test_anomalies_without_labels_show_no_precision(self) -> None:
        root = self.site("unlabelled")
        publish_small_dataset(root, self.work / "unlabelled-data")
        report = json.loads((root / "report.json").read_text(encoding="utf-8"))
        report["anomalies"].update(labelled_orders=None, true_positives=None, precision=None, recall=None,
                                   by_pattern=[], note="no labels/anomalies.csv in the data directory")
        (root / "report.json").write_text(json.dumps(report), encoding="utf-8")
        page = self.render(self.serve(root))
        self.assertEqual(page.by_id("anomaly-precision").text, DASH)
        self.assertEqual(page.by_id("anomaly-recall").text, DASH)
        self.assertIn("no labels/anomalies.csv", page.by_id("anomaly-note").text)
        rows = page.by_id("anomaly-table").find_all("tbody")[0].find_all("tr")
        self.assertEqual(len(rows), len(report["anomalies"]["findings_by_rule"]))
        self.assertEqual(page.find_all("body")[0].attrs.get("data-state"), "ready")

    def test_labelled_dataset_with_nothing_flagged_is_not_called_unlabelled(self) -> None:
        """Issue 12: a small scale flags nothing; precision is null but the labels exist."""
        root = self.site("nothing-flagged")
        publish_small_dataset(root, self.work / "nothing-flagged-data")
        report = json.loads((root / "report.json").read_text(encoding="utf-8"))
        report["anomalies"].update(flagged_orders=0, true_positives=0, precision=None,
                                   recall=0.0, findings_by_rule={})
        (root / "report.json").write_text(json.dumps(report), encoding="utf-8")
        page = self.render(self.serve(root))
        self.assertEqual(page.by_id("anomaly-flagged").text, "0")
        self.assertEqual(page.by_id("anomaly-precision").text, DASH)
        with self.assertRaises(AssertionError):  # no "this dataset has no labels" note
            page.by_id("anomaly-note")
        self.assertEqual(page.find_all("body")[0].attrs.get("data-state"), "ready")

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
        self.assertEqual(page.by_id("kpi-revenue").text, "5.00")  # no currency named: no symbol
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
