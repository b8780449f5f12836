"""BM25 over whole articles: rebuilt from chunks, scored like rank_bm25 over the article
texts; and hybrid search putting first an article whose question terms sit in different
chunks (best-chunk fusion passed this case too, helped by the dense side)."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.derived.documents_bm25 import DOCUMENT_BM25, DocumentCorpus, DocumentIndex
from index.text.analyzer import analyze

pytestmark = pytest.mark.model

QUERIES = [
    "What did China's commerce ministry say about the new US restrictions on Huawei?",
    "SMIC wafer capacity 14-nanometre",
    "zzzz unknown terms",
]


@pytest.fixture(scope="module")
def demo_documents(demo_desk):
    store = demo_desk.index.store
    chunks = store.chunks()
    titles = {summary.doc_id: summary.title for summary in store.summaries()}
    return store, chunks, titles


def test_rebuilt_articles_hold_exactly_their_stored_terms(demo_documents):
    store, chunks, titles = demo_documents
    corpus = DocumentCorpus.of(chunks, titles)
    assert len(corpus.doc_ids) == len({c.doc_id for c in chunks}) > 5
    for doc_id, terms in zip(corpus.doc_ids, corpus.terms, strict=True):
        document = store.get(doc_id)
        assert list(terms) == analyze(f"{document.title}\n{document.text}"), doc_id


def test_scores_equal_rank_bm25_over_the_articles(demo_documents, tmp_path):
    _store, chunks, titles = demo_documents
    corpus = DocumentCorpus.of(chunks, titles)
    index = DocumentIndex.build(corpus)
    index.save(tmp_path)
    loaded = DocumentIndex.load(tmp_path)
    reference = BM25Okapi(
        [list(t) for t in corpus.terms],
        k1=DOCUMENT_BM25.k1,
        b=DOCUMENT_BM25.b,
        epsilon=DOCUMENT_BM25.epsilon,
    )
    for query in QUERIES:
        expected = reference.get_scores(analyze(query))
        ranked = loaded.ranking(query, 5)
        wanted = sorted(
            ((corpus.doc_ids[i], s) for i, s in enumerate(expected) if s > 0),
            key=lambda pair: (-pair[1], pair[0]),
        )[:5]
        assert [d for d, _ in ranked] == [d for d, _ in wanted]
        np.testing.assert_allclose([s for _, s in ranked], [s for _, s in wanted], rtol=1e-5)
    allowed = set(corpus.doc_ids[:3])
    assert {d for d, _ in loaded.ranking(QUERIES[0], 10, allowed)} <= allowed


def test_an_article_whose_terms_sit_in_different_chunks_comes_first(tmp_path):
    from search.desk import Newsdesk

    def filler(topic: str) -> str:
        return " ".join(f"Paragraph {n} is about {topic}." for n in range(60))

    # Articles of one length; each other one holds more of the question's terms in one
    # place than any chunk of the story, but fewer of them in all.
    articles = {
        "story": "Zorvath Mining announced a new copper smelter on Tuesday. "
        + filler("the harbour traffic")
        + " Regulators in Quillmar province approved the permit after a long review.",
        "decoy1": "Zorvath Mining smelter workers struck at the Zorvath plant. "
        + filler("the factory canteen"),
        "decoy2": "Quillmar regulators approved a fishing permit on Monday. "
        + filler("the fishing fleet"),
    }
    for n, topic in enumerate(["rainfall", "a football final", "school meals"]):
        articles[f"other{n}"] = f"A report on {topic}. " + filler(topic)
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, body in articles.items():
        (folder / f"{name}.txt").write_text(f"{name.title()} report\n\n{body}\n")
    with Newsdesk(tmp_path / "index") as desk:
        desk.add([str(folder)])
        assert desk.info()["chunks"] >= 4  # the two names are chunks apart
        found = desk.search("Zorvath Mining smelter permit approved by Quillmar regulators", k=3)
    assert found[0].document.title == "Story report"
