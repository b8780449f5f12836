"""Hybrid retrieval: BM25 and dense candidates from a deeper pool than k, fused, then
collapsed so that one document, and one story run by several outlets, is one result."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from index.derived.generation import Generation, Hit
from index.documents import Document
from index.newsindex import NewsIndex
from search.diversity import DIVERSIFY_DEPTH, SOURCE_DECAY, by_source
from search.plan import SearchPlan
from search.recency import Recency, newest_first, recency_boost
from search.rrf import RRF_K, rrf_fuse
from search.types import MODES, Filters, Mode, Passage, Scores
from search.weighted import DENSE_WEIGHT, weighted_fuse

FUSIONS = ("rrf", "weighted")


@dataclass(frozen=True)
class RetrievalConfig:
    """`depth` candidates per side (at least 4·k); `fusion` is rrf or weighted;
    `fuse_level` "document" fuses each side's document ranking (a document found by both
    sides through different chunks counts as agreement), "chunk" fuses chunk rankings.
    The defaults (weighted, document level) were chosen on rtqa-2025 and rgb-en-fact,
    docs/evaluation.md."""

    depth: int = 100
    fusion: str = "weighted"
    rrf_k: int = RRF_K
    dense_weight: float = DENSE_WEIGHT
    fuse_level: str = "document"
    recency: Recency = field(default_factory=Recency)
    source_decay: float = SOURCE_DECAY


@dataclass(frozen=True)
class Ranking:
    """Fused rows of one index generation, best first, with each row's score breakdown."""

    generation: Generation
    ordered: tuple[int, ...]
    breakdown: dict[int, Scores]


class Retriever:
    def __init__(self, index: NewsIndex, config: RetrievalConfig | None = None) -> None:
        self.index = index
        self.config = config or RetrievalConfig()

    def search(
        self,
        query: str,
        k: int = 5,
        mode: Mode = "hybrid",
        filters: Filters | None = None,
        collapse: bool = True,
        merge_near_duplicates: bool = True,
    ) -> list[Passage]:
        """The top k results, best first; ties broken by chunk_id. `collapse` makes one
        result per document; `merge_near_duplicates` also folds a document's
        near-duplicates into its result (`also_in`)."""
        ranking = self.rank(query, k, mode, filters)
        return self.passages(ranking, k, collapse, merge_near_duplicates)

    def passages(
        self, ranking: Ranking, k: int, collapse: bool = True, merge_near_duplicates: bool = True
    ) -> list[Passage]:
        """The top k results of a ranking; one ranking can give several views (the
        answer's collapsed passages and its uncollapsed sentence pool)."""
        if not ranking.ordered or k <= 0:
            return []
        merge = collapse and merge_near_duplicates
        return self._collapse(
            ranking.generation, ranking.ordered, ranking.breakdown, k, collapse, merge
        )

    def rank(
        self,
        query: str,
        k: int = 5,
        mode: Mode = "hybrid",
        filters: Filters | None = None,
        *,
        as_of: datetime | None = None,
        latest: bool = False,
        diversify: bool = False,
    ) -> Ranking:
        """All fused candidates for up to k results, best first, on one index snapshot.
        `as_of` favours reports from just before it (config.recency), `latest` puts the
        relevant ones newest first, `diversify` spreads the top over outlets."""
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        generation = self.index.snapshot()
        if not query.strip() or k <= 0:
            return Ranking(generation, (), {})
        allowed = self._allowed_rows(generation, filters)
        if allowed is not None and not allowed:
            return Ranking(generation, (), {})
        depth = max(self.config.depth, 4 * k)
        bm25, dense, documents = self._candidates(generation, query, mode, depth, allowed)
        fused = self._fuse(mode, bm25, dense)
        if documents is not None:
            fused = self._lift_to_documents(generation, documents, fused)
        every = as_of is not None or latest
        summaries = self._summaries(generation, fused) if every else {}
        if as_of is not None:
            fused = recency_boost(fused, generation.doc_id, summaries, as_of, self.config.recency)
        ordered = sorted(fused, key=lambda row: (-fused[row], generation.chunk_id(row)))
        if diversify:
            # Only the head is spread over outlets, so only its documents are read.
            summaries = summaries or self._summaries(generation, _head(generation, ordered))
            ordered = by_source(
                ordered, fused, generation.doc_id, summaries, self.config.source_decay
            )
        if latest:
            ordered = newest_first(
                ordered, fused, generation.doc_id, summaries, self.config.recency
            )
        return Ranking(generation, tuple(ordered), _breakdown(bm25, dense, fused))

    def rank_plan(self, plan: SearchPlan, k: int, mode: Mode = "hybrid") -> Ranking:
        """`rank` with a question's plan (search/plan.py): its query, filters and time
        and outlet handling."""
        return self.rank(
            plan.query, k, mode, plan.filters,
            as_of=plan.as_of, latest=plan.latest, diversify=plan.diversify,
        )  # fmt: skip

    def _summaries(self, generation: Generation, rows) -> dict:
        """doc_id → DocumentSummary of the documents of `rows` (one read of the store)."""
        doc_ids = {generation.doc_id(row) for row in rows}
        return {summary.doc_id: summary for summary in self.index.store.summaries(doc_ids)}

    def _allowed_rows(self, generation: Generation, filters: Filters | None) -> list[int] | None:
        if filters is None or not filters.active:
            return None
        doc_ids = self.index.store.filter_doc_ids(
            filters.since, filters.until, filters.sources, filters.authors
        )
        return generation.rows_of(doc_ids)

    def _candidates(self, generation, query: str, mode: Mode, depth: int, allowed):
        """(BM25 chunk pairs, dense chunk pairs, document sides or None): for document-
        level hybrid fusion the document sides are BM25 over whole documents and each
        densely found document at its two best chunks, all read in one call
        (`Generation.sides`: one round trip per shard)."""
        vector = generation.query_vector(query) if mode != "bm25" else None
        if mode == "hybrid" and self.config.fuse_level == "document":
            sides = generation.sides(query, vector, depth, allowed)
            meaning = sorted(sides.document_dense.items(), key=lambda pair: (-pair[1], pair[0]))
            documents = (sides.document_bm25, meaning)
            return _pairs(sides.bm25), _pairs(sides.dense), documents
        bm25 = _pairs(generation.bm25_ranking(query, depth, allowed)) if mode != "dense" else []
        dense = (
            _pairs(generation.dense_ranking_of(vector, depth, allowed))
            if vector is not None
            else []
        )
        return bm25, dense, None

    def _lift_to_documents(self, generation, documents, fused) -> dict[int, float]:
        """Every chunk takes its document's fused score, with its own chunk-level score
        as a tie-breaker, so documents are ordered by document-level fusion and each
        document's chunks stay in chunk-level order. A document only the whole-document
        BM25 found enters at its first chunk."""
        words, meaning = documents
        if self.config.fusion == "weighted":
            doc_scores = weighted_fuse(words, meaning, self.config.dense_weight)
        else:
            doc_scores = rrf_fuse([[d for d, _ in side] for side in documents], self.config.rrf_k)
        lifted = {
            row: doc_scores[generation.doc_id(row)] + 1e-6 * score
            for row, score in fused.items()
            if generation.doc_id(row) in doc_scores
        }
        held = {generation.doc_id(row) for row in lifted}
        for doc_id, score in doc_scores.items():
            if doc_id not in held:
                lifted[generation.rows_of({doc_id})[0]] = score
        return lifted

    def _fuse(self, mode, bm25, dense) -> dict[int, float]:
        if mode == "bm25":
            return dict(bm25)
        if mode == "dense":
            return dict(dense)
        if self.config.fusion == "weighted":
            return weighted_fuse(bm25, dense, self.config.dense_weight)
        if self.config.fusion != "rrf":
            raise ValueError(f"fusion {self.config.fusion!r} is not one of {', '.join(FUSIONS)}")
        return rrf_fuse([[row for row, _ in bm25], [row for row, _ in dense]], self.config.rrf_k)

    def _collapse(self, generation, ordered, breakdown, k, collapse, merge) -> list[Passage]:
        store = self.index.store
        results: list[dict] = []
        owner: dict[str, int] = {}
        for row in ordered:
            doc_id = generation.doc_id(row)
            if collapse and doc_id in owner:
                held = results[owner[doc_id]]
                if held["doc_id"] == doc_id:
                    held["more_chunks"].append(generation.chunk_id(row))
                continue
            if len(results) == k:
                break
            chunk = store.chunk(generation.chunk_id(row))
            if chunk is None:
                continue  # removed from the store after this generation was built
            near = [other for other, _ in store.near_duplicates(doc_id)] if merge else []
            results.append(
                {"row": row, "chunk": chunk, "doc_id": doc_id, "near": near, "more_chunks": []}
            )
            owner[doc_id] = len(results) - 1
            for other in near:
                owner.setdefault(other, len(results) - 1)
        if merge:
            first_row: dict[str, int] = {}
            for row in ordered:
                first_row.setdefault(generation.doc_id(row), row)
            for item in results:
                if item["near"]:
                    self._original_first(item, generation, first_row)
        documents: dict[str, Document | None] = {}
        built = (self._passage(item, breakdown, documents) for item in results)
        # A document removed between reading its chunk and its metadata is skipped.
        kept = [passage for passage in built if passage is not None]
        return [replace(passage, rank=rank) for rank, passage in enumerate(kept, 1)]

    def _original_first(self, item: dict, generation: Generation, first_row: dict) -> None:
        """Make the earliest-published report of a near-duplicate group the result (its
        best-ranked chunk, or its first), and the others its "also in"."""
        store = self.index.store
        group = [item["doc_id"], *item["near"]]
        dated = [s for s in store.summaries(group) if s.published is not None]
        if not dated:
            return
        original = min(dated, key=lambda s: (s.published, s.doc_id)).doc_id
        if original == item["doc_id"]:
            return
        row = first_row.get(original)
        chunk = store.chunk(generation.chunk_id(row)) if row is not None else None
        if chunk is None:
            chunks = store.chunks(original)
            chunk = chunks[0] if chunks else None
        if chunk is None:
            return
        item.update(chunk=chunk, doc_id=original, more_chunks=[],
                    near=[d for d in group if d != original])  # fmt: skip
        if row is not None:
            item["row"] = row

    def _passage(self, item: dict, breakdown: dict[int, Scores], documents) -> Passage | None:
        """`documents` caches documents by id for the duration of one search."""
        store = self.index.store

        def get(doc_id: str) -> Document | None:
            if doc_id not in documents:
                documents[doc_id] = store.get(doc_id)
            return documents[doc_id]

        chunk = item["chunk"]
        document = get(chunk.doc_id)
        if document is None:
            return None
        also_in = tuple(get(other).summary() for other in item["near"] if get(other))
        return Passage(
            rank=0,
            chunk_id=chunk.chunk_id,
            document=document.summary(),
            text=chunk.text,
            start=chunk.start,
            end=chunk.end,
            scores=breakdown[item["row"]],
            also_in=also_in,
            more_chunks=tuple(item["more_chunks"]),
        )


def _head(generation, ordered: list[int]) -> list[int]:
    """The rows of the first DIVERSIFY_DEPTH documents of a ranking."""
    seen: set[str] = set()
    rows = []
    for row in ordered:
        doc_id = generation.doc_id(row)
        if doc_id not in seen:
            if len(seen) == DIVERSIFY_DEPTH:
                break
            seen.add(doc_id)
        rows.append(row)
    return rows


def _pairs(hits: list[Hit]) -> list[tuple[int, float]]:
    """(row, score), best first: the shape the fusion functions take."""
    return [(hit.row, hit.score) for hit in hits]


def _breakdown(bm25, dense, fused: dict[int, float]) -> dict[int, Scores]:
    bm25_at = {row: (rank, score) for rank, (row, score) in enumerate(bm25, 1)}
    dense_at = {row: (rank, score) for rank, (row, score) in enumerate(dense, 1)}
    out = {}
    for row, score in fused.items():
        b_rank, b_score = bm25_at.get(row, (None, None))
        d_rank, d_score = dense_at.get(row, (None, None))
        out[row] = Scores(score, b_rank, b_score, d_rank, d_score)
    return out
