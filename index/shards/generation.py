"""A sharded generation behind the interface of one `Generation`.

The coordinator holds the row map (chunk and document id of every global row) and
the collection's BM25 statistics; each shard holds its vectors and BM25 matrix. A
ranking asks every shard for its own top `depth` (filters applied inside the shard,
before the cut) and merges them as one index orders its rows: BM25 by
(-score, chunk_id), dense by (-score, row). Since shards are consecutive rows and
their BM25 weights use the collection's statistics, the merged top `depth` equals a
single index's."""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from index.derived.collection import CollectionStats
from index.derived.generation import Hit, Sides, documents_of
from index.derived.manifest import Manifest
from index.derived.rowfilter import RowFilter, as_rows
from index.text.analyzer import analyze


class ShardedGeneration:
    def __init__(
        self,
        name: str,
        manifest: Manifest,
        shards,
        stats: CollectionStats,
        chunk_ids: list[str],
        doc_ids: list[str],
        embedder: Callable,
    ) -> None:
        self.name, self.manifest, self.revision = name, manifest, manifest.store_revision
        self.shards, self.stats = shards, stats
        self.chunk_ids, self.doc_ids = chunk_ids, doc_ids
        self._embedder = embedder
        self._starts = [entry.first_row for entry in manifest.shards]
        self._doc_rows: dict[str, list[int]] = {}
        for row, doc_id in enumerate(doc_ids):
            self._doc_rows.setdefault(doc_id, []).append(row)

    @classmethod
    def load(cls, folder: Path, manifest: Manifest, embedder: Callable, cluster=None):
        """Shards served by Ray actors on `cluster`, or loaded in this process."""
        from index.shards.serving import LocalShards, RayShards

        chunk_ids, doc_ids = [], []
        for entry in manifest.shards:
            rows = json.loads((folder / entry.name / "rows.json").read_text())
            chunk_ids += rows["chunk_ids"]
            doc_ids += rows["doc_ids"]
        stats = CollectionStats.load(folder)
        if cluster is None:
            shards = LocalShards(folder, manifest.shards)
        else:
            shards = RayShards(cluster, folder, manifest.shards)
        return cls(folder.name, manifest, shards, stats, chunk_ids, doc_ids, embedder)

    def close(self) -> None:
        """Stop the shard actors (a broken generation, or the index closing)."""
        self.shards.close()

    @property
    def broken(self) -> bool:
        """A shard stopped answering: the next snapshot loads the generation afresh."""
        return self.shards.broken

    @property
    def row_count(self) -> int:
        return len(self.chunk_ids)

    def chunk_id(self, row: int) -> str:
        return self.chunk_ids[row]

    def doc_id(self, row: int) -> str:
        return self.doc_ids[row]

    def rows_of(self, doc_ids: set[str]) -> RowFilter:
        rows = sorted(row for doc_id in doc_ids for row in self._doc_rows.get(doc_id, ()))
        return RowFilter(np.asarray(rows, dtype=np.int64))

    def first_row(self, doc_id: str) -> int:
        return self._doc_rows[doc_id][0]

    def has_document(self, doc_id: str) -> bool:
        return doc_id in self._doc_rows

    def embedded(self, doc_id: str) -> bool:
        """A sharded generation is built whole: every document it holds is embedded."""
        return doc_id in self._doc_rows

    def _shard_of(self, row: int) -> int:
        return bisect.bisect_right(self._starts, row) - 1

    def _local(self, allowed_rows: RowFilter | Sequence[int] | None) -> dict[int, list[int] | None]:
        """Each shard's allowed local rows (None: all); shards with none are left out."""
        if allowed_rows is None:
            return dict.fromkeys(range(len(self._starts)))
        rows = as_rows(allowed_rows)
        owners = np.searchsorted(self._starts, rows, side="right") - 1
        return {
            shard: (rows[owners == shard] - self._starts[shard]).tolist()
            for shard in np.unique(owners).tolist()
        }

    def _ranked(self, method: str, first, depth: int, allowed_rows, key) -> list[Hit]:
        calls = {
            shard: (method, (first, depth, rows))
            for shard, rows in self._local(allowed_rows).items()
        }
        hits = [
            Hit(hit.row + self._starts[shard], hit.chunk_id, hit.doc_id, hit.score)
            for shard, found in self.shards.run(calls).items()
            for hit in found
        ]
        return sorted(hits, key=key)[:depth]

    def bm25_ranking(self, query: str, depth: int, allowed_rows=None) -> list[Hit]:
        return self._ranked(
            "bm25_ranking", query, depth, allowed_rows, lambda hit: (-hit.score, hit.chunk_id)
        )

    def dense_ranking(self, query: str, depth: int, allowed_rows=None) -> list[Hit]:
        return self.dense_ranking_of(self.query_vector(query), depth, allowed_rows)

    def dense_ranking_of(self, vector: np.ndarray, depth: int, allowed_rows=None) -> list[Hit]:
        return self._ranked(
            "dense_ranking_of", vector, depth, allowed_rows, lambda hit: (-hit.score, hit.row)
        )

    def sides(self, query: str, vector: np.ndarray, depth: int, allowed_rows=None) -> Sides:
        """Each shard's sides in one round trip, merged as one index orders them. A
        document's dense score depends on its own chunks only, all in one shard, so
        each shard's scores of its own dense documents cover the merged dense top."""
        calls = {
            shard: ("sides", (query, vector, depth, rows))
            for shard, rows in self._local(allowed_rows).items()
        }
        bm25, dense, words, meaning = [], [], [], {}
        for shard, part in self.shards.run(calls).items():
            start = self._starts[shard]
            bm25 += [hit._replace(row=hit.row + start) for hit in part.bm25]
            dense += [hit._replace(row=hit.row + start) for hit in part.dense]
            words += part.document_bm25
            meaning.update(part.document_dense)
        dense = sorted(dense, key=lambda hit: (-hit.score, hit.row))[:depth]
        found = dict.fromkeys(hit.doc_id for hit in dense)
        return Sides(
            sorted(bm25, key=lambda hit: (-hit.score, hit.chunk_id))[:depth],
            dense,
            sorted(words, key=lambda pair: (-pair[1], pair[0]))[:depth],
            {doc_id: meaning[doc_id] for doc_id in found if doc_id in meaning},
        )

    def query_vector(self, query: str) -> np.ndarray:
        return self._embedder().encode_query(query)

    def _by_shard(self, doc_ids: Sequence[str]) -> dict[int, list[str]]:
        groups: dict[int, list[str]] = {}
        for doc_id in doc_ids:
            rows = self._doc_rows.get(doc_id)
            if rows:
                groups.setdefault(self._shard_of(rows[0]), []).append(doc_id)
        return groups

    def rarity(self, terms: Sequence[str]) -> dict[str, float]:
        return self.stats.rarity(terms)

    def term_frequency_share(self, text: str) -> float:
        counts = [self.stats.doc_freq[t] for t in analyze(text) if t in self.stats.doc_freq]
        if not counts or self.stats.chunks == 0:
            return 1.0
        return float(min(counts)) / self.stats.chunks

    def centroid(self, doc_id: str) -> np.ndarray | None:
        rows = self._doc_rows.get(doc_id)
        if not rows:
            return None
        shard = self._shard_of(rows[0])
        return self.shards.run({shard: ("centroid", (doc_id,))})[shard]

    def similarities(self, vector: np.ndarray, others: Sequence[str]) -> dict[str, float]:
        found: dict[str, float] = {}
        calls = {
            shard: ("similarities", (vector, group))
            for shard, group in self._by_shard(others).items()
        }
        for part in self.shards.run(calls).values():
            found.update(part)
        return {other: found[other] for other in others if other in found}

    def document_similarities(self, doc_id: str, others: Sequence[str]) -> dict[str, float]:
        centre = self.centroid(doc_id)
        return {} if centre is None else self.similarities(centre, others)

    def text_similarities(self, text: str, others: Sequence[str]) -> dict[str, float]:
        return self.similarities(self._embedder().encode_query(text), others)

    def document_neighbours(self, doc_id: str, depth: int) -> list[tuple[str, float]]:
        centre = self.centroid(doc_id)
        if centre is None:
            return []
        return documents_of(self.dense_ranking_of(centre, depth * 8), depth, {doc_id})

    def text_neighbours(self, text: str, depth: int) -> list[tuple[str, float]]:
        vector = self._embedder().encode_query(text)
        return documents_of(self.dense_ranking_of(vector, depth * 8), depth, set())
