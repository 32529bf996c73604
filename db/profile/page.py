"""The data profile as one static HTML page: inline CSS, inline SVG charts, no script.

Rendered from the profile dictionary (db/profile/profiler.py) alone, so the page and
docs/profile.json always agree. Every text from the data goes through
``html.escape``; nothing is fetched from elsewhere, so the file works offline
and from any static server.
"""
from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

CHART_WIDTH, CHART_HEIGHT = 320, 90

_CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bar: #2f80ed; --card: #fff;
        --page: #f5f7fa; --pos: 47, 128, 237; --neg: 214, 69, 65; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--page); }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 28px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 36px 0 4px; font-size: 20px; border-bottom: 2px solid var(--line);
     padding-bottom: 4px; }
h3 { margin: 0 0 8px; font-size: 15px; }
.muted, .shape { color: var(--muted); }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 8px; }
nav a { display: inline-block; padding: 4px 10px; border: 1px solid var(--line);
        border-radius: 14px; background: var(--card); color: var(--ink); text-decoration: none; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
        padding: 12px 14px; }
.tag { font-weight: normal; font-size: 12px; color: var(--muted); margin-left: 6px; }
.role { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px;
        background: #e8f0fe; color: #1a4fa0; margin-left: 6px; font-weight: normal; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; margin: 0 0 8px; }
dt { color: var(--muted); }
dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
svg { display: block; max-width: 100%; height: auto; }
svg rect.bar { fill: var(--bar); } svg text { font-size: 10px; fill: var(--muted); }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td, th { padding: 2px 8px; text-align: left; border-bottom: 1px solid var(--line); }
td.num { text-align: right; }
.top { width: 100%; table-layout: fixed; }
.top td.value { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.top .meter { display: block; height: 8px; background: var(--bar); border-radius: 2px; }
footer { margin: 40px auto 30px; }
.scorecard { width: 100%; } .scorecard td { vertical-align: top; } .scorecard td.num { white-space: nowrap; }
.verdict-inside { color: #1e7b34; } .verdict-outside { color: #b42318; font-weight: 600; }
.verdict-not-measurable { color: var(--muted); }
"""


def render_html(profile: dict[str, Any]) -> str:
    dataset = profile["dataset"]
    tables = profile["tables"]
    links = "".join(f'<li><a href="#t-{escape(t["table"])}">{escape(t["table"])} '
                    f'<span class="muted">{t["rows"]:,}</span></a></li>' for t in tables)
    realism = profile.get("realism")
    if realism is not None:
        links += '<li><a href="#realism">realism scorecard</a></li>'
    provenance = " · ".join(f"{escape(k)} {escape(str(v))}" for k, v in dataset.items())
    notes = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>"
                    for k, v in profile["notes"].items())
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{escape(profile["profile"])}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n'
            f'<header><h1>Data profile</h1><p class="muted">{provenance}</p>'
            f'<nav><ul>{links}</ul></nav></header>\n<main>\n'
            + "".join(_table_section(t) for t in tables)
            + (_realism_section(realism) if realism is not None else "")
            + f'</main>\n<footer class="card"><h3>How to read this page</h3><dl>{notes}</dl>'
            f'</footer>\n</body>\n</html>\n')


def _table_section(table: dict[str, Any]) -> str:
    duplicates = table["duplicate_keys"]
    shape = (f'{table["rows"]:,} rows · key {escape(str(table["key"]))} · '
             f'{table["duplicate_rows"]:,} duplicate rows · '
             f'{"no key" if duplicates is None else f"{duplicates:,} duplicate keys"}')
    cards = "".join(_column_card(c) for c in table["columns"])
    correlations = _correlations(table["correlations"])
    return (f'<section id="t-{escape(table["table"])}"><h2>{escape(table["table"])}</h2>'
            f'<p class="shape">{shape}</p><div class="grid">{cards}</div>{correlations}'
            f'</section>\n')


def _realism_section(realism: dict[str, Any]) -> str:
    """The report's realism scorecard: each metric's value against its sourced range."""
    s = realism["summary"]
    rows = []
    for m in realism["metrics"]:
        verdict = m["status"] + (f": {m['why']}" if m["why"] else "")
        rows.append(f'<tr data-metric="{escape(m["id"])}"><td>{escape(m["label"])}<br>'
                    f'<code class="muted">{escape(m["id"])}</code></td>'
                    f'<td class="num">{escape(_group_integers(m["value"]))}</td>'
                    f'<td class="num">{escape(m["range"])}</td>'
                    f'<td class="verdict-{escape(m["status"].replace(" ", "-"))}">'
                    f'{escape(verdict)}</td><td>{escape(m["reference"])}<br>'
                    f'<a href="{escape(m["source"]["url"])}">{escape(m["source"]["name"])}</a>'
                    f'</td></tr>')
    return (f'<section id="realism"><h2>Realism scorecard</h2><p class="shape">'
            f'{s["inside"]} of {s["metrics"]} metrics inside their reference range, '
            f'{s["outside"]} outside, {s["not_measurable"]} not measurable '
            f'(the report\'s scorecard: queries/realism/, ranges in db/report/realism.json)</p>'
            f'<div class="card"><table class="scorecard"><tr><th>metric</th><th>value</th>'
            f'<th>range</th><th>verdict</th><th>reference and source</th></tr>{"".join(rows)}'
            f'</table></div></section>\n')


def _column_card(column: dict[str, Any]) -> str:
    facts = [("count", column["count"]), ("nulls", column["nulls"]),
             ("distinct", column["distinct"]), ("min", column["min"]), ("max", column["max"])]
    chart = ""
    if column["role"] == "measure":
        quartiles = column["quartiles"]
        facts += [("mean", column["mean"]), ("std dev", column["stddev"]),
                  ("quartiles", " / ".join(_group_integers(quartiles.get(k)) for k in ("q1", "median", "q3")))]
        bins = column["histogram"]
        chart = _bars([b["count"] for b in bins],
                      [f"{_group_integers(b['from'])}–{_group_integers(b['to'])}" for b in bins],
                      _group_integers(bins[0]["from"]) if bins else "", _group_integers(bins[-1]["to"]) if bins else "",
                      f"histogram of {column['column']}")
    elif column["role"] == "time":
        months = column["months"]
        chart = _bars([m["count"] for m in months], [m["month"] for m in months],
                      months[0]["month"] if months else "", months[-1]["month"] if months else "",
                      f"rows per month of {column['column']}")
    elif column["role"] == "text":
        length = column["length"]
        facts.append(("length", f"{_group_integers(length['min'])}–{_group_integers(length['max'])}, "
                                f"mean {_group_integers(length['mean'])}"))
        chart = _top_values(column["top"], column["count"], column["distinct"])
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(_group_integers(v))}</dd>" for k, v in facts)
    declared, inferred = escape(column["declared"]), escape(column["inferred"])
    return (f'<article class="card"><h3>{escape(column["column"])}'
            f'<span class="tag">{declared} · values look {inferred}</span>'
            f'<span class="role">{escape(column["role"])}</span></h3><dl>{rows}</dl>{chart}'
            f'</article>')


def _bars(counts: list[int], labels: list[str], first: str, last: str, title: str) -> str:
    """An SVG bar chart; each bar's <title> gives its exact range and count on hover."""
    if not counts:
        return ""
    top = max(counts) or 1
    step = CHART_WIDTH / len(counts)
    plot = CHART_HEIGHT - 14
    bars = []
    for i, (count, label) in enumerate(zip(counts, labels)):
        height = round(plot * count / top, 2)
        bars.append(f'<rect class="bar" x="{i * step + 0.5:.2f}" y="{plot - height:.2f}" '
                    f'width="{max(step - 1, 0.5):.2f}" height="{height:.2f}">'
                    f'<title>{escape(label)}: {count:,}</title></rect>')
    return (f'<svg viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" width="{CHART_WIDTH}" '
            f'height="{CHART_HEIGHT}" role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)} (highest bar: {top:,})</title>{"".join(bars)}'
            f'<line x1="0" y1="{plot}" x2="{CHART_WIDTH}" y2="{plot}" stroke="#d9e2ec"/>'
            f'<text x="0" y="{CHART_HEIGHT - 2}">{escape(first)}</text>'
            f'<text x="{CHART_WIDTH}" y="{CHART_HEIGHT - 2}" text-anchor="end">'
            f'{escape(last)}</text>'
            f'</svg>')


def _top_values(top: list[dict[str, Any]], count: int, distinct: int) -> str:
    if not top:
        return ""
    if distinct == count:
        return '<p class="muted">Every value is distinct.</p>'
    most = top[0]["count"] or 1
    rows = "".join(f'<tr><td class="value" title="{escape(t["value"])}">{escape(t["value"])}</td>'
                   f'<td class="num">{t["count"]:,}</td><td><span class="meter" style="width:'
                   f'{round(100 * t["count"] / most)}%"></span></td></tr>' for t in top)
    return ('<table class="top"><colgroup><col style="width:55%"><col style="width:17%"><col>'
            f'</colgroup><tr><th>top values</th><th>rows</th><th></th></tr>{rows}</table>')


def _correlations(pairs: list[dict[str, Any]]) -> str:
    if not pairs:
        return ""
    names: list[str] = []
    for pair in pairs:
        names += [n for n in (pair["x"], pair["y"]) if n not in names]
    value = {(p["x"], p["y"]): p["pearson"] for p in pairs}
    value.update({(y, x): r for (x, y), r in list(value.items())})
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    rows = []
    for a in names:
        cells = []
        for b in names:
            r = Decimal(1) if a == b else value.get((a, b))
            cells.append(f'<td class="num" style="{_shade(r)}">{escape(_group_integers(r))}</td>')
        rows.append(f"<tr><th>{escape(a)}</th>{''.join(cells)}</tr>")
    return (f'<h3 style="margin-top:16px">Pearson correlation</h3><div class="card">'
            f'<table><tr><th></th>{head}</tr>{"".join(rows)}</table></div>')


def _shade(r: Decimal | None) -> str:
    if r is None:
        return ""
    colour = "var(--pos)" if r >= 0 else "var(--neg)"
    return f"background: rgba({colour}, {abs(r) * Decimal('0.45'):.2f})"


def _group_integers(value: Any) -> str:
    """Integers with thousands separators (1,234); Decimals and text as they are; None a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
