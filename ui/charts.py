"""The Library's charts as HTML bars (text stays at the page's font size, so labels
are readable at phone width): documents per outlet, and per month on a continuous
axis (a month without documents is an empty bar, not a missing one)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from index.documents import DocumentSummary
from ui.html import esc

MAX_OUTLETS = 12
MAX_MONTH_LABELS = 7


def outlet_bars(summaries: list[DocumentSummary]) -> str:
    counts = Counter(s.source or "outlet not stated" for s in summaries)
    ranked = sorted(counts.items(), key=lambda p: (-p[1], p[0]))
    if len(ranked) > MAX_OUTLETS:
        rest = sum(n for _, n in ranked[MAX_OUTLETS - 1 :])
        ranked = ranked[: MAX_OUTLETS - 1] + [("other outlets", rest)]
    if not ranked:
        return ""
    top = ranked[0][1]
    rows = "".join(
        f"<div class='nd-bar-row'><span class='nd-bar-label' title='{esc(name)}'>"
        f"{esc(name)}</span><span class='nd-bar-track'><span class='nd-bar' "
        f"style='width:{100 * n / top:.1f}%'></span></span>"
        f"<span class='nd-bar-count'>{n}</span></div>"
        for name, n in ranked
    )
    return (
        "<figure class='nd-figure' id='nd-per-outlet'>"
        f"<figcaption>Documents per outlet</figcaption>{rows}</figure>"
    )


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """Every (year, month) from `first`'s month to `last`'s, none skipped."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_bars(summaries: list[DocumentSummary]) -> str:
    dated = [s.published.date() for s in summaries if s.published]
    if not dated:
        return ""
    counts = Counter((d.year, d.month) for d in dated)
    months = months_between(min(dated), max(dated))
    top = max(counts.values())
    step = _label_step(months)
    bars, labels = [], []
    for year, month in months:
        n = counts.get((year, month), 0)
        height = 100 * n / top
        bars.append(
            f"<span class='nd-col' title='{year}-{month:02d}: {n} documents'>"
            f"<span class='nd-col-bar' style='height:{height:.1f}%'></span></span>"
        )
        labels.append(f"<span class='nd-col-label'>{esc(_month_label(year, month, step))}</span>")
    caption = f"Documents per month ({len(months)} months, {len(dated)} dated documents)"
    return (
        f"<figure class='nd-figure' id='nd-per-month'><figcaption>{caption}</figcaption>"
        f"<div class='nd-cols'>{''.join(bars)}</div>"
        f"<div class='nd-col-labels'>{''.join(labels)}</div></figure>"
    )


def _label_step(months: list[tuple[int, int]]) -> int:
    """Months between labels: 1, 3, 6 or 12, so that at most MAX_MONTH_LABELS show."""
    for step in (1, 3, 6, 12, 24, 60):
        if len(months) / step <= MAX_MONTH_LABELS:
            return step
    return 120


def _month_label(year: int, month: int, step: int) -> str:
    """ "2020" at each labelled January when labels are a year or more apart; else
    "Jan 2020" for January and "Apr" for other labelled months."""
    if step >= 12:
        return str(year) if month == 1 and year % (step // 12) == 0 else ""
    if (month - 1) % step:
        return ""
    return f"{date(year, month, 1):%b %Y}" if month == 1 else f"{date(year, month, 1):%b}"


CHART_CSS = """
.nd-figure { margin: 0 0 14px 0; }
.nd-figure figcaption { font-weight: 600; margin-bottom: 6px; }
.nd-bar-row { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
.nd-bar-label { flex: 0 0 38%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.nd-bar-track { flex: 1; background: #f1f5f9; height: 14px; border-radius: 3px; }
.nd-bar { display: block; height: 100%; background: #2563eb; border-radius: 3px; }
.nd-bar-count { min-width: 2.5em; text-align: right; font-variant-numeric: tabular-nums; }
.nd-cols { display: flex; align-items: flex-end; gap: 1px; height: 120px;
  border-bottom: 1px solid #94a3b8; }
.nd-col { flex: 1; height: 100%; display: flex; align-items: flex-end; }
.nd-col-bar { display: block; width: 100%; background: #2563eb; min-height: 0; }
.nd-col-labels { display: flex; gap: 1px; }
.nd-col-label { flex: 1; min-width: 0; overflow: visible; white-space: nowrap; font-size: 0.78rem;
  color: #374151; }
"""
