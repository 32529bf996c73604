"""Progress is shown on a terminal only, and never reaches outputs or logs."""
from __future__ import annotations

import io
import unittest

from utils.progress import Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class ProgressDisplay(unittest.TestCase):
    def test_silent_when_not_a_terminal_or_quiet(self) -> None:
        for stream, enabled in ((io.StringIO(), True), (FakeTerminal(), False)):
            progress = Progress("ingest", enabled=enabled, stream=stream, interval=0)
            progress(5, 10, 100, label="orders")
            progress(10, 10, 200, label="orders")
            progress.close()
            self.assertEqual(stream.getvalue(), "")

    def test_terminal_shows_rows_rate_and_eta_per_table(self) -> None:
        stream = FakeTerminal()
        progress = Progress("ingest", stream=stream, interval=0)
        progress(5, 10, 100, label="orders")
        progress(10, 10, 200, label="orders")
        progress(1, 4, 10, label="payments")
        progress.close()
        text = stream.getvalue()
        self.assertIn("\rorders: 50%, 100 rows", text)
        self.assertIn("\rorders: 100%, 200 rows", text)
        self.assertIn("\rpayments: 25%, 10 rows", text)
        self.assertTrue(text.endswith("\n"))
        self.assertEqual(text.count("\n"), 2)  # one finished line per table


if __name__ == "__main__":
    unittest.main()
