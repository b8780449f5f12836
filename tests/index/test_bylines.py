"""Bylines: co-authors split, agencies and outlets kept out of the authors (as the
credit line), and author filters that match any one name in any case."""

from __future__ import annotations

from index.archive.store import DocumentStore
from index.bylines import name_matches, read_byline
from index.documents import Provenance
from index.ingest.loaders.common import build_document

SCMP = "South China Morning Post"


def test_joined_bylines_are_split_and_credits_set_apart():
    assert read_byline(["Coco Feng,Eunice Xu"], SCMP) == (("Coco Feng", "Eunice Xu"), ())
    assert read_byline(["By Li Bin and Wang Ju"], None) == (("Li Bin", "Wang Ju"), ())
    assert read_byline(["Ann Cao; Coco Feng & Wency Chen"], SCMP)[0] == (
        "Ann Cao",
        "Coco Feng",
        "Wency Chen",
    )
    assert read_byline(["Bloomberg"], "Caixin Global") == ((), ("Bloomberg",))
    assert read_byline(["Reuters", "Jane Doe"], "Caixin Global") == (("Jane Doe",), ("Reuters",))
    assert read_byline(["SCMP"], SCMP) == ((), ("SCMP",)), "the outlet's initials"
    assert read_byline(["SCMP Reporters"], SCMP) == ((), ("SCMP Reporters",))
    assert read_byline(["Caixin Global"], "Caixin Global") == ((), ("Caixin Global",))
    assert read_byline(["Coco Feng", "coco feng"], SCMP) == (("Coco Feng",), ())


def test_any_one_name_matches_in_any_case_and_only_whole_words():
    assert name_matches("Coco Feng", "coco feng") and name_matches("Coco Feng", "FENG")
    assert not name_matches("Xiaofei Xu", "Eunice Xu")
    assert not name_matches("Zhou Xinyi", "Zhou Xin")
    assert not name_matches("Coco Feng", "%") and not name_matches("Coco Feng", "")


def test_a_store_keeps_the_credit_line_and_filters_by_any_co_author(tmp_path, chunker):
    article = "Chipmakers met in Shanghai on Monday to agree on a common supply plan for wafers."
    docs = [
        build_document(
            text=article,
            provenance=Provenance("feed.xml", "feed", 0),
            title="Chip talks",
            source=SCMP,
            authors=["Coco Feng,Eunice Xu"],
        ),
        build_document(
            text=article + " More.",
            provenance=Provenance("feed.xml", "feed", 1),
            title="Wire copy",
            source="Caixin Global",
            authors=["Bloomberg"],
        ),
    ]
    with DocumentStore(tmp_path / "index") as store:
        store.add(docs, chunker)
        stored = {s.title: s for s in store.summaries()}
        assert stored["Chip talks"].authors == ("Coco Feng", "Eunice Xu")
        assert stored["Wire copy"].authors == () and stored["Wire copy"].credits == ("Bloomberg",)
        assert store.get(docs[1].doc_id).credits == ("Bloomberg",)
        assert store.filter_doc_ids(authors=["eunice xu"]) == {docs[0].doc_id}
        assert store.filter_doc_ids(authors=["Feng", "Bloomberg"]) == {d.doc_id for d in docs}
        assert store.filter_doc_ids(authors=["Xu Eunice Feng"]) == set()
