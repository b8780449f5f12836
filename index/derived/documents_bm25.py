"""Okapi BM25 over whole articles, beside the chunk index.

A chunk's BM25 sees 200 word pieces; a question's terms are often spread over an
article (the name in the lead, the figure three paragraphs down). Scoring whole
articles is the classic news-retrieval baseline (TREC ad hoc and News tracks). As the
word side of document-level hybrid fusion it raised nDCG@10 on the rtqa-2025 cut from
0.753 to 0.778 (0.789 with the two-best-chunk dense side, Generation.
document_dense_scores) and on rgb-en-fact from 0.577 to 0.580 (docs/evaluation.md).
The article text is rebuilt from its chunks (each chunk's span past the previous
one's end), so a generation, or a shard of one, needs nothing but chunks and titles.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.derived.bm25 import BM25Index, BM25Params
from index.derived.collection import CollectionStats
from index.derived.topk import top_rows
from index.documents import Chunk
from index.text.analyzer import analyze

# Lucene's and Elasticsearch's defaults, meant for whole documents; the chunk index
# keeps Anserini's 0.9 / 0.4 (index/derived/bm25.py).
DOCUMENT_BM25 = BM25Params(k1=1.2, b=0.75)
PREFIX = "doc_bm25"
STATS_NAME = "documents_collection.json"


@dataclass(frozen=True)
class DocumentCorpus:
    """`doc_ids` in the order of their first chunk row; `terms[i]` the analysed title
    and text of `doc_ids[i]`."""

    doc_ids: tuple[str, ...]
    terms: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, chunks: Sequence[Chunk], titles: Mapping[str, str]) -> DocumentCorpus:
        """From chunks in row order (a document's chunks ascending by start) and each
        document's title."""
        parts: dict[str, list[str]] = {}
        ends: dict[str, int] = {}
        for chunk in chunks:
            if chunk.doc_id not in parts:
                parts[chunk.doc_id] = [titles.get(chunk.doc_id) or "", "\n"]
                ends[chunk.doc_id] = chunk.start
            end = ends[chunk.doc_id]
            if chunk.start > end:
                parts[chunk.doc_id].append(" ")
            parts[chunk.doc_id].append(chunk.text[max(0, end - chunk.start) :])
            ends[chunk.doc_id] = max(end, chunk.end)
        doc_ids = tuple(parts)
        return cls(doc_ids, tuple(tuple(analyze("".join(parts[d]))) for d in doc_ids))

    def stats(self) -> CollectionStats:
        return CollectionStats.of(self.terms)


class DocumentIndex:
    """BM25 over whole documents: row `i` of `bm25` is document `doc_ids[i]`."""

    def __init__(self, doc_ids: Sequence[str], bm25: BM25Index) -> None:
        self.doc_ids = list(doc_ids)
        self.bm25 = bm25
        self._row = {doc_id: row for row, doc_id in enumerate(self.doc_ids)}

    @classmethod
    def build(
        cls,
        corpus: DocumentCorpus,
        params: BM25Params = DOCUMENT_BM25,
        stats: CollectionStats | None = None,
    ) -> DocumentIndex:
        """`stats` over every document of the collection when `corpus` is one shard."""
        return cls(corpus.doc_ids, BM25Index.build(corpus.terms, params, stats))

    def ranking(
        self, query: str, depth: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The top `depth` (doc_id, score) with score > 0, best first, ties by doc_id;
        `allowed` keeps only those documents."""
        scores = self.bm25.scores(analyze(query))
        allowed_rows = (
            None if allowed is None else [self._row[d] for d in allowed if d in self._row]
        )
        rows, subset = top_rows(scores, depth, allowed_rows)
        pairs = zip([self.doc_ids[row] for row in rows.tolist()], subset.tolist(), strict=True)
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))

    def save(self, folder: Path) -> None:
        self.bm25.save(folder, PREFIX)
        (folder / f"{PREFIX}_rows.json").write_text(json.dumps(self.doc_ids))

    @classmethod
    def load(cls, folder: Path) -> DocumentIndex:
        doc_ids = json.loads((folder / f"{PREFIX}_rows.json").read_text())
        return cls(doc_ids, BM25Index.load(folder, PREFIX))
