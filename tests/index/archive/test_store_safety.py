"""Nothing stored is overwritten by accident, near-duplicate links stay bounded, and a
bad record costs only itself."""

from __future__ import annotations

from index.archive.nearlinks import MAX_LINKS
from index.batch import ingest
from index.documents import Provenance
from index.ingest.loaders.common import build_document
from tests.index.ingest.hostile_cases import PROSE, _rss

ARTICLE = (
    "The port authority said on Wednesday that container volumes rose eleven percent in "
    "April from a year earlier, the fastest pace since the pandemic, as exporters rushed "
    "shipments ahead of new tariffs. Officials expect growth to slow in the summer."
)


def _doc(text: str, url: str | None = None, source: str | None = None, title: str = ""):
    return build_document(
        text=text, url=url, source=source, title=title, provenance=Provenance("test", "text")
    )


def test_feed_items_sharing_one_link_are_kept_apart(tmp_path, store, chunker):
    items = "".join(
        f"<item><title>Brief {n}</title><link>https://wire.example/briefs</link>"
        f"<description>Brief {n}: {PROSE} Detail number {n} differs.</description></item>"
        for n in range(10)
    )
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(items))
    report = ingest([str(feed)], store, chunker)
    assert store.count() == 10
    statuses = [outcome.status for outcome in report.outcomes]
    assert statuses == ["added"] + ["separate"] * 9
    assert {d.title for d in store.documents()} == {f"Brief {n}" for n in range(10)}
    again = ingest([str(feed)], store, chunker)
    assert {o.status for o in again.outcomes} == {"unchanged"} and store.count() == 10


def test_another_outlets_item_at_a_stored_url_does_not_replace_it(store, chunker):
    original = _doc(ARTICLE, url="https://port.example/news/1", source="Port Times")
    store.add([original], chunker)
    intruder = _doc(
        "Short teaser about ports. " * 3, url="https://port.example/news/1", source="Aggregator"
    )
    (outcome,) = store.add([intruder], chunker)
    assert outcome.status == "separate" and outcome.duplicate_of == original.doc_id
    assert store.get(original.doc_id).text == original.text
    assert store.get(original.doc_id).source == "Port Times"
    assert store.find_by_url("https://port.example/news/1").doc_id == original.doc_id
    assert store.count() == 2


def test_the_same_outlet_updating_its_article_is_an_update(store, chunker):
    store.add(
        [_doc(ARTICLE, url="https://port.example/n/2", source="Port Times", title="T")], chunker
    )
    edited = _doc(
        ARTICLE + " Updated at noon.",
        url="https://port.example/n/2",
        source="Port Times",
        title="T",
    )
    (outcome,) = store.add([edited], chunker)
    assert outcome.status == "updated" and store.count() == 1
    assert store.get(edited.doc_id).text.endswith("Updated at noon.")


def test_templated_pages_make_a_bounded_number_of_links(store, chunker):
    template = (
        "Weather for {city}: sunny spells with light winds, highs of 21 degrees and "
        "lows of 12 degrees, with a small chance of showers later in the evening. "
        "Tomorrow: more of the same across the region, pollen count moderate."
    )
    documents = [_doc(template.format(city=f"Town{n}")) for n in range(60)]
    outcomes = store.add(documents, chunker)
    assert all(len(outcome.near_duplicates) <= MAX_LINKS for outcome in outcomes)
    assert all(len(store.near_duplicates(d.doc_id)) <= MAX_LINKS for d in documents)
    pairs = store._db.execute("SELECT count(*) FROM near_duplicates").fetchone()[0]
    assert 0 < pairs <= MAX_LINKS * len(documents)


def test_a_record_that_cannot_be_stored_costs_only_itself(store, chunker):
    good = _doc(ARTICLE, url="https://port.example/ok")

    broken = _doc(ARTICLE + " Other.", url="https://port.example/bad")
    object.__setattr__(broken, "authors", (object(),))  # not JSON-serialisable
    outcomes = store.add([broken, good], chunker)
    assert [o.status for o in outcomes] == ["failed", "added"]
    assert "not JSON serializable" in outcomes[0].reason
    assert store.count() == 1 and store.get(good.doc_id) is not None
