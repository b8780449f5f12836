"""What the Library tab shows: counts, charts, pickers, a paginated listing and ingest
reports, all from document metadata (never from page markup). Every function takes the
summaries one refresh read once (`Newsdesk.summaries()`)."""

from __future__ import annotations

from collections import Counter

from index.batch import IngestReport
from index.documents import DocumentSummary

Summaries = list[DocumentSummary]

PAGE_SIZE = 25
LISTING_HEADERS = ["published", "outlet", "title", "authors", "doc_id"]


def summary_line(summaries: Summaries) -> str:
    outlets = {s.source for s in summaries if s.source}
    return f"{len(summaries)} documents from {len(outlets)} outlets in the archive"


def summary_markdown(summaries: Summaries) -> str:
    dated = [s.published for s in summaries if s.published]
    span = f", {min(dated):%d %b %Y} – {max(dated):%d %b %Y}" if dated else ""
    pages = max(1, -(-len(summaries) // PAGE_SIZE))
    return (
        f"**{len(summaries)} documents**{span}. The listing below has {pages} pages of {PAGE_SIZE}."
    )


def _label(summary) -> str:
    date = f"{summary.published:%Y-%m-%d}" if summary.published else "undated"
    return f"{summary.title} — {summary.source or 'unknown outlet'}, {date}"


def headline_choices(summaries: Summaries) -> list[tuple[str, str]]:
    return [(_label(s), s.doc_id) for s in summaries]


def outlet_choices(summaries: Summaries) -> list[str]:
    return sorted({s.source for s in summaries if s.source})


def author_choices(summaries: Summaries) -> list[str]:
    return sorted({a for s in summaries for a in s.authors})


def chart_frames(summaries: Summaries):
    import pandas

    outlets = Counter(s.source or "unknown" for s in summaries)
    months = Counter(f"{s.published:%Y-%m}" for s in summaries if s.published)
    per_outlet = pandas.DataFrame(
        sorted(outlets.items(), key=lambda p: (-p[1], p[0])), columns=["outlet", "documents"]
    )
    per_month = pandas.DataFrame(sorted(months.items()), columns=["month", "documents"])
    return per_outlet, per_month


def listing_rows(summaries: Summaries, page: int) -> list[list[str]]:
    start = (max(page, 1) - 1) * PAGE_SIZE
    return [
        [
            f"{s.published:%Y-%m-%d}" if s.published else "",
            s.source or "",
            s.title,
            ", ".join(s.authors),
            s.doc_id,
        ]  # fmt: skip
        for s in summaries[start : start + PAGE_SIZE]
    ]


def report_rows(report: IngestReport) -> list[list[object]]:
    """One row per uploaded file or URL: what it gave, or why it failed, with the
    records that were skipped or could not be stored."""
    rows: list[list[object]] = []
    for source, outcomes in report.source_outcomes():
        name = source.origin.removeprefix("upload:")
        if source.error:
            rows.append([name, "failed", 0, source.error])
            continue
        counts = Counter(outcome.status for outcome in outcomes)
        notes = [", ".join(f"{n} {status}" for status, n in sorted(counts.items()))]
        notes += [f"{o.doc_id}: {o.reason}" for o in outcomes if o.status == "failed"][:5]
        notes += [f"skipped {problem}" for problem in source.problems[:5]]
        if len(source.problems) > 5:
            notes.append(f"… {len(source.problems) - 5} more skipped")
        rows.append([name, f"ok ({source.format})", len(source.documents), "; ".join(notes)])
    return rows
