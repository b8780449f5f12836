"""A sharded index built and served on a two-node Ray cluster gives what the
single-machine index gives: the same documents, the same top 10 with the same scores,
the same answers; BM25 is exact across shards."""

from __future__ import annotations

import pytest

from index.shards.serving import RayShards
from search.desk import Newsdesk

pytestmark = [pytest.mark.ray, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

QUESTIONS = [
    "What did China's commerce ministry say about the new US restrictions on Huawei?",
    "Who is buying chips from TSMC?",
    "Nexperia Wingtech dispute",
    "coronavirus samples destroyed by labs",
    "How much did China invest in SMIC?",
    "Canadian public opinion on China",
]
TOLERANCE = 1e-5  # float32 vectors embedded in other batches differ in the 7th decimal


def _top(desk: Newsdesk, question: str) -> list[tuple[str, float, float | None, float | None]]:
    return [
        (p.chunk_id, p.scores.fused, p.scores.bm25_score, p.scores.dense_score)
        for p in desk.search(question, k=10)
    ]


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < TOLERANCE)


def test_the_index_is_two_shards_served_from_two_nodes(sharded_desk):
    generation = sharded_desk.index.snapshot()
    assert [entry.name for entry in generation.manifest.shards] == ["shard-000", "shard-001"]
    assert isinstance(generation.shards, RayShards)
    import ray

    nodes = ray.get([actor.node_id.remote() for actor in generation.shards.actors])
    assert len(set(nodes)) == 2
    assert sharded_desk.info()["shards"] == 2


def test_same_documents_and_chunks(sharded_desk, demo_desk):
    sharded, single = sharded_desk.index.store, demo_desk.index.store
    assert [(d.doc_id, d.title, d.published) for d in sharded.summaries()] == [
        (d.doc_id, d.title, d.published) for d in single.summaries()
    ]
    assert sharded.chunks() == single.chunks()
    assert sharded_desk.index.snapshot().chunk_ids == demo_desk.index.snapshot().chunk_ids


@pytest.mark.parametrize("question", QUESTIONS)
def test_same_top_ten_and_scores(sharded_desk, demo_desk, question):
    got, want = _top(sharded_desk, question), _top(demo_desk, question)
    assert [row[0] for row in got] == [row[0] for row in want]
    for got_row, want_row in zip(got, want, strict=True):
        assert all(_close(a, b) for a, b in zip(got_row[1:], want_row[1:], strict=True))


def test_bm25_is_exact_across_shards(sharded_desk, demo_desk):
    """Every chunk any question term touches scores as in the single index: the
    shards weigh terms with the whole collection's statistics."""
    for question in QUESTIONS:
        got = sharded_desk.index.snapshot().bm25_ranking(question, 10_000)
        want = demo_desk.index.snapshot().bm25_ranking(question, 10_000)
        assert [hit.chunk_id for hit in got] == [hit.chunk_id for hit in want]
        assert all(abs(a.score - b.score) < 1e-5 for a, b in zip(got, want, strict=True))


def test_filters_apply_inside_each_shard(sharded_desk, demo_desk):
    from datetime import datetime

    from search.types import Filters

    filters = Filters(since=datetime(2020, 5, 15), until=datetime(2020, 5, 31))
    question = "Huawei chips"
    got = [p.chunk_id for p in sharded_desk.search(question, k=10, filters=filters)]
    want = [p.chunk_id for p in demo_desk.search(question, k=10, filters=filters)]
    assert got and got == want


def test_same_answers(sharded_desk, demo_desk):
    for question in QUESTIONS[:3]:
        got, want = sharded_desk.ask(question), demo_desk.ask(question)
        assert [(s.text, s.citation) for s in got.sentences] == [
            (s.text, s.citation) for s in want.sentences
        ]
        assert [c.chunk_id for c in got.passages] == [c.chunk_id for c in want.passages]


def test_a_sharded_index_reads_without_ray(sharded_desk, demo_desk):
    with Newsdesk(sharded_desk.index.dir) as local:
        assert not isinstance(local.index.snapshot().shards, RayShards)
        question = QUESTIONS[0]
        assert [p.chunk_id for p in local.search(question, k=10)] == [
            p.chunk_id for p in demo_desk.search(question, k=10)
        ]
