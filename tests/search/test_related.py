"""Related coverage: other reports of the story, without the subject or its copies,
grouped by the archive's stories, in date order, each with a reason naming what the
two share and the time between them."""

from __future__ import annotations

SUBJECT_TITLE = "Huawei Placed Emergency Order with TSMC"


def _subject(desk):
    return next(d for d in desk.index.store.documents() if d.title == SUBJECT_TITLE)


def test_related_coverage_of_a_document(demo_desk):
    subject = _subject(demo_desk)
    stories = demo_desk.related(doc_id=subject.doc_id, k=8)
    items = [item for story in stories for item in story.items]
    assert 0 < len(items) <= 8
    assert subject.doc_id not in {item.document.doc_id for item in items}
    titles = [item.document.title for item in items]
    assert "China Hits Back at New U.S. Restrictions on Huawei" in titles
    for story in stories:
        dates = [i.document.published for i in story.items if i.document.published]
        assert dates == sorted(dates)
    hits_back = next(i for i in items if i.document.title.startswith("China Hits Back"))
    assert "TSMC" in hits_back.reason and hits_back.reason.endswith("same day")
    assert stories[0].items[0] is hits_back, "the subject's own story comes first"
    assert stories[0].reports == 2 and set(stories[0].outlets) == {"Caixin Global"}


def test_related_by_url_and_by_pasted_text(demo_desk):
    feed_doc = next(d for d in demo_desk.index.store.documents() if d.url)
    by_url = demo_desk.related(url=feed_doc.url, k=5)
    assert feed_doc.doc_id not in {i.document.doc_id for s in by_url for i in s.items}
    pasted = (
        "TikTok is a potential counterintelligence threat, US senators Schumer and Cotton wrote."
    )
    stories = demo_desk.related(text=pasted, k=3)
    best = max((i for s in stories for i in s.items), key=lambda i: i.score)
    assert "counterintelligence threat" in demo_desk.index.document(best.document.doc_id).text
    assert "TikTok" in best.reason
