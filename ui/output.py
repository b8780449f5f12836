"""Rendering documents and ingest reports for people (text) and scripts (JSON)."""

from __future__ import annotations

from index.batch import IngestReport
from index.documents import Document
from index.ingest.pipeline import SourceResult


def document_json(document: Document, include_text: bool = True) -> dict[str, object]:
    provenance = document.provenance
    record: dict[str, object] = {
        "doc_id": document.doc_id,
        "title": document.title,
        "title_derived": document.title_derived,
        "url": document.url,
        "source": document.source,
        "authors": list(document.authors),
        "credits": list(document.credits),
        "published": document.published.isoformat() if document.published else None,
        "language": document.language,
        "external_id": document.external_id,
        "provenance": {
            "origin": provenance.origin,
            "format": provenance.format,
            "index": provenance.index,
            "line": provenance.line,
        },
        "chars": len(document.text),
    }
    if include_text:
        record["text"] = document.text
    return record


def source_json(source: SourceResult) -> dict[str, object]:
    return {
        "origin": source.origin,
        "format": source.format,
        "error": source.error,
        "problems": list(source.problems),
        "documents": [document_json(document) for document in source.documents],
    }


def report_json(report: IngestReport) -> dict[str, object]:
    return {
        "sources": [source_json(source) for source in report.sources],
        "stored": [
            {
                "doc_id": outcome.doc_id,
                "status": outcome.status,
                "duplicate_of": outcome.duplicate_of,
                "reason": outcome.reason,
                "near_duplicates": [
                    {"doc_id": other, "similarity": score}
                    for other, score in outcome.near_duplicates
                ],
            }
            for outcome in report.outcomes
        ],
        "documents": sum(len(source.documents) for source in report.sources),
        "failed": len(report.failed),
    }


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def document_line(document: Document) -> str:
    date = document.published.strftime("%Y-%m-%d") if document.published else "----------"
    title = document.title + (" [title derived]" if document.title_derived else "")
    by = f" — {', '.join(document.authors)}" if document.authors else ""
    via = f" (via {', '.join(document.credits)})" if document.credits else ""
    outlet = document.source or "(outlet not stated)"
    return f"  {document.doc_id}  {date}  {outlet}  {title}{by}{via}"


def _outcome_note(outcome) -> str:
    if outcome is None or outcome.status in ("added", "unchanged"):
        return ""
    if outcome.status == "failed":
        return f"  [failed: {outcome.reason}]"
    if outcome.status == "separate":
        return f"  [kept as {outcome.doc_id}: its URL belongs to {outcome.duplicate_of}]"
    if outcome.status == "duplicate":
        return f"  [duplicate of {outcome.duplicate_of}]"
    return f"  [{outcome.status}]"


def report_lines(report: IngestReport) -> list[str]:
    lines = []
    for source, outcomes in report.source_outcomes():
        if source.error:
            lines.append(f"error: {source.error}")
            continue
        count = len(source.documents)
        lines.append(f"{source.origin}  [{source.format}]  {count} document{'s' * (count != 1)}")
        for position, document in enumerate(source.documents):
            outcome = outcomes[position] if outcomes else None
            lines.append(document_line(document) + _outcome_note(outcome))
        lines.extend(f"  skipped: {problem}" for problem in source.problems)
    total = sum(len(source.documents) for source in report.sources)
    lines.append(
        f"{plural(total, 'document')} from {plural(len(report.sources), 'source')}, "
        f"{len(report.failed)} failed"
    )
    if report.outcomes:
        counts: dict[str, int] = {}
        for outcome in report.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        near = sum(1 for outcome in report.outcomes if outcome.near_duplicates)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        lines.append(f"stored: {summary}; {near} with near-duplicates")
    return lines
