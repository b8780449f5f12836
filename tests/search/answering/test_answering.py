"""The learned answer on the bundled corpus (real scorer, real index): every candidate
span reaches the scorer, another scorer can be passed in, the answer phrase is exact
and shown bold, and a "latest" question leads with a report uploaded after the rest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from search.answer import Answerer
from search.desk import Newsdesk
from search.plan import make_plan
from search.types import SearchRequest
from ui.html import answer_html
from ui.render import answer_json, answer_lines

pytestmark = pytest.mark.model

APRIL_REPORT = """<!doctype html><html><head><meta charset="utf-8">
<title>Nexperia and Wingtech agree on interim supply deal as Dutch court ruling nears</title>
<meta property="og:site_name" content="Tech Desk Daily">
<meta property="article:published_time" content="2026-04-20T09:00:00Z">
</head><body><article>
<h1>Nexperia and Wingtech agree on interim supply deal as Dutch court ruling nears</h1>
<p>Dutch chipmaker Nexperia and its Chinese parent Wingtech Technology agreed on Monday to
an interim deal that restores chip shipments from Nexperia's Dongguan plant to European
carmakers until the Amsterdam Enterprise Chamber rules on control of the company.</p>
<p>Under the deal, Wingtech will keep its voting rights suspended while Nexperia's Dutch
management resumes buying wafers for the Chinese plant, the two companies said.</p>
</article></body></html>"""


class RecordingScorer:
    """Scores by shared words with the question and records every text it is given."""

    name = "recording"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def score(self, question, texts):
        self.seen.extend(texts)
        asked = set(question.casefold().split())
        return [float(len(asked & set(t.casefold().split()))) for t in texts]


def test_every_candidate_span_reaches_the_scorer_before_any_decision(demo_desk):
    scorer = RecordingScorer()
    answerer = Answerer(demo_desk.retriever, scorer)
    question = "In which city was Meng Wanzhou detained?"
    plan = make_plan(SearchRequest(question, question_dates=False, diversify=False))
    ranking = demo_desk.retriever.rank_plan(plan, 24)
    judgement = answerer.judgement(plan, ranking)
    assert len(scorer.seen) == len(judgement.judged) > 10
    # Spans that never name Meng are scored too: no name rule vetoes them first.
    assert any("Meng" not in text for text in scorer.seen)


def test_a_scorer_passed_in_is_the_one_that_answers(demo_desk):
    scorer = RecordingScorer()
    with Newsdesk(demo_desk.index.dir, scorer=scorer) as desk:
        desk.ask("Who is the head of the China Semiconductor Industry Association?")
    assert scorer.seen


def test_the_answer_phrase_is_exact_and_shown_bold_everywhere(demo_desk):
    answer = demo_desk.ask("Who chairs the House Foreign Affairs Committee?")
    lead = answer.sentences[0]
    assert lead.phrase is not None and lead.phrase.text == "Brian Mast"
    document = demo_desk.index.document(answer.citations[0].passage.doc_id)
    assert document.text[lead.phrase.start : lead.phrase.end] == "Brian Mast"
    assert "<strong class='nd-phrase'>Brian Mast</strong>" in answer_html(answer)
    assert "\033[1mBrian Mast\033[0m" in "\n".join(answer_lines(answer, bold=True))
    assert "\033[" not in "\n".join(answer_lines(answer))
    printed = answer_json(answer)
    assert printed["answer"][0]["phrase"]["text"] == "Brian Mast"
    assert printed["citations"][0]["phrase"] == printed["answer"][0]["phrase"]


@pytest.fixture(scope="module")
def uploaded_desk(tmp_path_factory, demo_dir):
    folder = tmp_path_factory.mktemp("latest")
    page = folder / "nexperia-april.html"
    page.write_text(APRIL_REPORT, encoding="utf-8")
    with Newsdesk(folder / "index") as desk:
        desk.add([str(demo_dir), str(page)])
        yield desk


def test_latest_leads_with_a_report_uploaded_after_the_others(uploaded_desk):
    as_of = datetime(2026, 4, 30, tzinfo=UTC)
    answer = uploaded_desk.ask("What's the latest on Nexperia?", as_of=as_of)
    assert answer.timeframe is not None and answer.timeframe.latest
    assert answer.passages[0].published.date().isoformat() == "2026-04-20"
    assert answer.found and answer.sentences[0].published.date().isoformat() == "2026-04-20"
