"""HTML for the web app, built only from escaped text.

Everything that comes from documents, feeds or users passes through `html.escape`
before it is placed in markup; links are emitted only for http(s) URLs. No markup
from an ingested page ever reaches the browser.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from urllib.parse import urlsplit

from index.text.analyzer import analyze
from search.types import Answer, DocRef, Passage, Story

NOT_READY = "The archive index is still being built. Questions will work as soon as it is ready."


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def safe_link(url: str | None, label: str) -> str:
    """An anchor for http(s) URLs only (no javascript:, data: …), opening safely."""
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return ""
    return (
        f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer nofollow">{esc(label)}</a>'
    )


def reader_date(value: datetime | None) -> str:
    """ "18 May 2020" with the exact UTC time on hover."""
    if value is None:
        return '<span class="nd-muted">undated</span>'
    exact = value.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f'<time datetime="{esc(value.isoformat())}" title="{esc(exact)}">'
        f"{esc(value.strftime('%-d %b %Y'))}</time>"
    )


def mark_terms(text: str, query: str) -> str:
    """Escaped text with the query's terms (by stem) wrapped in <b class="nd-term">."""
    stems = set(analyze(query))
    out, cursor = [], 0
    for match in re.finditer(r"\w+(?:[’']\w+)?", text):
        out.append(esc(text[cursor : match.start()]))
        word = match.group()
        terms = analyze(word)
        out.append(
            f'<b class="nd-term">{esc(word)}</b>' if terms and terms[0] in stems else esc(word)
        )
        cursor = match.end()
    out.append(esc(text[cursor:]))
    return "".join(out)


def _byline(source: str | None, published: datetime | None, authors=()) -> str:
    parts = [f"<span class='nd-outlet'>{esc(source or 'unknown outlet')}</span>"]
    if authors:
        parts.append("by " + esc(", ".join(authors)))
    parts.append(reader_date(published))
    return " · ".join(parts)


def _scores(passage: Passage) -> str:
    s = passage.scores
    bm25 = f"#{s.bm25_rank} ({s.bm25_score:.2f})" if s.bm25_rank else "not retrieved"
    dense = f"#{s.dense_rank} ({s.dense_score:.3f})" if s.dense_rank else "not retrieved"
    return (
        f"<details class='nd-scores'><summary>Why this ranked</summary>"
        f"fused {s.fused:.4f} · BM25 {esc(bm25)} · dense {esc(dense)}</details>"
    )


def passage_card(
    passage: Passage, query: str, cited: list[tuple[int, int, int]], label: str | None = None
) -> str:
    """A passage with its cited spans highlighted: `cited` holds (number, start, end) in
    document offsets, inside this passage. `label` replaces the rank in the heading."""
    text, pieces, cursor = passage.text, [], 0
    for number, start, end in sorted(cited, key=lambda c: c[1]):
        local_start, local_end = start - passage.start, end - passage.start
        if local_start < cursor:
            continue
        pieces.append(mark_terms(text[cursor:local_start], query))
        span = mark_terms(text[local_start:local_end], query)
        pieces.append(
            f"<mark class='nd-cited' id='nd-cite-{number}'>{span}<sup>[{number}]</sup></mark>"
        )
        cursor = local_end
    pieces.append(mark_terms(text[cursor:], query))
    also = ""
    if passage.also_in:
        runs = "; ".join(_byline(ref.source, ref.published) for ref in passage.also_in)
        also = f"<div class='nd-also'>Also ran in: {runs}</div>"
    link = safe_link(passage.url, "Open original ↗")
    return (
        f"<article class='nd-card'>"
        f"<h3>{esc(label or f'{passage.rank}.')} {esc(passage.title)}</h3>"
        f"<div class='nd-byline'>{_byline(passage.source, passage.published, passage.authors)}"
        f"{' · ' + link if link else ''}</div>"
        f"<p class='nd-text'>{''.join(pieces)}</p>{also}{_scores(passage)}</article>"
    )


def _timeframe_html(answer: Answer) -> str:
    if answer.timeframe is None:
        return ""
    return (
        f"<div class='nd-timeframe' id='nd-timeframe'>Dates from the question: "
        f"{esc(answer.timeframe.label)}. Untick “Use dates named in the question” to "
        f"search without them.</div>"
    )


def _sentence_html(sentence) -> str:
    dated = f" <span class='nd-when'>({reader_date(sentence.published)})</span>"
    marker = f"<a class='nd-marker' href='#nd-cite-{sentence.citation}'>[{sentence.citation}]</a>"
    return f"{esc(sentence.text)} {marker}{dated if sentence.published else ''}"


def answer_html(answer: Answer) -> str:
    if not answer.found:
        body = f"<div class='nd-empty'>{esc(answer.message)}</div>"
        if answer.passages:
            body += "<h4>Closest passages (not an answer)</h4>"
    else:
        sentences = " ".join(_sentence_html(s) for s in answer.sentences)
        note = f"<div class='nd-dates'>{esc(answer.dates_note)}</div>" if answer.dates_note else ""
        body = f"<div class='nd-answer'>{sentences}{note}</div>"
    body = _timeframe_html(answer) + body
    cards = []
    for passage in answer.passages:
        cited = [
            (c.number, c.start, c.end)
            for c in answer.citations
            if c.passage.doc_id == passage.doc_id
            and passage.start <= c.start
            and c.end <= passage.end
        ]
        cards.append(passage_card(passage, answer.question, cited))
    extra = [c for c in answer.citations if not any(
        c.passage.doc_id == p.doc_id and p.start <= c.start and c.end <= p.end
        for p in answer.passages)]  # fmt: skip
    for citation in extra:
        cards.append(passage_card(citation.passage, answer.question,
                                  [(citation.number, citation.start, citation.end)],
                                  label=f"Cited [{citation.number}]"))  # fmt: skip
    return f"<div class='nd-results'>{body}{''.join(cards)}</div>"


def message_html(text: str) -> str:
    return f"<div class='nd-empty'>{esc(text)}</div>"


def _ref_line(ref: DocRef) -> str:
    link = safe_link(ref.url, "original ↗")
    return f"{_byline(ref.source, ref.published)} — {esc(ref.title)}{' · ' + link if link else ''}"


def _timeline_item(item) -> str:
    ref = item.document
    link = safe_link(ref.url, "original ↗")
    also = ""
    if item.also_in:
        also = "<div class='nd-also'>Also ran in: "
        also += "; ".join(_ref_line(r) for r in item.also_in) + "</div>"
    return (
        f"<li><div class='nd-when'>{reader_date(ref.published)}</div>"
        f"<div><strong>{esc(ref.title)}</strong> — "
        f"<span class='nd-outlet'>{esc(ref.source or 'unknown outlet')}</span>"
        f"{' · ' + link if link else ''}"
        f"<div class='nd-reason'>{esc(item.reason)}</div>{also}</div></li>"
    )


def stories_html(stories: list[Story]) -> str:
    """Related coverage as one timeline per story, oldest report first."""
    if not stories:
        return message_html("No related coverage found in the archive.")
    blocks = []
    for number, story in enumerate(stories, start=1):
        items = "".join(_timeline_item(item) for item in story.items)
        outlets = ", ".join(sorted({i.document.source or "unknown outlet" for i in story.items}))
        blocks.append(
            f"<section class='nd-story'><h3>Story {number}: {esc(story.label)}</h3>"
            f"<div class='nd-muted'>{len(story.items)} reports · {esc(outlets)}</div>"
            f"<ol class='nd-timeline'>{items}</ol></section>"
        )
    return "".join(blocks)


CSS = """
.nd-answer { font-size: 1.05rem; line-height: 1.55; padding: 12px 14px;
  border-left: 4px solid #2563eb; background: #f8fafc; border-radius: 6px; margin-bottom: 14px; }
.nd-marker { font-weight: 600; text-decoration: none; color: #2563eb; }
.nd-card { border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 14px; margin: 10px 0; }
.nd-card h3 { margin: 0 0 4px 0; font-size: 1.02rem; }
.nd-byline, .nd-muted, .nd-reason, .nd-also { color: #4b5563; font-size: 0.88rem; }
.nd-outlet { font-weight: 600; color: #111827; }
.nd-text { line-height: 1.5; margin: 8px 0; white-space: pre-wrap; }
.nd-cited { background: #fde68a; padding: 1px 2px; border-radius: 3px; }
.nd-term { font-weight: 700; }
.nd-empty { padding: 14px; background: #fef3c7; border-radius: 6px; }
.nd-timeframe { padding: 8px 12px; margin-bottom: 8px; background: #e0f2fe; border-radius: 6px; }
.nd-dates { margin-top: 6px; font-size: 0.9rem; color: #475569; }
.nd-timeline { list-style: none; padding-left: 0; border-left: 3px solid #cbd5e1;
  margin-left: 8px; }
.nd-timeline li { display: flex; gap: 14px; padding: 6px 0 6px 12px; }
.nd-when { min-width: 92px; color: #374151; font-variant-numeric: tabular-nums; }
.nd-story { margin-bottom: 18px; }
"""
