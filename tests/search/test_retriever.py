"""Hybrid retrieval over the bundled corpus: modes, score breakdowns, filters applied
before the cut, exact spans, and collapse of chunks and near-duplicate documents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from search.desk import Newsdesk
from search.types import Filters

pytestmark = pytest.mark.model

QUESTION = "What did China's commerce ministry say about the new US restrictions on Huawei?"
HUAWEI_ARTICLE = "China Hits Back at New U.S. Restrictions on Huawei"


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_each_mode_finds_the_article_that_answers(demo_desk, mode):
    passages = demo_desk.search(QUESTION, k=5, mode=mode)
    assert passages[0].title == HUAWEI_ARTICLE
    assert [p.rank for p in passages] == list(range(1, len(passages) + 1))


def test_results_carry_their_score_breakdown(demo_desk):
    # Without the spread over outlets, which may put a lower score first.
    (top, *rest) = demo_desk.search(QUESTION, k=5, diversify=False)
    assert top.scores.bm25_rank == 1 and top.scores.dense_rank == 1
    assert top.scores.bm25_score > 0 and 0 < top.scores.dense_score <= 1
    fused = [p.scores.fused for p in [top, *rest]]
    assert fused == sorted(fused, reverse=True)
    only_bm25 = demo_desk.search(QUESTION, k=5, mode="bm25")
    assert all(p.scores.dense_rank is None for p in only_bm25)


def test_passages_are_exact_spans_of_their_documents(demo_desk):
    for query in (QUESTION, "TikTok senators", "coronavirus samples destroyed"):
        for passage in demo_desk.search(query, k=10):
            document = demo_desk.index.document(passage.doc_id)
            assert document.text[passage.start : passage.end] == passage.text


def test_one_document_is_one_result(demo_desk):
    passages = demo_desk.search(QUESTION, k=10)
    assert len({p.doc_id for p in passages}) == len(passages)
    assert passages[0].more_chunks, "the other matching chunks of the article are listed"


def test_date_filter_applies_before_the_cut(demo_desk):
    since = datetime(2020, 5, 1, tzinfo=UTC)
    until = datetime(2020, 5, 31, 23, 59, tzinfo=UTC)
    passages = demo_desk.search("Huawei", k=6, filters=Filters(since=since, until=until))
    assert len(passages) == 6
    assert all(since <= p.published <= until for p in passages)


def test_source_and_author_filters(demo_desk):
    scmp = demo_desk.search("chips", k=5, filters=Filters(sources=("south china morning post",)))
    assert len(scmp) == 5 and {p.source for p in scmp} == {"South China Morning Post"}
    walsh = demo_desk.search("China", k=10, filters=Filters(authors=("Matthew Walsh",)))
    assert len(walsh) == 3 and all("Matthew Walsh" in p.authors for p in walsh)
    feng = demo_desk.search("chips", k=20, filters=Filters(authors=("coco FENG",)))
    assert {p.title[:30] for p in feng} >= {
        "AI-assisted US strikes in Iran",
        "Beijing weighs H200 imports am",
    }
    assert all("Coco Feng" in p.authors for p in feng), "any co-author, any case"
    by_surname = demo_desk.search("chips", k=20, filters=Filters(authors=("Feng",)))
    assert {p.doc_id for p in by_surname} == {p.doc_id for p in feng}
    assert demo_desk.search("chips", k=5, filters=Filters(authors=("Bloomberg",)))[0].source == (
        "Caixin Global"
    ), "an agency credit still filters"
    from index.errors import NoMatch

    with pytest.raises(NoMatch, match="no outlet in the archive matches 'No Such Outlet'"):
        demo_desk.search("China", k=5, filters=Filters(sources=("No Such Outlet",)))


def test_weighted_fusion_is_available_and_deterministic(demo_desk):
    from search.retriever import RetrievalConfig, Retriever

    weighted = Retriever(demo_desk.index, RetrievalConfig(fusion="weighted"))
    first = weighted.search(QUESTION, k=5)
    assert first[0].title == HUAWEI_ARTICLE
    assert [p.chunk_id for p in weighted.search(QUESTION, k=5)] == [p.chunk_id for p in first]


def test_near_duplicate_wire_copies_collapse_into_one_result(tmp_path, demo_dir):
    article = (demo_dir / "004_1ae60b7a2546b04f.txt").read_text()
    copy = article.replace("said Thursday", "said on Thursday").replace(
        "China Chip Industry Group Says It’ll Work With U.S. Counterpart",
        "Chinese chip group to work with US industry body",
    )
    (tmp_path / "copy.txt").write_text(copy)
    with Newsdesk(tmp_path / "ix") as desk:
        desk.add(
            [
                str(demo_dir / "004_1ae60b7a2546b04f.txt"),
                str(demo_dir / "003_37f34b07a0795044.txt"),
                str(tmp_path / "copy.txt"),
            ]
        )
        passages = desk.search("Chinese semiconductor industry association working group", k=5)
        titles = [p.title for p in passages]
        assert (
            sum(
                t
                in (
                    HUAWEI_ARTICLE,
                    "Chinese chip group to work with US industry body",
                    "China Chip Industry Group Says It’ll Work With U.S. Counterpart",
                )
                for t in titles
            )
            == 1
        )
        assert len(passages[0].also_in) == 1
        uncollapsed = desk.retriever.search(
            "Chinese semiconductor industry association working group", k=5, collapse=False
        )
        assert len({p.doc_id for p in uncollapsed}) >= 2
