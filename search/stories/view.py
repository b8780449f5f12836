"""The archive's stories as records: a story's reports in order with the reason each
belongs, what each adds, a one-line label and the names the reports share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from index.derived.generation import Generation
from index.documents import Document, DocumentSummary
from index.newsindex import NewsIndex
from search.stories.adds import contributions
from search.stories.aliases import without_spelled_out
from search.stories.book import StoryBook, oldest_first
from search.stories.links import calendar_days_apart, gap_words, shared_terms, vector_cosine
from search.types import Filters, RelatedItem, Story

MAX_NAMES = 4


def story_order(documents: Sequence[Document]) -> list[Document]:
    """Oldest first, undated last, ties by doc_id."""
    return sorted(documents, key=oldest_first)


def shared_names(book: StoryBook, doc_ids: Sequence[str]) -> tuple[str, ...]:
    """Specific names in at least two of the reports (one report: its own), the most
    widely shared first, then the rarest."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for doc_id in doc_ids:
        for key, display in book.report(doc_id).profile.names:
            if book.stats.telling_name(key):
                counts[key] += 1
                shown.setdefault(key, display)
    floor = 1 if len(doc_ids) == 1 else 2
    keys = [key for key in counts if counts[key] >= floor]
    keys.sort(key=lambda key: (-counts[key], book.stats.names[key], key))
    return tuple(without_spelled_out([shown[key] for key in keys])[:MAX_NAMES])


def central_title(book: StoryBook, documents: Sequence[Document | DocumentSummary]) -> str:
    """The headline of the report whose names are closest to the whole story's."""
    if len(documents) == 1:
        return documents[0].title
    total: Counter[str] = Counter()
    for document in documents:
        total.update(book.names_vector(document.doc_id))
    best = max(
        documents,
        key=lambda d: (vector_cosine(book.names_vector(d.doc_id), dict(total)), d.doc_id),
    )
    return best.title


def member_reason(
    book: StoryBook,
    number: int,
    document: Document,
    earlier: Sequence[Document],
    later: Sequence[Document],
) -> str:
    """Why report `number` belongs, told against the earlier report it shares most
    with: "Nexperia, Wingtech — 14 days after report 1"; the first report is told
    against the later one it shares most with."""
    others = list(earlier) or list(later)
    if not others:
        return "The only report of this story so far"
    mine = book.names_vector(document.doc_id)
    closest = max(
        others, key=lambda o: (vector_cosine(mine, book.names_vector(o.doc_id)), o.doc_id)
    )
    terms = shared_terms(
        book.report(document.doc_id).profile, book.report(closest.doc_id).profile, book.stats
    )
    what = ", ".join(terms) if terms else "close in content"
    position = 1 + [d.doc_id for d in (*earlier, document, *later)].index(closest.doc_id)
    if not earlier:
        return f"First report; {what} — shared with report {position}"
    gap = calendar_days_apart(document.published, closest.published)
    when = gap_words(gap).replace(" apart", " after") if gap is not None else "after"
    if when == "same day":
        when = "the same day as"
    return f"{what} — {when} report {position}"


def reason_text(terms: Sequence[str], gap: float | None, fallback: str) -> str:
    """The shared names and the time between ("Nexperia, Wingtech — 3 days apart");
    `fallback` stands in for the names when the two share none."""
    when = gap_words(gap)
    what = ", ".join(terms) if terms else fallback
    return f"{what} — {when}" if when else what


def build_story(
    index: NewsIndex, book: StoryBook, generation: Generation, story_id: str, adds: bool = True
) -> Story | None:
    """The story with every report, oldest first; None when the book has no such story."""
    documents = [index.store.get(doc_id) for doc_id in book.members(story_id)]
    documents = story_order([d for d in documents if d is not None])
    if not documents:
        return None
    added = contributions(documents, generation) if adds else [None] * len(documents)
    items = tuple(
        RelatedItem(
            document=document.summary(),
            score=1.0,
            reason=member_reason(book, n + 1, document, documents[:n], documents[n + 1 :]),
            adds=contribution,
        )
        for n, (document, contribution) in enumerate(zip(documents, added, strict=True))
    )
    return Story(
        story_id=story_id,
        label=central_title(book, documents),
        items=items,
        reports=len(items),
        names=shared_names(book, [d.doc_id for d in documents]),
    )


def matching_story_ids(index: NewsIndex, book: StoryBook, filters: Filters, min_reports: int):
    """Stories of at least `min_reports` reports with a report inside the filters,
    newest activity first (ties by story id)."""
    allowed = (
        index.store.filter_doc_ids(filters.since, filters.until, filters.sources)
        if filters.active
        else None
    )
    chosen = []
    for story_id in book.story_ids():
        members = book.members(story_id)
        if len(members) < min_reports:
            continue
        if allowed is not None and not any(m in allowed for m in members):
            continue
        dates = [book.report(m).published for m in members if book.report(m).published]
        chosen.append((max(dates) if dates else None, story_id))
    chosen.sort(key=lambda p: (p[0] is None, -(p[0].timestamp() if p[0] else 0), p[1]))
    return [story_id for _, story_id in chosen]
