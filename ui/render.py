"""Rendering answers, passages and related coverage for people and as JSON."""

from __future__ import annotations

import textwrap
from datetime import datetime

from search.types import Answer, DocRef, Passage, Story


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def doc_ref_json(ref: DocRef) -> dict[str, object]:
    return {
        "doc_id": ref.doc_id,
        "title": ref.title,
        "source": ref.source,
        "authors": list(ref.authors),
        "credits": list(ref.credits),
        "published": _date(ref.published),
        "url": ref.url,
    }


def passage_json(passage: Passage) -> dict[str, object]:
    scores = passage.scores
    return {
        "rank": passage.rank,
        "chunk_id": passage.chunk_id,
        "doc_id": passage.doc_id,
        "title": passage.title,
        "source": passage.source,
        "authors": list(passage.authors),
        "credits": list(passage.document.credits),
        "published": _date(passage.published),
        "url": passage.url,
        "text": passage.text,
        "start": passage.start,
        "end": passage.end,
        "scores": {
            "fused": scores.fused,
            "bm25_rank": scores.bm25_rank,
            "bm25_score": scores.bm25_score,
            "dense_rank": scores.dense_rank,
            "dense_score": scores.dense_score,
        },
        "also_in": [doc_ref_json(ref) for ref in passage.also_in],
        "more_chunks": list(passage.more_chunks),
    }


def timeframe_json(answer: Answer) -> dict[str, object] | None:
    frame = answer.timeframe
    if frame is None:
        return None
    return {
        "since": _date(frame.since),
        "until": _date(frame.until),
        "latest": frame.latest,
        "phrase": frame.phrase,
        "label": frame.label,
    }


def answer_json(answer: Answer) -> dict[str, object]:
    return {
        "question": answer.question,
        "found": answer.found,
        "message": answer.message,
        "timeframe": timeframe_json(answer),
        "dates_note": answer.dates_note,
        "answer": [
            {
                "text": s.text,
                "citation": s.citation,
                "published": _date(s.published),
                "source": s.source,
                "phrase": _phrase_json(s.phrase),
            }
            for s in answer.sentences
        ],
        "citations": [
            {
                "number": c.number,
                "chunk_id": c.passage.chunk_id,
                "doc_id": c.passage.doc_id,
                "title": c.passage.title,
                "source": c.passage.source,
                "authors": list(c.passage.authors),
                "published": _date(c.passage.published),
                "url": c.passage.url,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "phrase": _phrase_json(c.phrase),
                "score": c.score,
            }
            for c in answer.citations
        ],
        "passages": [passage_json(p) for p in answer.passages],
    }


def _phrase_json(phrase) -> dict[str, object] | None:
    """The answer phrase with its document offsets, or None."""
    if phrase is None:
        return None
    return {"text": phrase.text, "start": phrase.start, "end": phrase.end}


def stories_json(stories: list[Story]) -> list[dict[str, object]]:
    """Stories as `related --json` and `stories --json` print them (one shape)."""
    return [
        {
            "story_id": story.story_id,
            "story": story.label,
            "names": list(story.names),
            "reports": story.reports,
            "first": _date(story.first),
            "last": _date(story.last),
            "outlets": list(story.outlets),
            "items": [
                {
                    **doc_ref_json(item.document),
                    "score": item.score,
                    "reason": item.reason,
                    "adds": None
                    if item.adds is None
                    else {
                        "text": item.adds.text,
                        "start": item.adds.start,
                        "end": item.adds.end,
                    },
                    "also_in": [doc_ref_json(ref) for ref in item.also_in],
                }
                for item in story.items
            ],
        }
        for story in stories
    ]


def _byline(source: str | None, published: datetime | None, authors=(), credits=()) -> str:
    parts = [source or "outlet not stated"]
    if credits:
        parts[0] += f" (via {', '.join(credits)})"
    if published:
        parts.append(published.strftime("%d %b %Y"))
    if authors:
        parts.append("by " + ", ".join(authors))
    return ", ".join(parts)


def answer_lines(answer: Answer, bold: bool = False, why_ranked: bool = False) -> list[str]:
    """The answer as the CLI prints it; `bold`: the answer phrase in ANSI bold (for a
    terminal)."""
    lines = []
    if answer.timeframe is not None:
        lines += [
            f"Dates from the question: {answer.timeframe.label}.",
            "  (ask with --ignore-question-dates to search without them)",
            "",
        ]
    if answer.found:
        for s in answer.sentences:
            dated = f" ({s.published:%d %b %Y})" if s.published else ""
            before, phrase, after = s.parts()
            marked = f"{before}\033[1m{phrase}\033[0m{after}" if bold and phrase else s.text
            lines += textwrap.wrap(f"{marked} [{s.citation}]{dated}", 96)
        lines += [answer.dates_note] if answer.dates_note else []
        lines += ["", "Sources"]
        for c in answer.citations:
            p = c.passage
            byline = _byline(p.source, p.published, p.authors, p.document.credits)
            lines.append(f"  [{c.number}] {p.title} — {byline}")
            lines.append(f"      {p.url or f'no link; document {p.doc_id}'}")
    else:
        lines.append(answer.message)
        if answer.passages:
            lines += ["", "Closest passages (not an answer)"]
    lines += ["", "Passages"] if answer.found else []
    for p in answer.passages:
        s = p.scores
        why = [f"fused {s.fused:.4f}"]
        if s.bm25_rank:
            why.append(f"bm25 #{s.bm25_rank} {s.bm25_score:.2f}")
        if s.dense_rank:
            why.append(f"dense #{s.dense_rank} {s.dense_score:.3f}")
        detail = f"  ({', '.join(why)})" if why_ranked else ""
        byline = _byline(p.source, p.published, credits=p.document.credits)
        lines.append(f"  {p.rank}. {p.title} — {byline}{detail}")
        snippet = " ".join(p.text.split())
        lines.append("     " + (snippet[:220] + "…" if len(snippet) > 220 else snippet))
        if p.also_in:
            lines.append(
                "     also in: " + "; ".join(_byline(r.source, r.published) for r in p.also_in)
            )
    return lines


def _adds_lines(adds) -> list[str]:
    text = " ".join(adds.text.split())
    cited = f"adds: “{text}”"
    return textwrap.wrap(cited, 96, initial_indent=" " * 14, subsequent_indent=" " * 16)


def _span(story: Story) -> str:
    first, last = story.first, story.last
    if first is None:
        return "date not stated"
    if first.date() == last.date():
        return f"{first:%d %b %Y}"
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


def reports_shown(story: Story) -> str:
    """ "1 report", "3 reports", "3 of 7 reports" (the story's reports beyond those shown)."""
    shown = len(story.items)
    noun = "report" if story.reports == 1 else "reports"
    return f"{shown} of {story.reports} {noun}" if story.reports > shown else f"{shown} {noun}"


def story_lines(
    stories: list[Story], empty: str = "Nothing closely related in the archive."
) -> list[str]:
    """Each story as a timeline: label, span, outlets; then each report with its date,
    outlet, headline, reason and what it adds."""
    if not stories:
        return [empty]
    lines = []
    for number, story in enumerate(stories, start=1):
        lines.append(f"Story {number}: {story.label}")
        lines.append(
            f"  {_span(story)} · {reports_shown(story)} · {', '.join(story.outlets)}"
            + (f" · {', '.join(story.names)}" if story.names else "")
            + f"  [{story.story_id}]"
        )
        for item in story.items:
            ref = item.document
            date = ref.published.strftime("%Y-%m-%d") if ref.published else "no date   "
            lines.append(f"  {date}  {ref.source or 'outlet not stated'}: {ref.title}")
            lines.append(f"              {item.reason}  [{ref.doc_id}]")
            if item.adds is not None:
                lines += _adds_lines(item.adds)
        lines.append("")
    return lines[:-1]
