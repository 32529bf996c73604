"""Issue 6: parallel generation and parts produce exactly the single-process bytes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import unittest
from unittest import mock

import helpers
from data_generation.model import Settings
from data_generation.writer import TABLES, Part, generate
from utils.config import LABELS_NAME
from utils.fileio import sha256_file

FILES = [f"{t}.csv" for t in TABLES] + [LABELS_NAME]


class ParallelIdentity(unittest.TestCase):
    def test_worker_count_does_not_change_a_byte(self) -> None:
        tmp = helpers.temp_dir(self)
        settings = Settings(seed=8, scale=1.3)  # six blocks, the last one short
        digests = []
        for workers in (1, 2, 3):
            out = tmp / f"w{workers}"
            generate(settings, out, workers=workers)
            digests.append({name: sha256_file(out / name) for name in FILES + ["manifest.json"]})
        self.assertEqual(digests[0], digests[1])
        self.assertEqual(digests[0], digests[2])

    def test_parts_concatenate_to_the_whole(self) -> None:
        tmp = helpers.temp_dir(self)
        settings = Settings(seed=8, scale=1.3)
        generate(settings, tmp / "whole", workers=2)
        parts = [tmp / f"part{i}" for i in range(1, 5)]
        for index, out in enumerate(parts, start=1):
            generate(settings, out, workers=1 + index % 2, part=Part(index, 4))
        for name in FILES:
            with self.subTest(file=name):
                pieces = [(p / name).read_bytes() for p in parts]
                joined = pieces[0] + b"".join(piece.split(b"\n", 1)[1] for piece in pieces[1:])
                self.assertEqual(joined, (tmp / "whole" / name).read_bytes())
        manifest = json.loads((parts[2] / "manifest.json").read_text())
        self.assertEqual(manifest["part"]["index"], 3)
        self.assertEqual(manifest["part"]["count"], 4)
        self.assertEqual(sum(json.loads((p / "manifest.json").read_text())["files"][1]["rows"]
                             for p in parts), settings.n_users)

    def test_four_parts_as_four_concurrent_processes(self) -> None:
        """The README's recipe: K independent processes, each its own part, no coordination."""
        tmp = helpers.temp_dir(self)
        generate(Settings(seed=8, scale=1.3), tmp / "whole")
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        procs = [subprocess.Popen([sys.executable, "project/generate_data.py", "--generate", "--seed",
                                   "8", "--scale", "1.3", "--parts", "4", "--part", str(i),
                                   "--workers", "1", "--out", str(tmp / f"part{i}"), "-q"],
                                  cwd=helpers.ROOT, env=env, stderr=subprocess.PIPE, text=True)
                 for i in range(1, 5)]
        for proc in procs:
            self.assertEqual(proc.wait(timeout=300), 0, proc.stderr.read())
            proc.stderr.close()
        for name in FILES:
            with self.subTest(file=name):
                pieces = [(tmp / f"part{i}" / name).read_bytes() for i in range(1, 5)]
                joined = pieces[0] + b"".join(piece.split(b"\n", 1)[1] for piece in pieces[1:])
                self.assertEqual(joined, (tmp / "whole" / name).read_bytes())

    def test_a_part_counts_earlier_blocks_from_their_shapes_only(self) -> None:
        """Part 4 of 4 draws no content of the blocks before it: only their shape streams."""
        from data_generation import generator
        settings = Settings(seed=8, scale=1.3)
        seeds: list[str] = []
        real = generator.Random

        def spy(seed):
            seeds.append(seed)
            return real(seed)
        with mock.patch.object(generator, "Random", spy):
            generate(settings, helpers.temp_dir(self) / "p4", part=Part(4, 4))
        blocks = Part(4, 4).blocks(settings.n_blocks)
        self.assertEqual(seeds, [f"8:content:{b}" for b in blocks])

    def test_part_keys_continue_densely(self) -> None:
        tmp = helpers.temp_dir(self)
        settings = Settings(seed=8, scale=1.3)
        generate(settings, tmp / "p1", part=Part(1, 2))
        generate(settings, tmp / "p2", part=Part(2, 2))
        last = (tmp / "p1" / "orders.csv").read_text().strip().splitlines()[-1].split(",")[0]
        first = (tmp / "p2" / "orders.csv").read_text().splitlines()[1].split(",")[0]
        self.assertEqual(int(first), int(last) + 1)


class PartOptions(unittest.TestCase):
    def test_part_flags_are_checked(self) -> None:
        for args, message in [(["--parts", "4"], "--parts and --part go together"),
                              (["--parts", "2", "--part", "3"], "--part 3 is beyond --parts 2"),
                              (["--workers", "0"], "must be a positive integer")]:
            with self.subTest(args=args):
                proc = helpers.run_script("project/generate_data.py", "--generate", *args, "--out",
                                          str(helpers.temp_dir(self) / "d"), cwd=helpers.ROOT)
                self.assertNotEqual(proc.returncode, 0)
                self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
                self.assertIn(message, proc.stderr)


if __name__ == "__main__":
    unittest.main()
