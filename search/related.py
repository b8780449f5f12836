"""Related coverage: other reports of the same story, grouped by story, as a timeline.

Candidates are the documents nearest to the subject's mean chunk vector, fused by RRF
with a BM25 search on its headline and lead; the subject and its near-duplicates are
left out. Results are grouped greedily into stories (documents whose own vectors are
close), each ordered oldest first, and each item says why it is related: the names
and terms it shares with the subject.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from index.derived.generation import Generation
from index.documents import Document
from index.errors import NotFound
from index.newsindex import NewsIndex
from index.text.analyzer import STOP_WORDS
from search.rrf import rrf_fuse
from search.types import RelatedItem, Story

_NAME = re.compile(r"\b(?:[A-Z][\w’'&.-]*[\w]|[A-Z])(?:\s+(?:of\s+|de\s+)?[A-Z][\w’'&.-]*[\w])*")
_WORD = re.compile(r"[A-Za-z][A-Za-z-]{3,}")


@dataclass(frozen=True)
class RelatedConfig:
    """`min_similarity`: a candidate's best chunk cosine to the subject must reach it;
    `story_similarity`: two results whose documents are this close share a story."""

    k: int = 10
    depth: int = 50
    min_similarity: float = 0.35
    story_similarity: float = 0.75


class RelatedFinder:
    def __init__(self, index: NewsIndex, config: RelatedConfig | None = None) -> None:
        self.index = index
        self.config = config or RelatedConfig()

    def for_document(self, doc_id: str, k: int | None = None) -> list[Story]:
        subject = self.index.document(doc_id)
        if subject is None:
            raise NotFound(f"no stored document with id {doc_id}")
        excluded = {doc_id} | {other for other, _ in self.index.store.near_duplicates(doc_id)}
        generation = self.index.snapshot()
        dense = generation.document_neighbours(doc_id, self.config.depth)
        text = subject.title + "\n" + subject.text
        return self._stories(generation, text, dense, excluded, k)

    def for_text(self, text: str, k: int | None = None) -> list[Story]:
        generation = self.index.snapshot()
        dense = generation.text_neighbours(text, self.config.depth)
        return self._stories(generation, text, dense, set(), k)

    def _stories(self, generation, text, dense, excluded: set[str], k) -> list[Story]:
        lead = " ".join(text.split()[:120])
        lexical = generation.bm25_ranking(lead, self.config.depth * 4)
        bm25_docs: list[str] = []
        for hit in lexical:
            owner = hit.doc_id
            if owner not in bm25_docs:
                bm25_docs.append(owner)
        cosine = dict(dense)
        candidates = [d for d, score in dense if score >= self.config.min_similarity]
        fused = rrf_fuse([candidates, [d for d in bm25_docs if d in cosine]])
        ranked = sorted((d for d in fused if d not in excluded), key=lambda d: (-fused[d], d))[
            : k or self.config.k
        ]
        return self._group(generation, text, ranked, cosine)

    def _group(self, generation, text: str, ranked: list[str], cosine) -> list[Story]:
        store = self.index.store
        subject_names = names(text)
        stories: list[list[tuple[Document, RelatedItem]]] = []
        for doc_id in ranked:
            document = store.get(doc_id)
            if document is None:
                continue  # removed since the generation being served was built
            others = (store.get(other) for other, _ in store.near_duplicates(doc_id))
            item = RelatedItem(
                document=document.summary(),
                score=round(cosine.get(doc_id, 0.0), 4),
                reason=reason(subject_names, document, generation),
                also_in=tuple(other.summary() for other in others if other is not None),
            )
            home = self._story_for(generation, document, stories)
            if home is None:
                stories.append([(document, item)])
            else:
                home.append((document, item))
        return [_as_story(members) for members in stories]

    def _story_for(self, generation, document: Document, stories):
        for members in stories:
            seed = members[0][0]
            similarity = generation.document_similarity(seed.doc_id, document.doc_id)
            if similarity >= self.config.story_similarity:
                return members
        return None


def _as_story(members: list[tuple[Document, RelatedItem]]) -> Story:
    ordered = sorted(
        members,
        key=lambda m: (m[0].published is None, m[0].published or 0, m[0].doc_id),
    )
    return Story(label=members[0][0].title, items=tuple(item for _, item in ordered))


_LEADING = re.compile(r"^(The|A|An|In|On|At|But|And|For|As|By|From|With)\s+")
_POSSESSIVE = re.compile(r"[’']s$")
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december ltd co inc corp llc
    plc""".split()
)
COMMON_SHARE = 0.25


def names(text: str) -> Counter[str]:
    """Capitalised names (people, organisations, places) in a text, counted."""
    found: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        name = _POSSESSIVE.sub("", _LEADING.sub("", match.group()).strip(" .’'"))
        lowered = name.lower()
        if len(name) > 2 and lowered not in STOP_WORDS and lowered not in _CALENDAR:
            found[name] += 1
    return found


def reason(subject_names: Counter[str], document: Document, generation: Generation) -> str:
    """ "Shares: Meng Wanzhou, HiSilicon, TSMC" — names of the subject found in the
    document, rarest in the archive first; names in most chunks ("U.S.") are left out."""
    body = document.title + "\n" + document.text
    shared = [name for name in subject_names if name in body]
    rarity = {name: generation.term_frequency_share(name) for name in shared}
    shared = sorted(
        (name for name in shared if rarity[name] <= COMMON_SHARE),
        key=lambda name: (rarity[name], -subject_names[name], name),
    )
    if not shared:
        words = {w.lower() for w in _WORD.findall(body)}
        shared = [w for w, _ in subject_names.most_common(60) if w.lower() in words][:3]
    return "Shares: " + ", ".join(shared[:5]) if shared else "Similar wording"
