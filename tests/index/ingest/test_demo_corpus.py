"""The bundled sample corpus ingests exactly: one document per article, with metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.batch import ingest
from index.ingest.pipeline import load_source

EXPECTED = {"000": 1, "001": 20, "002": 50, "003": 9, "004": 1}


def _load(demo_dir: Path, prefix: str):
    path = next(demo_dir.glob(f"{prefix}_*.txt"))
    result = load_source(str(path))
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize("prefix,count", sorted(EXPECTED.items()))
def test_each_seed_file_gives_one_document_per_article(demo_dir, prefix, count):
    assert len(_load(demo_dir, prefix).documents) == count


def test_caixin_article_page_keeps_the_article_and_drops_the_chrome(demo_dir):
    (doc,) = _load(demo_dir, "000").documents
    assert doc.title == "China Hits Back at New U.S. Restrictions on Huawei"
    assert not doc.title_derived
    assert doc.authors == ("Ding Yi",)
    assert doc.published.isoformat() == "2020-05-18T14:07:00+00:00"
    assert doc.source == "Caixin Global"
    assert doc.text.startswith("China’s commerce ministry said Sunday")
    for residue in ("Trending in China", "Share this article", "Contact reporter", "Related:"):
        assert residue not in doc.text


def test_caixin_section_page_splits_at_bylines_with_derived_titles(demo_dir):
    docs = _load(demo_dir, "001").documents
    assert all(doc.published is not None for doc in docs)
    assert sum(1 for doc in docs if doc.authors) == 16
    wire = [doc for doc in docs if doc.credits]
    assert len(wire) == 3 and all(d.credits == ("Bloomberg",) and not d.authors for d in wire)
    assert all(doc.title_derived for doc in docs)
    assert docs[2].authors == ("Qing Ying", "Ren Qiuyu")
    assert docs[0].title.startswith("The Chinese government has again asked")
    assert "U.S. President Donald Trump" in docs[7].title
    for doc in docs:
        assert "Photo: VCG" not in doc.text
        assert "Contact reporter" not in doc.text
        assert doc.title.split("…")[0].rstrip() in " ".join(doc.text.split())


def test_scmp_feed_items_carry_title_link_author_and_date(demo_dir):
    docs = _load(demo_dir, "002").documents
    assert all(doc.title and not doc.title_derived for doc in docs)
    assert all(doc.url and doc.url.startswith("https://www.scmp.com/") for doc in docs)
    assert all(doc.authors or doc.credits for doc in docs)
    assert {doc.credits for doc in docs if doc.credits} == {("SCMP",), ("SCMP Reporters",)}
    by_title = {" ".join(doc.title.split()[:2]): doc for doc in docs}
    assert by_title["AI-assisted US"].authors == ("Coco Feng", "Eunice Xu")
    assert by_title["Beijing weighs"].authors == ("Ann Cao", "Coco Feng", "Wency Chen")
    assert all(doc.published and doc.published.utcoffset().total_seconds() == 0 for doc in docs)
    assert {doc.source for doc in docs} == {"South China Morning Post"}
    assert docs[0].title == "ASML boosts 2026 sales forecast despite shrinking China sales"
    assert docs[0].authors == ("Xiaofei Xu",)


def test_briefing_page_is_the_publishers_and_credits_the_source_line(demo_dir):
    """Each brief is Chinascope's summary of another outlet's report: Chinascope (named by
    the page: "Related postings on Chinascope") is the outlet, the source line's outlet
    is credited, never taken for the outlet."""
    docs = _load(demo_dir, "003").documents
    assert docs[0].title == "Huawei Placed Emergency Order with TSMC"
    assert docs[0].source == "Chinascope" and docs[0].credits == ("Moore",)
    assert docs[0].authors == ()
    assert docs[0].published.date().isoformat() == "2020-05-19"
    assert {doc.source for doc in docs} == {"Chinascope"}
    assert [doc.credits for doc in docs if doc.credits] == [
        ("Moore",),
        ("HKET",),
        ("Sina",),
        ("South China Morning Post",),
        ("Reuters",),
        ("Central News Agency",),
    ]
    assert all("Related postings" not in doc.text for doc in docs)
    assert all("Continue reading" not in doc.text for doc in docs)
    assert all("Skip to content" not in doc.text for doc in docs)


def test_single_article_headline_is_first_line_and_footer_is_dropped(demo_dir):
    (doc,) = _load(demo_dir, "004").documents
    assert doc.title == "China Chip Industry Group Says It’ll Work With U.S. Counterpart"
    assert doc.text.endswith("are board members.")
    assert doc.provenance.line == 1


def test_whole_corpus_stores_81_documents_and_reingest_changes_nothing(demo_dir, store, chunker):
    first = ingest([str(demo_dir)], store, chunker)
    assert store.count() == 81
    assert {outcome.status for outcome in first.outcomes} == {"added"}
    ids = [doc.doc_id for doc in store.documents()]
    chunk_ids = [chunk.chunk_id for chunk in store.chunks()]
    second = ingest([str(demo_dir)], store, chunker)
    assert {outcome.status for outcome in second.outcomes} == {"unchanged"}
    assert [doc.doc_id for doc in store.documents()] == ids
    assert [chunk.chunk_id for chunk in store.chunks()] == chunk_ids


def test_every_stored_chunk_is_an_exact_span_within_the_model_limit(demo_dir, store, chunker):
    ingest([str(demo_dir)], store, chunker)
    documents = {doc.doc_id: doc for doc in store.documents()}
    chunks = store.chunks()
    assert len(chunks) >= 81
    for chunk in chunks:
        assert documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
        assert 0 < chunk.n_tokens <= chunker.config.max_tokens
