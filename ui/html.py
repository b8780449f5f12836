"""HTML for the web app, built only from escaped text.

Everything that comes from documents, feeds or users passes through `html.escape`
before it is placed in markup; links are emitted only for http(s) URLs. No markup
from an ingested page ever reaches the browser.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from search.desk import Newsdesk
from search.types import Answer, Citation, DocRef, Passage

SNIPPET_CHARS = 220
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
        return '<span class="nd-muted">date not stated</span>'
    exact = value.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f'<time datetime="{esc(value.isoformat())}" title="{esc(exact)}">'
        f"{esc(value.strftime('%-d %b %Y'))}</time>"
    )


def mark_terms(text: str, query: str) -> str:
    """Escaped text with the query's terms (by stem) wrapped in <b class="nd-term">."""
    out, cursor = [], 0
    for start, end in Newsdesk.matching_words(text, query):
        out.append(esc(text[cursor:start]))
        out.append(f'<b class="nd-term">{esc(text[start:end])}</b>')
        cursor = end
    out.append(esc(text[cursor:]))
    return "".join(out)


def _byline(source: str | None, published: datetime | None, authors=(), credits=()) -> str:
    # A page that names no outlet (a republished copy) is shown as such, muted, not as
    # an error.
    outlet = (
        f"<span class='nd-outlet'>{esc(source)}</span>"
        if source
        else "<span class='nd-muted'>outlet not stated</span>"
    )
    parts = [outlet]
    if authors:
        parts.append("by " + esc(", ".join(authors)))
    if credits:
        parts.append("via " + esc(", ".join(credits)))
    parts.append(reader_date(published))
    return " · ".join(parts)


def byline_html(ref: DocRef) -> str:
    """Outlet · by authors · via agencies · date."""
    return _byline(ref.source, ref.published, ref.authors, ref.credits)


def _scores(passage: Passage) -> str:
    s = passage.scores
    bm25 = f"#{s.bm25_rank} ({s.bm25_score:.2f})" if s.bm25_rank else "not retrieved"
    dense = f"#{s.dense_rank} ({s.dense_score:.3f})" if s.dense_rank else "not retrieved"
    return (
        f"<details class='nd-scores'><summary>Why this ranked</summary>"
        f"fused {s.fused:.4f} · BM25 {esc(bm25)} · dense {esc(dense)}</details>"
    )


def _marked_text(text: str, offset: int, query: str, cited) -> str:
    """`text` (starting at document offset `offset`) with the query's terms in bold and
    each cited span (number, start, end) marked."""
    pieces, cursor = [], 0
    for number, start, end in sorted(cited, key=lambda c: c[1]):
        local_start, local_end = start - offset, end - offset
        if local_start < cursor:
            continue
        pieces.append(mark_terms(text[cursor:local_start], query))
        span = mark_terms(text[local_start:local_end], query)
        pieces.append(
            f"<mark class='nd-cited nd-cite-{int(number)}'>{span}<sup>[{int(number)}]</sup></mark>"
        )
        cursor = local_end
    pieces.append(mark_terms(text[cursor:], query))
    return "".join(pieces)


def passage_card(
    passage: Passage,
    query: str,
    cited: list[tuple[int, int, int]],
    label: str | None = None,
    elsewhere: Sequence[Citation] = (),
) -> str:
    """A passage with its cited spans marked: `cited` holds (number, start, end) in
    document offsets, inside this passage; `elsewhere` are citations of the same
    article from another of its passages, shown in this card rather than as a card of
    their own. A citation's anchor sits at the top of its card, so following [n] brings
    the headline into view with the sentence below it; an uncited passage is folded to
    its first lines."""
    numbers = sorted({c[0] for c in cited} | {c.number for c in elsewhere})
    anchors = "".join(f"<span class='nd-anchor' id='nd-cite-{n}'></span>" for n in numbers)
    badge = "".join(f"<span class='nd-badge'>cited [{n}]</span>" for n in numbers)
    body = _marked_text(passage.text, passage.start, query, cited)
    if numbers:
        text = f"<p class='nd-text'>{body}</p>"
    else:
        snippet = esc(" ".join(passage.text.split())[:SNIPPET_CHARS])
        text = (
            f"<details class='nd-passage'><summary class='nd-text'>{snippet}…</summary>"
            f"<p class='nd-text'>{body}</p></details>"
        )
    for citation in elsewhere:
        marked = _marked_text(
            citation.text, citation.start, query, [(citation.number, citation.start, citation.end)]
        )
        text += f"<p class='nd-text nd-elsewhere'>Elsewhere in this article: {marked}</p>"
    also = ""
    if passage.also_in:
        runs = "; ".join(_byline(ref.source, ref.published) for ref in passage.also_in)
        also = f"<div class='nd-also'>Also ran in: {runs}</div>"
    link = safe_link(passage.url, "Open original ↗")
    return (
        f"<article class='nd-card{' nd-card-cited' if numbers else ''}'>{anchors}"
        f"<h3>{esc(label or f'{passage.rank}.')} {esc(passage.title)} {badge}</h3>"
        f"<div class='nd-byline'>{byline_html(passage.document)}"
        f"{' · ' + link if link else ''}</div>"
        f"{text}{also}{_scores(passage)}</article>"
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
    before, phrase, after = sentence.parts()
    text = esc(before) + (f"<strong class='nd-phrase'>{esc(phrase)}</strong>" if phrase else "")
    return f"{text}{esc(after)} {marker}{dated if sentence.published else ''}"


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
    return f"<div class='nd-results'>{body}{''.join(_cards(answer))}</div>"


def _inside(citation: Citation, passage: Passage) -> bool:
    return (
        citation.passage.doc_id == passage.doc_id
        and passage.start <= citation.start
        and citation.end <= passage.end
    )


def _cards(answer: Answer) -> list[str]:
    """The ranked passages, each with the citations it holds and those of its article
    from other passages; a cited article outside the ranked list gets a card of its
    own, after them."""
    placed: set[int] = set()
    cards = []
    for passage in answer.passages:
        cited = [(c.number, c.start, c.end) for c in answer.citations if _inside(c, passage)]
        placed |= {number for number, _, _ in cited}
        cards.append((passage, cited))
    rendered = []
    for passage, cited in cards:
        elsewhere = [
            c
            for c in answer.citations
            if c.number not in placed and c.passage.doc_id == passage.doc_id
        ]
        placed |= {c.number for c in elsewhere}
        rendered.append(passage_card(passage, answer.question, cited, elsewhere=elsewhere))
    for citation in answer.citations:
        if citation.number not in placed:
            placed.add(citation.number)
            rendered.append(
                passage_card(
                    citation.passage,
                    answer.question,
                    [(citation.number, citation.start, citation.end)],
                    label=f"Cited [{citation.number}]",
                )
            )
    return rendered


def message_html(text: str) -> str:
    return f"<div class='nd-empty'>{esc(text)}</div>"


_FOLLOWED = "\n".join(
    f"#nd-cite-{n}:target ~ .nd-text .nd-cite-{n} {{ outline: 3px solid #2563eb; }}"
    for n in range(1, 31)
)

CSS = (
    """
.nd-answer { font-size: 1.05rem; line-height: 1.55; padding: 12px 14px;
  border-left: 4px solid #2563eb; background: #f8fafc; border-radius: 6px; margin-bottom: 14px; }
.nd-marker { font-weight: 600; text-decoration: none; color: #2563eb; }
.nd-card { border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 14px; margin: 10px 0; }
.nd-card-cited { border-color: #f59e0b; }
.nd-anchor { display: block; scroll-margin-top: 12px; }
.nd-badge { font-size: 0.78rem; font-weight: 600; color: #92400e; background: #fef3c7;
  border-radius: 4px; padding: 1px 6px; margin-left: 4px; white-space: nowrap; }
.nd-card h3 { margin: 0 0 4px 0; font-size: 1.02rem; }
.nd-byline, .nd-muted, .nd-reason, .nd-also { color: #4b5563; font-size: 0.88rem; }
.nd-outlet { font-weight: 600; color: #111827; }
.nd-text { line-height: 1.5; margin: 8px 0; white-space: pre-wrap; }
.nd-passage > summary { cursor: pointer; white-space: normal; color: #374151; }
.nd-passage[open] > summary { display: none; }
.nd-elsewhere { border-top: 1px dashed #e5e7eb; padding-top: 6px; }
.nd-cited { background: #fde68a; padding: 1px 2px; border-radius: 3px; }
.nd-term { font-weight: 700; }
.nd-empty { padding: 14px; background: #fef3c7; border-radius: 6px; }
.nd-timeframe { padding: 8px 12px; margin-bottom: 8px; background: #e0f2fe; border-radius: 6px; }
.nd-dates { margin-top: 6px; font-size: 0.9rem; color: #475569; }
"""
    + _FOLLOWED
)
