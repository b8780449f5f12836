"""What the Library tab shows: counts, charts, pickers, a paginated listing and ingest
reports, all from document metadata (never from page markup). Every function takes the
summaries one refresh read once (`Newsdesk.summaries()`)."""

from __future__ import annotations

from collections import Counter

from index.batch import IngestReport
from index.documents import DocumentSummary
from ui.html import esc

Summaries = list[DocumentSummary]

PAGE_SIZE = 25


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
    date = f"{summary.published:%Y-%m-%d}" if summary.published else "date not stated"
    return f"{summary.title} — {summary.source or 'outlet not stated'}, {date}"


def headline_choices(summaries: Summaries) -> list[tuple[str, str]]:
    return [(_label(s), s.doc_id) for s in summaries]


def outlet_choices(summaries: Summaries) -> list[str]:
    return sorted({s.source for s in summaries if s.source})


def author_choices(summaries: Summaries) -> list[str]:
    """Each co-author once, whatever the case (the filter ignores case; bylines are
    split when read; agencies are not authors), in the spelling seen most."""
    spellings: dict[str, Counter[str]] = {}
    for summary in summaries:
        for author in summary.authors:
            spellings.setdefault(author.casefold(), Counter())[author] += 1
    chosen = (max(forms, key=lambda form: (forms[form], form)) for forms in spellings.values())
    return sorted(chosen, key=str.casefold)


def _short_date(summary) -> str:
    return f"{summary.published:%Y-%m-%d}" if summary.published else "date not stated"


def listing_html(summaries: Summaries, page: int) -> str:
    """One page of the archive, newest first, as a table that folds into one card per
    document at phone width (date and outlet over the headline)."""
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = "".join(
        "<tr>"
        f"<td class='nd-col-date'>{_short_date(s)}</td>"
        f"<td class='nd-col-outlet'>{esc(s.source or 'outlet not stated')}</td>"
        f"<td class='nd-col-title'>{esc(s.title)}</td>"
        f"<td class='nd-col-authors'>{esc(_people(s))}</td>"
        f"<td class='nd-col-id'><code>{esc(s.doc_id)}</code></td></tr>"
        for s in summaries[start : start + PAGE_SIZE]
    )
    head = "".join(f"<th class='nd-col-{c}'>{label}</th>" for c, label in _COLUMNS)
    return f"<table class='nd-listing'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


_COLUMNS = (
    ("date", "Published"),
    ("outlet", "Outlet"),
    ("title", "Title"),
    ("authors", "Authors"),
    ("id", "Document id"),
)


def _people(summary: DocumentSummary) -> str:
    via = f"via {', '.join(summary.credits)}" if summary.credits else ""
    return " · ".join(part for part in (", ".join(summary.authors), via) if part)


def removal_prompt(summary: DocumentSummary | None) -> str:
    """The confirmation's question (escaped HTML), naming what would go."""
    if summary is None:
        return "<div class='nd-empty'>Pick a document to remove.</div>"
    return (
        f"<div class='nd-confirm'>Remove “{esc(summary.title)}” ({esc(_where(summary))}) "
        "from the archive? Its passages leave the search index and its story; this "
        "cannot be undone.</div>"
    )


def removal_done(summary: DocumentSummary, remaining: int) -> str:
    return (
        f"<div class='nd-removed'>Removed “{esc(summary.title)}” ({esc(_where(summary))}). "
        f"{remaining} documents remain.</div>"
    )


def _where(summary: DocumentSummary) -> str:
    date = f"{summary.published:%-d %b %Y}" if summary.published else "date not stated"
    return f"{summary.source or 'outlet not stated'}, {date}"


def report_html(rows: list[list[object]]) -> str:
    """The upload report as a table (source, status, documents, detail) that folds into
    one card per source at phone width."""
    heads = (
        ("source", "Source"),
        ("status", "Status"),
        ("count", "Documents"),
        ("detail", "Detail"),
    )
    head = "".join(f"<th class='nd-rep-{c}'>{label}</th>" for c, label in heads)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='nd-rep-{c}'>{esc(str(value))}{_noun(c, value)}</td>"
            for (c, _), value in zip(heads, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table class='nd-report'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _noun(column: str, value: object) -> str:
    """The count's noun, shown only where the cards have no "Documents" header."""
    if column != "count":
        return ""
    return f"<span class='nd-rep-noun'> document{'' if value == 1 else 's'}</span>"


LISTING_CSS = """
.nd-report { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
.nd-report th, .nd-report td { text-align: left; padding: 4px 6px;
  border-bottom: 1px solid #e5e7eb; vertical-align: top; overflow-wrap: anywhere; }
.nd-report .nd-rep-count { white-space: nowrap; text-align: right; }
.nd-report .nd-rep-noun { display: none; }
.nd-confirm { padding: 10px 12px; background: #fee2e2; border-radius: 6px; }
.nd-removed { padding: 10px 12px; background: #dcfce7; border-radius: 6px; }
.nd-listing { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
.nd-listing th, .nd-listing td { text-align: left; padding: 4px 6px;
  border-bottom: 1px solid #e5e7eb; vertical-align: top; }
.nd-col-date { white-space: nowrap; font-variant-numeric: tabular-nums; }
.nd-col-id code { font-size: 0.78rem; }
@media (max-width: 600px) {
  .nd-listing thead { display: none; }
  .nd-listing tr { display: grid; grid-template-columns: auto 1fr; column-gap: 8px;
    border-bottom: 1px solid #e5e7eb; padding: 6px 0; }
  .nd-listing td { border: none; padding: 1px 0; }
  .nd-listing .nd-col-title { grid-column: 1 / -1; font-weight: 600; }
  .nd-listing .nd-col-outlet { color: #4b5563; }
  .nd-listing .nd-col-authors, .nd-listing .nd-col-id { display: none; }
  .nd-report thead { display: none; }
  .nd-report tr { display: grid; grid-template-columns: 1fr auto; column-gap: 8px;
    border-bottom: 1px solid #e5e7eb; padding: 6px 0; }
  .nd-report td { border: none; padding: 1px 0; }
  .nd-report .nd-rep-source { font-weight: 600; }
  .nd-report .nd-rep-count { text-align: left; }
  .nd-report .nd-rep-noun { display: inline; }
  .nd-report .nd-rep-detail { grid-column: 1 / -1; color: #4b5563; }
}
"""


def report_rows(report: IngestReport) -> list[list[object]]:
    """One row per uploaded file or URL: what it gave, or why it failed, with the
    records that were skipped or could not be stored."""
    rows: list[list[object]] = []
    for source, outcomes in report.source_outcomes():
        name = source.origin.removeprefix("upload:")
        if source.error:
            # The error names the file; the row already does.
            rows.append([name, "failed", 0, source.error.removeprefix(source.origin + ": ")])
            continue
        counts = Counter(outcome.status for outcome in outcomes)
        notes = [", ".join(f"{n} {status}" for status, n in sorted(counts.items()))]
        notes += [f"{o.doc_id}: {o.reason}" for o in outcomes if o.status == "failed"][:5]
        notes += [f"skipped {problem}" for problem in source.problems[:5]]
        if len(source.problems) > 5:
            notes.append(f"… {len(source.problems) - 5} more skipped")
        rows.append([name, f"ok ({source.format})", len(source.documents), "; ".join(notes)])
    return rows
