"""The app's HTML, without a browser: markup from documents, feeds and users is shown
as text, and only http(s) links are made (the browser tests check the same in Chromium)."""

from __future__ import annotations

from datetime import UTC, datetime

from index.documents import DocumentSummary
from search.types import (
    Answer,
    AnswerSentence,
    Citation,
    Contribution,
    Passage,
    RelatedItem,
    Scores,
    Story,
)
from ui.charts import month_bars, outlet_bars
from ui.html import answer_html, message_html, safe_link
from ui.library import listing_html, removal_done, removal_prompt
from ui.storyhtml import stories_html, story_list_html

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">"quoted" \'single\''


def _summary(url: str | None = "javascript:alert(3)", day: int = 18) -> DocumentSummary:
    return DocumentSummary(
        "d1", EVIL, EVIL, (EVIL,), datetime(2020, 5, day, tzinfo=UTC), url, (EVIL,)
    )


def _assert_inert(markup: str) -> None:
    assert "<script" not in markup and "<img" not in markup
    assert 'onerror="' not in markup and "javascript:" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup


def test_every_field_of_an_answer_is_escaped():
    passage = Passage(
        1,
        "d1:0000",
        _summary(),
        EVIL,
        0,
        len(EVIL),
        Scores(0.5, 1, 2.0, 1, 0.8),
        also_in=(_summary(),),
    )
    answer = Answer(
        EVIL,
        True,
        (AnswerSentence(EVIL, 1),),
        (Citation(1, passage, 0, len(EVIL), EVIL),),
        (passage,),
    )
    _assert_inert(answer_html(answer))
    _assert_inert(message_html(EVIL))


def test_stories_timelines_charts_and_library_are_escaped():
    adds = Contribution(EVIL, 0, len(EVIL))
    items = tuple(
        RelatedItem(_summary(day=day), 0.7, EVIL, also_in=(_summary(),), adds=adds)
        for day in (3, 18)
    )
    story = Story(EVIL, EVIL, items, reports=2, names=(EVIL,))
    markup = stories_html([story])
    assert "<svg class='nd-chart'" in markup, "two dated reports get a timeline chart"
    for html in (
        markup,
        story_list_html([story], EVIL),
        outlet_bars([_summary()]),
        month_bars([_summary()]),
        listing_html([_summary()], 1),
        removal_prompt(_summary()),
        removal_done(_summary(), 3),
    ):
        assert "<script" not in html and "<img" not in html and 'onerror="' not in html
    _assert_inert(markup)
    _assert_inert(listing_html([_summary()], 1))


def test_only_http_links_are_made():
    assert safe_link("javascript:alert(1)", "x") == ""
    assert safe_link("data:text/html,<b>", "x") == ""
    link = safe_link('https://example.com/a"onmouseover="x', EVIL)
    assert link.startswith('<a href="https://example.com/a&quot;onmouseover=&quot;x"')
    assert "&lt;script&gt;" in link and 'rel="noopener noreferrer nofollow"' in link
