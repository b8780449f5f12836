"""Related coverage: other reports of the story, the subject marked in its own, never its copies,
grouped by the archive's stories, in date order, each with a reason naming what the
two share and the time between them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

SUBJECT_TITLE = "Huawei Placed Emergency Order with TSMC"


def _subject(desk):
    return next(d for d in desk.documents() if d.title == SUBJECT_TITLE)


def test_related_coverage_of_a_document(demo_desk):
    from search.related import PICKED

    subject = _subject(demo_desk)
    stories = demo_desk.related(doc_id=subject.doc_id, k=8)
    items = [item for story in stories for item in story.items]
    others = [item for item in items if item.document.doc_id != subject.doc_id]
    assert 0 < len(others) <= 8
    # The subject stands once, in its own story's timeline, marked as the one picked.
    picked = [item for item in items if item.document.doc_id == subject.doc_id]
    assert [item.reason for item in picked] == [PICKED]
    assert picked[0] in stories[0].items
    titles = [item.document.title for item in others]
    assert "China Hits Back at New U.S. Restrictions on Huawei" in titles
    for story in stories:
        dates = [i.document.published for i in story.items if i.document.published]
        assert dates == sorted(dates)
    hits_back = next(i for i in items if i.document.title.startswith("China Hits Back"))
    # 18 May 14:07 and 19 May: a day apart as a reader counts, not "the same day".
    assert "TSMC" in hits_back.reason and hits_back.reason.endswith("1 day apart")
    assert stories[0].items == (hits_back, picked[0]), "the subject's own story comes first"
    assert stories[0].reports == 2
    assert set(stories[0].outlets) == {"Caixin Global", "Chinascope"}
    # Two days earlier, SMIC's funding: the report says TSMC, the brief "Huawei" and the
    # other "Huawei Technologies" — one name once the suffix drops.
    smic = next(i for i in others if "SMIC" in i.document.title)
    assert "TSMC" in smic.reason and smic.reason.endswith("2 days apart")


def test_related_by_url_and_by_pasted_text(demo_desk):
    feed_doc = next(d for d in demo_desk.documents() if d.url)
    by_url = demo_desk.related(url=feed_doc.url, k=5)
    reasons = [i.reason for s in by_url for i in s.items if i.document.doc_id == feed_doc.doc_id]
    assert reasons in ([], ["the report you picked"])
    pasted = (
        "TikTok is a potential counterintelligence threat, US senators Schumer and Cotton wrote."
    )
    stories = demo_desk.related(text=pasted, k=3)
    best = max((i for s in stories for i in s.items), key=lambda i: i.score)
    assert "counterintelligence threat" in demo_desk.document(best.document.doc_id).text
    assert "TikTok" in best.reason
