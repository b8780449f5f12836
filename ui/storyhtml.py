"""Stories for the web app: each a timeline chart of its reports by outlet, then the
reports in order with why each belongs and what it adds. Built only from escaped
text; the chart is SVG drawn here from dates and counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from search.types import RelatedItem, Story
from ui.html import byline_html, esc, message_html, reader_date, safe_link
from ui.render import reports_shown

NOTHING_RELATED = (
    "Nothing closely related in the archive: no other report shares this one's names "
    "and subject closely enough."
)
CHART_WIDTH = 640
ROW_HEIGHT = 30
LABEL_WIDTH = 150
MAX_LABEL = 14  # characters: a longer outlet is shown by its initials (full name on hover)


def _span(story: Story) -> str:
    first, last = story.first, story.last
    if first is None:
        return "date not stated"
    if first.date() == last.date():
        return reader_date(first)
    return f"{reader_date(first)} – {reader_date(last)}"


def story_heading(story: Story, number: int | None) -> str:
    count = reports_shown(story)
    names = f" · {esc(', '.join(story.names))}" if story.names else ""
    return (
        f"<h3>Story{f' {number}' if number else ''}: {esc(story.label)}</h3>"
        f"<div class='nd-muted'>{_span(story)} · {count} · "
        f"{esc(', '.join(story.outlets))}{names}</div>"
    )


def _adds_html(item: RelatedItem) -> str:
    if item.adds is None:
        return ""
    return (
        f"<blockquote class='nd-adds' title='characters {item.adds.start}–{item.adds.end} "
        f"of the report'>Adds: “{esc(item.adds.text)}”</blockquote>"
    )


def _item_html(number: int, item: RelatedItem) -> str:
    ref = item.document
    link = safe_link(ref.url, "original ↗")
    also = ""
    if item.also_in:
        runs = "; ".join(byline_html(r) + " — " + esc(r.title) for r in item.also_in)
        also = f"<div class='nd-also'>Also ran in: {runs}</div>"
    return (
        f"<li><div class='nd-when'><span class='nd-dot-number'>{number}</span> "
        f"{reader_date(ref.published)}</div>"
        f"<div><strong>{esc(ref.title)}</strong>"
        f"<div class='nd-byline'>{byline_html(ref)}{' · ' + link if link else ''}</div>"
        f"<div class='nd-reason'>{esc(item.reason)}</div>{_adds_html(item)}{also}</div></li>"
    )


def story_html(story: Story, number: int | None = None) -> str:
    """One story: heading (numbered when part of a list), chart, and its reports
    oldest first."""
    items = "".join(_item_html(n, item) for n, item in enumerate(story.items, start=1))
    return (
        f"<section class='nd-story'>{story_heading(story, number)}{timeline_svg(story)}"
        f"<ol class='nd-timeline'>{items}</ol></section>"
    )


def stories_html(stories: list[Story], empty: str = NOTHING_RELATED) -> str:
    """Related coverage: one timeline per story, the subject's own story first."""
    if not stories:
        return message_html(empty)
    return "".join(story_html(story, n) for n, story in enumerate(stories, start=1))


def story_list_html(stories: list[Story], empty: str) -> str:
    """The archive's stories, newest activity first, one line each."""
    if not stories:
        return message_html(empty)
    rows = "".join(
        f"<li class='nd-story-row' data-story='{esc(story.story_id)}' "
        f"title='Open this story'>{story_heading(story, n)}</li>"
        for n, story in enumerate(stories, start=1)
    )
    return f"<ol class='nd-story-list'>{rows}</ol>"


def _ticks(first: datetime, last: datetime) -> list[tuple[datetime, str]]:
    """Tick dates and labels on a continuous axis: days, weeks, months or years by
    the span, at most about eight."""
    span = (last - first).days
    if span <= 16:
        step = max(1, span // 6 or 1)
        start = first.replace(hour=0, minute=0, second=0, microsecond=0)
        return [
            (start + timedelta(days=d), f"{(start + timedelta(days=d)):%-d %b}")
            for d in range(0, span + 2, step)
        ]
    months_total = (last.year - first.year) * 12 + last.month - first.month
    if months_total <= 36:
        step = max(1, -(-months_total // 8))
        out = []
        year, month = first.year, first.month
        for _ in range(0, months_total + 2, step):
            tick = datetime(year, month, 1, tzinfo=UTC)
            out.append((tick, f"{tick:%b %Y}" if month == 1 or not out else f"{tick:%b}"))
            month += step
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return out
    step = max(1, -(-(last.year - first.year) // 8))
    return [(datetime(y, 1, 1, tzinfo=UTC), str(y)) for y in range(first.year, last.year + 2, step)]


def _chart_label(outlet: str) -> str:
    """ "South China Morning Post" → "SCMP": short enough for a phone's chart."""
    if len(outlet) <= MAX_LABEL:
        return outlet
    words = outlet.split()
    if len(words) > 1:
        return "".join(word[0] for word in words if word[:1].isalnum()).upper()
    return outlet[: MAX_LABEL - 1] + "…"


def timeline_svg(story: Story) -> str:
    """Reports by outlet on a time axis (one row per outlet, a numbered dot per report,
    hover for the headline); empty when fewer than two reports are dated."""
    dated = [(n, i) for n, i in enumerate(story.items, start=1) if i.document.published]
    if len(dated) < 2:
        return ""
    first = min(i.document.published for _, i in dated)
    last = max(i.document.published for _, i in dated)
    pad = max((last - first) * 0.04, timedelta(hours=12))
    low, high = first - pad, last + pad
    outlets = list(dict.fromkeys(i.document.source or "outlet not stated" for _, i in dated))
    plot = CHART_WIDTH - LABEL_WIDTH - 16
    height = 34 + ROW_HEIGHT * len(outlets)

    def x(when: datetime) -> float:
        return LABEL_WIDTH + plot * (when - low) / (high - low)

    parts = [
        f"<svg class='nd-chart' viewBox='0 0 {CHART_WIDTH} {height}' role='img' "
        f"aria-label='Reports of this story by outlet over time'>"
    ]
    for row, outlet in enumerate(outlets):
        y = 14 + ROW_HEIGHT * row + ROW_HEIGHT / 2
        label = _chart_label(outlet)
        parts.append(
            f"<text x='{LABEL_WIDTH - 8}' y='{y + 4:.1f}' text-anchor='end' "
            f"class='nd-chart-label'><title>{esc(outlet)}</title>{esc(label)}</text>"
            f"<line x1='{LABEL_WIDTH}' x2='{CHART_WIDTH - 16}' y1='{y:.1f}' "
            f"y2='{y:.1f}' class='nd-chart-row'/>"
        )
    axis_y = height - 18
    for tick, text in _ticks(low, high):
        if low <= tick <= high:
            at = f"{x(tick):.1f}"
            parts.append(
                f"<line x1='{at}' x2='{at}' y1='8' y2='{axis_y}' class='nd-chart-tick'/>"
                f"<text x='{at}' y='{height - 4}' text-anchor='middle' "
                f"class='nd-chart-axis'>{esc(text)}</text>"
            )
    for number, item in dated:
        ref = item.document
        y = 14 + ROW_HEIGHT * outlets.index(ref.source or "outlet not stated") + ROW_HEIGHT / 2
        title = f"{number}. {ref.title} — {ref.published:%-d %b %Y}"
        parts.append(
            f"<g class='nd-chart-dot'><title>{esc(title)}</title>"
            f"<circle cx='{x(ref.published):.1f}' cy='{y:.1f}' r='8'/>"
            f"<text x='{x(ref.published):.1f}' y='{y + 4:.1f}' "
            f"text-anchor='middle'>{number}</text></g>"
        )
    parts.append("</svg>")
    return f"<div class='nd-chart-wrap'>{''.join(parts)}</div>"


STORY_CSS = """
.nd-story { margin-bottom: 22px; }
.nd-timeline { list-style: none; padding-left: 0; border-left: 3px solid #cbd5e1;
  margin-left: 8px; }
.nd-timeline li { display: flex; gap: 14px; padding: 8px 0 8px 12px; }
.nd-when { min-width: 112px; color: #374151; font-variant-numeric: tabular-nums; }
.nd-dot-number { display: inline-block; min-width: 1.5em; text-align: center;
  border-radius: 999px; background: #2563eb; color: white; font-size: 0.78rem; }
.nd-adds { margin: 6px 0 0 0; padding: 4px 10px; border-left: 3px solid #fbbf24;
  background: #fffbeb; font-size: 0.92rem; }
.nd-chart { width: 100%; max-width: 760px; height: auto; margin: 6px 0; }
.nd-chart-label, .nd-chart-axis { font-size: 12px; fill: #374151; }
.nd-chart-row { stroke: #e5e7eb; }
.nd-chart-tick { stroke: #f1f5f9; }
.nd-chart-dot circle { fill: #2563eb; }
.nd-chart-dot text { font-size: 10px; fill: white; font-weight: 700; }
.nd-story-list { padding-left: 0; list-style: none; }
.nd-story-row { border-bottom: 1px solid #e5e7eb; padding: 6px 0; }
.nd-story-row h3 { margin: 0; font-size: 1rem; }
.nd-story-row[data-story] { cursor: pointer; }
.nd-story-row[data-story]:hover h3 { text-decoration: underline; color: #1d4ed8; }
.nd-chart-wrap { overflow-x: auto; }
@media (max-width: 600px) {
  .nd-timeline li { flex-direction: column; gap: 2px; }
  /* The whole chart fits a phone's width, its labels and dots drawn larger so that
     they stay readable once scaled down. */
  .nd-chart-label, .nd-chart-axis { font-size: 15px; }
  .nd-chart-dot circle { r: 12px; }
  .nd-chart-dot text { font-size: 14px; }
}
"""
