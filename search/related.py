"""Related coverage: the other reports of a document's story, and of the stories closest
to it, each report with why it is related and what it adds.

Candidates are the documents nearest to the subject by vector, fused by RRF with a
BM25 search on its headline and lead, plus the other reports of its own story. Each
is scored by the story link (search/stories/links.py): what the two say, the rare
names they share, how far apart they ran. A candidate outside the subject's story is
kept only when the link reaches `related_floor` and the two share at least one
specific name or phrase, so that a reason is never a common word, or their texts are
as alike as paraphrases (`alike_cosine`; the reason then says so); when none is left
the answer is an empty list ("nothing closely related"). Results are grouped by the
archive's stories (search/stories/book.py), the subject's own story first.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.errors import NotFound
from index.newsindex import NewsIndex
from search.rrf import rrf_fuse
from search.stories.adds import contributions
from search.stories.book import Report, StoryBook
from search.stories.links import (
    calendar_days_apart,
    content_link,
    days_apart,
    shared_terms,
    time_factor,
    vector_cosine,
)
from search.stories.profile import profile
from search.stories.view import central_title, reason_text, shared_names, story_order
from search.types import RelatedItem, Story


@dataclass(frozen=True)
class RelatedConfig:
    k: int = 10
    depth: int = 50


PICKED = "the report you picked"


ALIKE = "says much the same"


@dataclass(frozen=True)
class _Candidate:
    doc_id: str
    link: float
    terms: tuple[str, ...]
    fallback: str = "same story"


class RelatedFinder:
    def __init__(
        self, index: NewsIndex, book: StoryBook, config: RelatedConfig | None = None
    ) -> None:
        self.index = index
        self.book = book
        self.config = config or RelatedConfig()

    def for_document(self, doc_id: str, k: int | None = None) -> list[Story]:
        subject = self.index.document(doc_id)
        if subject is None:
            raise NotFound(f"no stored document with id {doc_id}")
        generation = self.index.snapshot()
        self.book.refresh(generation)
        report = self.book.report(doc_id)
        if report is None:  # stored after the served generation was built
            report = Report(
                doc_id, "", subject.published, profile(doc_id, subject.title, subject.text)
            )
        excluded = {doc_id} | {other for other, _ in self.index.store.near_duplicates(doc_id)}
        dense = [d for d, _ in generation.document_neighbours(doc_id, self.config.depth)]
        own = [m for m in self.book.members(report.story_id) if m not in excluded]
        pool = self._pool(generation, subject.title + "\n" + subject.text, dense, own, excluded)
        cosines = generation.document_similarities(doc_id, pool)
        return self._stories(generation, report, pool, cosines, set(own), k)

    def for_text(self, text: str, k: int | None = None) -> list[Story]:
        generation = self.index.snapshot()
        self.book.refresh(generation)
        report = Report("", "", None, profile("", "", text))
        dense = [d for d, _ in generation.text_neighbours(text, self.config.depth)]
        pool = self._pool(generation, text, dense, [], set())
        cosines = generation.text_similarities(text, pool)
        return self._stories(generation, report, pool, cosines, set(), k)

    def _pool(self, generation, text: str, dense, own, excluded: set[str]) -> list[str]:
        lead = " ".join(text.split()[:120])
        lexical: list[str] = []
        for hit in generation.bm25_ranking(lead, self.config.depth * 4):
            if hit.doc_id not in lexical:
                lexical.append(hit.doc_id)
        fused = rrf_fuse([dense, lexical[: self.config.depth]])
        ranked = sorted(fused, key=lambda d: (-fused[d], d))[: self.config.depth]
        pool = [d for d in ranked if d not in excluded]
        return pool + [m for m in own if m not in pool]

    def _stories(self, generation, report: Report, pool, cosines, own: set[str], k) -> list[Story]:
        mine = self.book.stats.vector(report.profile)
        found: list[_Candidate] = []
        for doc_id in pool:
            other = self.book.report(doc_id)
            if other is None or doc_id not in cosines:
                continue  # removed, or not yet in the served generation
            names = vector_cosine(mine, self.book.names_vector(doc_id))
            link = content_link(cosines[doc_id], names, self.book.config)
            if report.doc_id:
                link *= time_factor(days_apart(report.published, other.published), self.book.config)
            terms = tuple(shared_terms(report.profile, other.profile, self.book.stats))
            alike = cosines[doc_id] >= self.book.config.alike_cosine
            if doc_id in own or (link >= self.book.config.related_floor and (terms or alike)):
                found.append(
                    _Candidate(doc_id, link, terms, "same story" if doc_id in own else ALIKE)
                )
        found.sort(key=lambda c: (c.doc_id not in own, -c.link, c.doc_id))
        chosen = found[: k or self.config.k]
        if any(c.doc_id in own for c in chosen) and self.book.report(report.doc_id):
            # The subject stands in its own story's timeline, marked as the one picked.
            chosen.append(_Candidate(report.doc_id, 1.0, ()))
        return self._group(generation, report, chosen)

    def _group(self, generation, report: Report, chosen: list[_Candidate]) -> list[Story]:
        groups: dict[str, list[_Candidate]] = {}
        for candidate in chosen:
            groups.setdefault(self.book.report(candidate.doc_id).story_id, []).append(candidate)
        return [
            story
            for story_id, members in groups.items()
            if (story := self._story(generation, report, story_id, members)) is not None
        ]

    def _story(self, generation, report: Report, story_id: str, members) -> Story | None:
        store = self.index.store
        documents = story_order([d for m in members if (d := store.get(m.doc_id)) is not None])
        if not documents:
            return None
        by_id = {m.doc_id: m for m in members}
        added = contributions(documents, generation)
        items = []
        for document, contribution in zip(documents, added, strict=True):
            candidate = by_id[document.doc_id]
            gap = calendar_days_apart(report.published, document.published)
            others = (store.get(o) for o, _ in store.near_duplicates(document.doc_id))
            items.append(
                RelatedItem(
                    document=document.summary(),
                    score=round(candidate.link, 4),
                    reason=(
                        PICKED
                        if document.doc_id == report.doc_id
                        else reason_text(candidate.terms, gap, candidate.fallback)
                    ),
                    also_in=tuple(o.summary() for o in others if o is not None),
                    adds=contribution,
                )
            )
        members_all = self.book.members(story_id)
        whole = store.summaries(members_all)  # one read, no texts: the label needs titles
        return Story(
            story_id=story_id,
            label=central_title(self.book, whole or documents),
            items=tuple(items),
            reports=len(members_all),
            names=shared_names(self.book, members_all),
        )
