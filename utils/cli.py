"""Scaffolding shared by the entry scripts: parser, shared options, one-line errors, logging."""
from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from utils.config import DATA_DIR, DB_PATH, DEFAULT_SCALE, DEFAULT_SEED, ROOT, SCHEMA_PATH
from utils.currency import DEFAULT_CURRENCY, check_currency
from utils.errors import KitError, UsageError, one_line, os_reason


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows real defaults only, and paths relative to the repository root."""

    def _get_help_string(self, action: argparse.Action) -> str:
        default = action.default
        if default in (None, False, [], argparse.SUPPRESS) or "%(default)" in (action.help or ""):
            return action.help or ""
        if isinstance(default, Path):  # fixed to the repository, not the working directory
            inside = relative(default, ROOT)
            default = "<repository>" if inside == "." else (
                f"<repository>/{inside}" if not Path(inside).is_absolute() else inside)
        return f"{action.help} (default: {str(default).replace('%', '%%')})"


class KitArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad parameter in one line instead of usage + error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        sys.exit(2)


def make_parser(prog: str, description: str) -> KitArgumentParser:
    parser = KitArgumentParser(prog=prog, description=description,
                               formatter_class=HelpFormatter)
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true",
                       help="log only warnings and errors to stderr")
    noise.add_argument("-v", "--verbose", action="store_true",
                       help="log debugging detail to stderr")
    return parser


def command(script: str, description: str) -> KitArgumentParser:
    """The parser of the entry script at ``script`` (its ``__file__``), named after it."""
    return make_parser(Path(script).name, description)


def add(parser: Any, *flags: str, **overrides: Any) -> None:
    """Add the options ``flags`` as OPTIONS defines them to a parser or group; ``overrides``
    replace argparse keywords (a command's own help or default)."""
    for flag in flags:
        parser.add_argument(flag, **{"type": path_arg, **OPTIONS.get(flag, {}), **overrides})


def actions(parser: argparse.ArgumentParser, **helps: str) -> Any:
    """The command's actions (``--name``, help) as flags of which exactly one is given; the
    group is returned for an action that takes a value."""
    group = parser.add_mutually_exclusive_group(required=True)
    for name, text in helps.items():
        group.add_argument(f"--{name}", action="store_true", help=text)
    return group


def execute(parser: KitArgumentParser, argv: Sequence[str] | None,
            action: Callable[[argparse.Namespace], Iterable[str]], database: bool = True) -> int:
    """Parse ``argv``, set up logging, print each line ``action(args)`` yields; return the
    exit code (errors as one line; SQLite's name ``args.db`` when ``database``)."""
    args = parser.parse_args(argv)
    configure_logging(args)

    def body() -> int:
        for line in action(args):
            print(line)
        return 0

    return run(parser.prog, body, database=getattr(args, "db", None) if database else None)


def path_arg(text: str) -> Path:
    """A path given on the command line, resolved against the working directory."""
    return Path(text).expanduser().resolve()


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def positive_int(text: str) -> int:
    value = int_arg(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def currency_arg(text: str) -> str:
    """An ISO 4217 code with two decimal places (utils/currency.py), in upper case."""
    try:
        return check_currency(text, "code")
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, got {text!r}") from None


def name_value_arg(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"must be NAME=VALUE, got {text!r}")
    return name, value


def int_arg(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None


# The kit's options: flag -> argparse keywords. A command may give its own help or default;
# an option not listed here is a path, unless the command gives another type.
OPTIONS: dict[str, dict[str, Any]] = {
    "--db": dict(default=DB_PATH, help="SQLite database file"),
    "--schema": dict(default=SCHEMA_PATH, help="schema file"),
    "--data-dir": dict(default=DATA_DIR, help="CSV directory"),
    "--seed": dict(type=int_arg, default=DEFAULT_SEED,
                   help="random seed: the same seed and scale give the same bytes"),
    "--scale": dict(type=positive_float, default=DEFAULT_SCALE,
                    help="size factor: 1 is about 2,000 users and 2,100 orders"),
    "--start": dict(type=date_arg), "--end": dict(type=date_arg),
    "--as-of": dict(type=date_arg, metavar="DATE",
                    help="write the store as it stood at the end of DATE (in the window)"),
    "--from": dict(type=date_arg, metavar="D1", dest="from_",
                   help="the batch starts after the end of D1 (the eve of --start: empty store)"),
    "--to": dict(type=date_arg, metavar="D2", help="the batch ends with the end of D2"),
    "--workers": dict(type=positive_int,
                      help="generator processes; the output is identical for any number"),
    "--parts": dict(type=positive_int, metavar="K",
                    help="split the dataset into K parts and write only --part (like dbgen -C)"),
    "--part": dict(type=positive_int, metavar="I",
                   help="which part to write, 1..K (like dbgen -S); the parts' files, "
                        "concatenated in order with one header, equal the whole dataset, and "
                        "ingest.py --data-dir takes the K part directories as one dataset"),
    "--currency": dict(type=currency_arg, metavar="CODE",  # None: the --config file's, or USD
                       help=f"ISO 4217 code the amounts are in (default: the --config file's "
                            f"\"currency\", else {DEFAULT_CURRENCY})"),
    "--config": dict(metavar="FILE",
                     help="JSON file of rate overrides and a currency (see generate_data.py --help)"),
}


def configure_logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    root.setLevel(level)


def run(prog: str, body: Callable[[], int | None], database: Path | None = None) -> int:
    """Run a command body, turning expected failures into one line and an exit code.

    Beside KitError, any OSError or sqlite3 error that escapes the library (disk full,
    permission denied, I/O error) is one line naming its file (``database`` for SQLite's).
    """
    for stream in (sys.stdout, sys.stderr):  # a path like 漢字 on a non-UTF-8 console or pipe
        if hasattr(stream, "reconfigure"):   # (Windows cp1252, PYTHONIOENCODING=ascii) must
            stream.reconfigure(errors="backslashreplace")  # not crash after the work is done
    _started_in.append(working_directory())
    try:
        return body() or 0
    except BrokenPipeError:  # the reader stopped reading (``| head``): no message, and the
        _quiet_stdout()      # status a shell gives a command ended by SIGPIPE (128 + 13)
        return 141
    except KitError as exc:
        sys.stderr.write(f"{prog}: error: {one_line(str(exc))}\n")
        return exc.exit_code
    except OSError as exc:  # a file the library did not name itself: the OS names it
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"{prog}: error: {one_line(where + os_reason(exc))}\n")
        return 1
    except sqlite3.Error as exc:
        where = f"{database}: " if database else "database: "
        sys.stderr.write(f"{prog}: error: {one_line(where + os_reason(exc))}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: interrupted\n")
        return 130
    finally:
        _started_in.pop()


def _quiet_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush of a closed pipe stays silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture stdout)
        pass


def relative(path: Path, root: Path) -> str:
    """Show ``path`` relative to ``root`` when it is inside it, else absolute."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def working_directory() -> Path | None:
    """The working directory, or None when it no longer exists (or cannot be read)."""
    try:
        return Path(os.getcwd()).resolve()
    except OSError:
        return None


# Where the reader stood when the command started (run() records it): a command may replace
# the folder the reader stands in (``cd data``, then generate), and printing a path after
# that must still work.
_started_in: list[Path | None] = []


def shown(path: Path, cwd: Path | None = None) -> str:
    """``path`` as the reader can use it from where they stand.

    Relative to the working directory (as it was when the command started) when both are
    inside the repository (``../report.md`` from ``project/``), absolute otherwise; every
    command prints paths through this, and it never fails.
    """
    try:
        path = Path(path).resolve()
    except OSError:
        path = Path(os.path.abspath(path))
    here = cwd if cwd is not None else (_started_in[-1] if _started_in else working_directory())
    if here is not None and _inside(path, ROOT) and _inside(Path(here), ROOT):
        try:
            return Path(os.path.relpath(path, here)).as_posix()
        except (ValueError, OSError):  # another drive on Windows
            pass
    return str(path)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False

