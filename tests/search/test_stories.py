"""The archive's stories on the bundled corpus (real model, FAISS, SQLite): grouped as
the hand-labeled set in tests/data/stories groups them, explained by the names they
share, each report's contribution cited exactly, and kept up to date incrementally."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.stories import (
    common_words,
    generic_reason_share,
    load_story_labels,
    score_grouping,
)
from search.related import PICKED
from search.types import Filters

pytestmark = pytest.mark.model

LABELS = Path(__file__).resolve().parents[1] / "data" / "stories" / "demo_stories.json"
NEXPERIA = "China and the Netherlands seek ‘pragmatic’ reset as Nexperia row rolls on"


def _by_title(desk, title: str) -> str:
    return next(s.doc_id for s in desk.summaries() if s.title == title)


def _grouping(desk) -> dict[str, str]:
    return desk.story_of_each()


def test_stories_match_the_hand_labeled_grouping(demo_desk):
    scores = score_grouping(_grouping(demo_desk), load_story_labels(LABELS))
    assert scores.documents == 81
    # Measured 0.944 / 0.86 (docs/evaluation.md); all singletons would score F1 0.89
    # and pair recall 0, so pair recall is the figure that shows grouping happens.
    assert scores.bcubed_f1 >= 0.92 and scores.pair_precision >= 0.8
    assert scores.pair_recall >= 0.5


def test_the_nexperia_dispute_is_one_story_and_its_reasons_name_it(demo_desk):
    stories = demo_desk.related(doc_id=_by_title(demo_desk, NEXPERIA))
    first = stories[0]
    titles = {item.document.title for item in first.items}
    assert {t.split()[0] for t in titles} >= {"Nexperia,", "Nexperia", "China"}
    assert len(first.items) == 4 and first.reports == 4  # the picked report among them
    for item in first.items:
        assert item.reason == "the report you picked" or (
            "Nexperia" in item.reason and " apart" in item.reason
        )
    for story in stories[1:]:
        assert all(item.reason.split(" — ")[0] for item in story.items)


def test_no_reason_is_made_of_generic_words_and_padding_gives_way_to_nothing(demo_desk):
    stories = [s for doc in demo_desk.summaries() for s in demo_desk.related(doc_id=doc.doc_id)]
    words = common_words(d.title + "\n" + d.text for d in demo_desk.documents())
    assert generic_reason_share(stories, words) == 0.0
    for reason in (i.reason for s in stories for i in s.items if i.reason != PICKED):
        terms = reason.split(" — ")[0].split(", ")
        assert not {"Around", "Among", "Earlier", "China", "US", "Shares"} & set(terms), reason
    fifa = _by_title(
        demo_desk, next(s.title for s in demo_desk.summaries() if s.title.startswith("FIFA"))
    )
    assert demo_desk.related(doc_id=fifa) == [], "nothing closely related"


def test_each_report_adds_an_exactly_cited_sentence(demo_desk):
    stories = demo_desk.stories(limit=None)
    assert len(stories) >= 5
    for story in stories:
        for item in story.items:
            document = demo_desk.document(item.document.doc_id)
            assert item.adds is not None
            assert document.text[item.adds.start : item.adds.end] == item.adds.text
    firsts = [s.items[0].adds.text for s in stories]
    assert len(set(firsts)) == len(firsts)


def test_stories_are_newest_first_and_filter_by_date_and_outlet(demo_desk):
    stories = demo_desk.stories(limit=None)
    lasts = [s.last for s in stories]
    assert lasts == sorted(lasts, reverse=True)
    assert all(s.reports >= 2 and len(s.items) == s.reports for s in stories)
    from datetime import UTC, datetime

    in_2020 = demo_desk.stories(
        Filters.between(datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 12, 31, tzinfo=UTC))
    )
    assert in_2020 and all(any(i.document.published.year == 2020 for i in s.items) for s in in_2020)
    moore = demo_desk.stories(Filters(sources=("Moore",)))  # credited by a Chinascope brief
    assert len(moore) == 1 and set(moore[0].outlets) == {"Caixin Global", "Chinascope"}
    assert demo_desk.story(moore[0].story_id).items == moore[0].items
    singles = demo_desk.stories(min_reports=1, limit=None)
    assert len(singles) == len(set(_grouping(demo_desk).values()))


ARTICLES = {
    "barrier-1.txt": """Port Wexley approves tidal barrier

The Port Wexley harbour authority on Tuesday approved a tidal barrier for the old quay, costing 410 million dollars. Mayor Ilse Varga said storms had flooded the quay four times this year.
""",
    "bakery.txt": """Glenmoor bakery wins national bread prize

A family bakery in Glenmoor won the national bread prize on Saturday for its rye sourdough, beating 200 entries. The owners, Tomas and Rita Okafor, said they would keep prices unchanged.
""",
    "barrier-2.txt": """Port Wexley tidal barrier contract goes to Halden Marine

Halden Marine won the contract to build the Port Wexley tidal barrier on Friday, three days after the harbour authority approved the 410 million dollar project. Mayor Ilse Varga said work on the old quay begins in May.
""",
}


@pytest.fixture()
def small_desk(tmp_path):
    from search.desk import Newsdesk

    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text)
    desk = Newsdesk(tmp_path / "index")
    yield desk, tmp_path
    desk.close()


def test_adding_a_report_updates_the_stories_without_rebuilding_them(small_desk):
    from search.desk import Newsdesk

    desk, folder = small_desk
    desk.add([str(folder / "barrier-1.txt"), str(folder / "bakery.txt")])
    before = _grouping(desk)
    assert len(set(before.values())) == 2
    desk.add([str(folder / "barrier-2.txt")])
    after = _grouping(desk)
    assert {d: after[d] for d in before} == before, "nothing assigned is moved"
    new = next(d for d in after if d not in before)
    barrier = next(d for d in before if "Wexley" in desk.document(d).title)
    assert after[new] == after[barrier]
    with Newsdesk(desk.index_dir) as reopened:
        assert reopened.book.refresh().added == 0, "the book is kept on disk"
        story = reopened.story(after[barrier])
        assert "Port Wexley" in story.items[1].reason or "Ilse Varga" in story.items[1].reason
    desk.delete(new)
    assert new not in _grouping(desk)


def test_the_two_sessions_reports_are_one_story_and_a_paraphrase_finds_them(demo_desk):
    ninth = _by_title(demo_desk, "China’s chip industry seeks more state support for AI dominance")
    fifteenth = _by_title(
        demo_desk, "‘Two sessions’ signals China-US tech contest is entering a new era"
    )
    grouping = _grouping(demo_desk)
    assert grouping[ninth] == grouping[fifteenth], "the quoted event name links them"
    related = [i for s in demo_desk.related(doc_id=fifteenth) for i in s.items]
    assert any(i.document.doc_id == ninth and "two sessions" in i.reason for i in related)
    pasted = (
        "As China's annual parliamentary meetings ended, the policy priorities that emerged "
        "suggest the country's technology relationship with the US is entering a new era. "
        "The government work report targets growth of 4.5 to 5 per cent and raises science "
        "funding, with research and development spending up 10 per cent."
    )
    found = [i for s in demo_desk.related(text=pasted) for i in s.items]
    assert found and found[0].document.doc_id == fifteenth
    assert found[0].reason == "says much the same", "no shared name, so it says why"


def test_two_instalments_of_a_digest_column_are_not_one_story(demo_desk):
    digests = [
        s.doc_id for s in demo_desk.summaries() if s.title.endswith("US-China relations reads")
    ]
    assert len(digests) == 2
    grouping = _grouping(demo_desk)
    assert grouping[digests[0]] != grouping[digests[1]]


def test_stories_asked_for_while_an_add_lacks_vectors_end_as_a_fresh_grouping(small_desk):
    desk, folder = small_desk
    files = [str(folder / n) for n in ("barrier-1.txt", "barrier-2.txt", "bakery.txt")]
    desk.index.progressive_from = 1
    polled = []
    # A reader asks for stories at every step of the fill, the first with words only.
    desk.index._announce = lambda: polled.append(
        len(desk.book.refresh(desk.index.snapshot()) and desk.book.story_ids())
    )
    desk.add(files)
    assert desk.index.manifest().pending_chunks == 0 and polled
    grouping = _grouping(desk)
    barriers = [d for d in grouping if "Wexley" in desk.document(d).text]
    assert len(barriers) == 2 and grouping[barriers[0]] == grouping[barriers[1]]
    assert len(set(grouping.values())) == 2, "as a grouping made after the fill"
