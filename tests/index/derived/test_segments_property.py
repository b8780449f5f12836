"""A segmented generation ranks exactly as one index rebuilt from its live rows.

Random sequences of adds (new documents and new versions of stored ones), removals and
merges of adjacent segments; after every step each ranking — BM25 over chunks and over
whole documents, dense, filtered or not — must equal, ids and scores, that of a single
segment built from scratch from the documents live at that moment. Vectors have small
dyadic components, so every cosine is exact whatever the order of the sum."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from index.derived.bm25 import BM25Params
from index.derived.documents_bm25 import DocumentCorpus
from index.derived.embedding import ModelInfo
from index.derived.manifest import Manifest
from index.derived.merging import merged
from index.derived.segment import Segment, SegmentData
from index.derived.segment_stats import CollectionState
from index.derived.segmented import SegmentedGeneration, View, _part
from index.derived.vectors import VectorStore
from index.documents import Chunk
from index.text.analyzer import analyze
from index.text.chunking import ChunkingConfig

WORDS = ["chip", "curb", "beijing", "export", "tariff", "nvidia", "huawei", "summit", "rare"]
QUERIES = ["chip curb", "beijing export export", "nvidia huawei summit", "rare tariff chip", "zzz"]
DOC_IDS = [f"d{n}" for n in range(7)]
DIMS = 4

texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
documents = st.tuples(st.sampled_from(DOC_IDS), st.lists(texts, min_size=1, max_size=3))
steps = st.one_of(
    st.tuples(st.just("add"), st.lists(documents, min_size=1, max_size=3)),
    st.tuples(st.just("remove"), st.sampled_from(DOC_IDS)),
    st.tuples(st.just("merge"), st.integers(0, 6), st.integers(2, 4)),
)


def vector(text: str) -> np.ndarray:
    """A deterministic (DIMS,) float32 vector of dyadic components."""
    codes = [sum(map(ord, word)) for word in text.split()]
    return np.asarray([(sum(codes) * (i + 3)) % 5 - 2 for i in range(DIMS)], np.float32) / 4


def chunks_of(doc_id: str, parts: list[str]) -> list[Chunk]:
    out, start = [], 0
    for position, text in enumerate(parts):
        out.append(
            Chunk(f"{doc_id}:{position}", doc_id, position, start, start + len(text), text, 1)
        )
        start += len(text) + 1
    return out


def segment_of(name: str, docs: dict[str, list[str]]) -> Segment:
    """A segment of these documents, chunks in (doc_id, position) order as the store
    gives them."""
    chunks = [c for doc_id in sorted(docs) for c in chunks_of(doc_id, docs[doc_id])]
    vectors = np.stack([vector(c.text) for c in chunks])
    titles = {doc_id: f"title {doc_id}" for doc_id in docs}
    data = SegmentData.of(
        chunks, [analyze(c.text) for c in chunks], DocumentCorpus.of(chunks, titles), vectors, None
    )
    return Segment(name, data, VectorStore.build(data.vectors))


def generation(segments: list[tuple[Segment, set[str]]], previous=None) -> SegmentedGeneration:
    views, offset = [], 0
    for segment, deleted in segments:
        views.append(View.of(segment, offset, sorted(deleted)))
        offset += segment.rows
    chunks, whole = (previous.chunks, previous.documents) if previous else (None, None)
    chunks = (chunks or CollectionState.empty()).advance(
        [_part(v, v.segment.postings, v.deleted_rows) for v in views]
    )
    whole = (whole or CollectionState.empty()).advance(
        [_part(v, v.segment.document_postings, v.deleted_documents) for v in views]
    )
    return SegmentedGeneration("g", MANIFEST, views, chunks, whole, lambda: None)


MANIFEST = Manifest(
    store_revision=1,
    model=ModelInfo("fake", DIMS, "float32", "0"),
    chunking=ChunkingConfig(),
    bm25=BM25Params(),
    vector_index="flat",
    documents=0,
    chunks=0,
    tokens=0,
    built_at="",
    build_seconds=0.0,
)


def rankings(gen: SegmentedGeneration, live: dict[str, list[str]]):
    some = {doc_id for doc_id in sorted(live)[::2]}
    allowed = gen.rows_of(some)
    out = []
    for query in QUERIES:
        vec = vector(query)
        for filtered in (None, allowed):
            out.append([(h.chunk_id, h.score) for h in gen.bm25_ranking(query, 3, filtered)])
            out.append([(h.chunk_id, h.score) for h in gen.dense_ranking_of(vec, 3, filtered)])
            out.append(gen.document_bm25_ranking(query, 2, filtered))
        out.append(gen.document_dense_scores(vec, sorted(live)))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(steps, min_size=1, max_size=8))
def test_segments_rank_as_a_rebuild(script):
    live: dict[str, list[str]] = {}
    segments: list[tuple[Segment, set[str]]] = []
    gen = None
    for number, step in enumerate(script):
        if step[0] == "add":
            batch = dict(step[1])
            for index, (segment, deleted) in enumerate(segments):
                segments[index] = (segment, deleted | (set(batch) & set(segment.documents)))
            segments.append((segment_of(f"s{number}", batch), set()))
            live.update(batch)
        elif step[0] == "remove":
            live.pop(step[1], None)
            segments = [(s, d | ({step[1]} & set(s.documents))) for s, d in segments]
        else:
            start, count = step[1], step[2]
            run = segments[start : start + count]
            if len(run) < 2:
                continue
            data = merged([(s, sorted(d)) for s, d in run])
            product = Segment(f"m{number}", data, VectorStore.build(data.vectors))
            segments[start : start + count] = [(product, set())]
        gen = generation(segments, gen)
        rebuilt = generation([(segment_of("fresh", live), set())] if live else [])
        assert rankings(gen, live) == rankings(rebuilt, live)
        assert gen.chunks.rows == sum(len(parts) for parts in live.values())


def test_segment_scores_equal_rank_bm25():
    """Across three segments with a deletion, every live chunk's BM25 score is
    rank_bm25's over the live chunks alone."""
    first = segment_of("a", {"d0": ["chip curb chip", "beijing"], "d1": ["export tariff chip"]})
    second = segment_of("b", {"d2": ["nvidia chip", "rare rare huawei"]})
    third = segment_of("c", {"d3": ["summit beijing chip curb"]})
    gen = generation([(first, {"d1"}), (second, set()), (third, set())])
    texts_by_id = {
        "d0:0": "chip curb chip",
        "d0:1": "beijing",
        "d2:0": "nvidia chip",
        "d2:1": "rare rare huawei",
        "d3:0": "summit beijing chip curb",
    }
    live = list(texts_by_id)
    params = BM25Params()
    okapi = BM25Okapi(
        [analyze(texts_by_id[c]) for c in live], k1=params.k1, b=params.b, epsilon=params.epsilon
    )
    expected = dict(zip(live, okapi.get_scores(analyze("chip beijing")), strict=True))
    found = {h.chunk_id: h.score for h in gen.bm25_ranking("chip beijing", 10)}
    assert set(found) == {c for c, score in expected.items() if score > 0}
    for chunk_id, score in found.items():
        assert abs(score - expected[chunk_id]) < 1e-5
