"""Hybrid retrieval: BM25 and dense candidates from a deeper pool than k, fused, then
collapsed so that one document, and one story run by several outlets, is one result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from index.derived.generation import Generation, Hit
from index.derived.rowfilter import RowFilter
from index.newsindex import NewsIndex
from search.collapse import collapse as collapse_ranking
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
    """Fused rows of one index generation, best first. `fused` is each row's final
    score, `bm25` and `dense` each side's row → (1-based rank, score)."""

    generation: Generation
    ordered: tuple[int, ...]
    fused: dict[int, float]
    bm25: dict[int, tuple[int, float]]
    dense: dict[int, tuple[int, float]]

    def scores(self, row: int) -> Scores:
        """Why `row` ranked (built for the few rows that become results)."""
        b_rank, b_score = self.bm25.get(row, (None, None))
        d_rank, d_score = self.dense.get(row, (None, None))
        return Scores(self.fused[row], b_rank, b_score, d_rank, d_score)


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
        return collapse_ranking(
            self.index.store,
            ranking.generation,
            ranking.ordered,
            ranking.scores,
            k,
            collapse,
            merge_near_duplicates,
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
            return _empty(generation)
        allowed = self._allowed_rows(generation, filters)
        if allowed is not None and not allowed:
            return _empty(generation)
        depth = max(self.config.depth, 4 * k)
        bm25, dense, documents = self._candidates(generation, query, mode, depth, allowed)
        fused = self._fuse(mode, bm25, dense)
        if documents is not None:
            fused = self._lift_to_documents(generation, documents, fused)
        every = as_of is not None or latest
        datelines = self._datelines(generation, fused) if every else {}
        if as_of is not None:
            fused = recency_boost(fused, generation.doc_id, datelines, as_of, self.config.recency)
        ordered = sorted(fused, key=lambda row: (-fused[row], generation.chunk_id(row)))
        if diversify:
            # Only the head is spread over outlets, so only its documents are read.
            datelines = datelines or self._datelines(generation, _head(generation, ordered))
            ordered = by_source(
                ordered, fused, generation.doc_id, datelines, self.config.source_decay
            )
        if latest:
            ordered = newest_first(
                ordered, fused, generation.doc_id, datelines, self.config.recency
            )
        return Ranking(generation, tuple(ordered), fused, _places(bm25), _places(dense))

    def rank_plan(self, plan: SearchPlan, depth: int | None = None) -> Ranking:
        """`rank` with a question's plan (search/plan.py): its query, mode, filters and
        time and outlet handling, for `depth` results (default: the plan's k)."""
        return self.rank(
            plan.query,
            depth or plan.k,
            plan.mode,
            plan.filters,
            as_of=plan.as_of,
            latest=plan.latest,
            diversify=plan.diversify,
        )

    def _datelines(self, generation: Generation, rows) -> dict:
        """doc_id → Dateline of the documents of `rows` (one read of the store)."""
        return self.index.store.datelines([generation.doc_id(row) for row in rows])

    def _allowed_rows(self, generation: Generation, filters: Filters | None) -> RowFilter | None:
        """The rows the filters keep (None: no filter)."""
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
                lifted[generation.first_row(doc_id)] = score
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


def _places(pairs: list[tuple[int, float]]) -> dict[int, tuple[int, float]]:
    """row → (1-based rank, score) of one side's (row, score) pairs, best first."""
    return {row: (rank, score) for rank, (row, score) in enumerate(pairs, 1)}


def _empty(generation: Generation) -> Ranking:
    return Ranking(generation, (), {}, {}, {})
