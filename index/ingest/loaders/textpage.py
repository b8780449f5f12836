"""Plain-text pages: one article, or many articles split at bylines or source lines.

Three layouts are recognised, in this order:
- byline pages (a section page): every line like `By <authors> / <date> / <section>`
  starts an article; the headline, if any, is the headline-shaped line just above it.
- briefing pages: briefs end at a `Source: <outlet>, <date>` line or a
  "Continue reading" link; each brief is a headline followed by paragraphs. A brief
  is the page publisher's (as the page names itself: "Related postings on
  Chinascope"), crediting the source line's outlet ("via Reuters").
- a single article: the headline-shaped line before the first paragraph (above a
  dateless "By <authors>" line, if there is one), then prose.
Everything before the first paragraph of an article that is not its headline is site
chrome (menus, trending lists); residue lines (share buttons, captions) are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from index.documents import Document, Provenance
from index.errors import IngestError
from index.ingest.loaders.common import RecordError, build_document
from index.ingest.loaders.lines import (
    TERMINATOR,
    drop_repeated_captions,
    is_headline,
    is_prose,
    is_residue,
    page_publisher,
    parse_author_line,
    parse_byline,
    parse_source_line,
    site_name,
    words,
)

Line = tuple[int, str]  # (1-based line number, stripped text)


@dataclass(frozen=True)
class _Article:
    headline: str | None
    paragraphs: tuple[str, ...]
    first_line: int
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    source: str | None = None
    via: str | None = None  # the outlet a brief summarises ("Source: Reuters, …")


def load_text_page(text: str, origin: str, problems: list[str] | None = None) -> list[Document]:
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise IngestError(origin, "empty file")
    site = site_name(lines[0][1])
    if any(parse_byline(line) for _, line in lines):
        articles = _split_at_bylines(lines)
    else:
        articles = _split_at_terminators(lines, page_publisher([line for _, line in lines]))
    if not articles:
        note = _short_note(lines)
        articles = [note] if note else []
    if not articles:
        raise IngestError(origin, "no article text found (no paragraph of running text)")
    if site and any(article.headline == lines[0][1] for article in articles):
        site = None
    documents = []
    for index, article in enumerate(articles):
        try:
            documents.append(_article_document(article, origin, index, site))
        except RecordError as error:
            if problems is not None:
                problems.append(f"article at line {article.first_line}: {error}")
    if not documents:
        raise IngestError(origin, f"no usable article ({problems[0] if problems else 'empty'})")
    return documents


def _article_document(article: _Article, origin: str, index: int, site: str | None) -> Document:
    return build_document(
        text="\n\n".join(article.paragraphs),
        title=article.headline,
        source=article.source or site,
        authors=article.authors + ((f"via {article.via}",) if article.via else ()),
        published=article.published,
        provenance=Provenance(origin, "text", index, article.first_line),
    )


def _body(lines: list[Line]) -> tuple[int, list[str]] | None:
    """Paragraphs from the first to the last prose line, residue removed; with the index
    of the first prose line in `lines`. None when there is no prose at all."""
    cleaned = drop_repeated_captions([(n, line) for n, line in lines if not is_residue(line)])
    prose_at = [i for i, (_, line) in enumerate(cleaned) if is_prose(line)]
    if not prose_at:
        return None
    first, last = prose_at[0], prose_at[-1]
    start_in_lines = next(i for i, (n, _) in enumerate(lines) if n == cleaned[first][0])
    return start_in_lines, [line for _, line in cleaned[first : last + 1]]


def _headline_before(lines: list[Line], stop: int) -> Line | None:
    """The nearest headline-shaped line before position `stop`, skipping residue."""
    for number, line in reversed(lines[:stop]):
        if is_residue(line):
            continue
        return (number, line) if is_headline(line) else None
    return None


def _split_at_bylines(lines: list[Line]) -> list[_Article]:
    starts = [i for i, (_, line) in enumerate(lines) if parse_byline(line)]
    headline_at: dict[int, Line | None] = {}
    for i in starts:
        above = lines[i - 1] if i > 0 else None
        headline_at[i] = above if above and is_headline(above[1]) else None
    articles = []
    for position, i in enumerate(starts):
        end = len(lines)
        if position + 1 < len(starts):
            following = starts[position + 1]
            end = following - 1 if headline_at[following] else following
        byline = parse_byline(lines[i][1])
        body = _body(lines[i + 1 : end])
        if byline is None or body is None:
            continue
        headline = headline_at[i]
        articles.append(
            _Article(
                headline=headline[1] if headline else None,
                paragraphs=tuple(body[1]),
                first_line=headline[0] if headline else lines[i][0],
                authors=byline.authors,
                published=byline.published,
            )
        )
    return articles


def _split_at_terminators(lines: list[Line], publisher: str | None) -> list[_Article]:
    """Briefs ending at a source line are the page publisher's summaries of another
    outlet's report: the publisher (named by the page itself, else unknown) is their
    outlet, and the source line's outlet is credited ("via Reuters"), never taken for
    the outlet."""
    articles = []
    segment: list[Line] = []
    for number, line in lines:
        source = parse_source_line(line)
        if source or TERMINATOR.match(line):
            article = _segment_article(segment)
            if article and source:
                article = _Article(
                    article.headline,
                    article.paragraphs,
                    article.first_line,
                    published=source.published,
                    source=publisher,
                    via=source.outlet,
                )
            if article:
                articles.append(article)
            segment = []
        else:
            segment.append((number, line))
    tail = _segment_article(segment)
    if tail:
        articles.append(tail)
    return [replace(article, source=article.source or publisher) for article in articles]


def _segment_article(segment: list[Line]) -> _Article | None:
    body = _body(segment)
    if body is None:
        return None
    first_prose, paragraphs = body
    authors, stop = (), first_prose
    author_at = _author_line_before(segment, first_prose)
    if author_at is not None:
        authors, stop = parse_author_line(segment[author_at][1]), author_at
    headline = _headline_before(segment, stop)
    first_line = headline[0] if headline else segment[first_prose][0]
    return _Article(
        headline[1] if headline else None, tuple(paragraphs), first_line, authors=authors
    )


def _author_line_before(lines: list[Line], stop: int) -> int | None:
    """The position of a dateless byline just above position `stop` (residue skipped),
    so that it is read as the authors and not taken for the headline."""
    for position in range(stop - 1, -1, -1):
        if is_residue(lines[position][1]):
            continue
        return position if parse_author_line(lines[position][1]) else None
    return None


def _short_note(segment: list[Line]) -> _Article | None:
    """A whole file with no sentence-length paragraph (a short note) is kept when it
    has some substance, rather than rejected."""
    kept = [(n, line) for n, line in segment if not is_residue(line)]
    if sum(words(line) for _, line in kept) < 12 or len(kept) > 8:
        return None
    return _Article(None, tuple(line for _, line in kept), kept[0][0])
