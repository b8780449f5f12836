"""Extractive answers: the sentence that decides the question first, then only what
adds to it, each a verbatim span citing its document; "nothing found" when no sentence
bears on what the question is about.

A candidate span (search/evidence.py: a sentence, joined to the one before when it
leans on it) is scored by
  cosine · cos(question, span) + rarity · Σ idf of question terms it holds / Σ idf
  + kind · [it holds the kind of thing asked: a name for "who", a date for "when", …]
  + rank · 1/√(its document's retrieval rank)
— the answer-type and term-weighting features of classic QA sentence selection
(Ittycheriah et al., TREC 2001; Tellex et al., "Quantitative evaluation of passage
retrieval algorithms for question answering", SIGIR 2003). A span must also hold the
question's key constraint (its names and numbers, search/question.py) in its own text,
its headline or its year. Further spans are added only when they hold what the lead
does not (the kind asked for, or question terms it lacks), by maximal marginal
relevance (Carbonell & Goldstein, SIGIR 1998).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from index.derived.embedding import Embedder
from index.text.analyzer import analyze
from search.evidence import Unit, passage_units
from search.mentions import holds
from search.plan import SearchPlan, make_plan
from search.question import QuestionProfile, profile
from search.retriever import Ranking, Retriever
from search.types import Answer, AnswerSentence, Citation, Filters, Passage

NOT_FOUND = "Nothing in the archive answers this question."
SIGNALS = ("rarity", "kind", "rank", "join", "constraint", "focus")
# Around a span, what still counts as its context for the key constraint (characters).
CONTEXT_BEFORE, CONTEXT_AFTER = 300, 150
CONSTRAINT_PREFIX = 4
TEASER_WORDS = 12
# Names news writes in more than one way (analyzed terms).
ALIASES = {
    "unit": frozenset({"us"}), "state": frozenset({"us"}), "america": frozenset({"us"}),
    "american": frozenset({"us"}), "us": frozenset({"america", "american"}),
    "britain": frozenset({"uk"}), "british": frozenset({"uk"}), "uk": frozenset({"britain"}),
}  # fmt: skip


@dataclass(frozen=True)
class AnswerConfig:
    """Weights of the span score (module docstring); `min_relevance` and
    `min_constraint` decide "nothing found" (calibrated in docs/evaluation.md);
    `keep_within`: a further span scores within this of the lead; `adds_share`: or
    it holds at least this idf share of question terms the chosen spans lack.
    `signals` switches features off for the ablation in docs/evaluation.md."""

    passages: int = 8
    max_sentences: int = 3
    cosine: float = 0.5
    rarity: float = 0.3
    kind: float = 0.12
    rank: float = 0.1
    latest_rank: float = 0.3
    min_relevance: float = 0.45
    min_constraint: float = 0.7
    min_focus: float = 0.2
    keep_within: float = 0.12
    adds_share: float = 0.2
    redundancy: float = 0.8
    min_words: int = 5
    signals: frozenset[str] = field(default_factory=lambda: frozenset(SIGNALS))


@dataclass(frozen=True)
class _Scored:
    """A span with its score; `held`: the question terms it holds; `index`: its row in
    the similarity matrix of its scoring."""

    unit: Unit
    relevance: float
    constraint: float
    focus: float
    kind: bool
    held: frozenset[str]
    index: int
    rank: int


@dataclass(frozen=True)
class _Scoring:
    spans: list[_Scored]
    between: tuple[tuple[float, ...], ...]
    rarity: dict[str, float]
    latest: bool = False


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        embedder: Callable[[], Embedder],
        config: AnswerConfig | None = None,
    ) -> None:
        """`embedder` returns the sentence embedder when first needed (it loads lazily)."""
        self.retriever = retriever
        self._embedder = embedder
        self.config = config or AnswerConfig()

    def ask(
        self,
        question: str,
        k: int = 5,
        mode: str = "hybrid",
        filters: Filters | None = None,
        plan: SearchPlan | None = None,
    ) -> Answer:
        """`plan` (search/plan.py) carries time and outlet handling; without one the
        question is searched as written with `filters`."""
        if not question.strip():
            return Answer(question, False, (), (), (), "Ask a question.")
        plan = plan or make_plan(question, filters, question_dates=False, diversify=False)
        limit = self.config.passages
        ranking = self.retriever.rank_plan(plan, max(k, limit * 4), mode)
        passages = tuple(self.retriever.passages(ranking, max(k, 1)))
        chosen = self._select(self._score(profile(plan.query), ranking, plan.latest))
        if not chosen:
            return Answer(question, False, (), (), passages, NOT_FOUND, plan.timeframe)
        citations = tuple(
            Citation(number, s.unit.passage, s.unit.start, s.unit.end, s.unit.text)
            for number, s in enumerate(chosen, start=1)
        )
        sentences = tuple(
            AnswerSentence(c.text, c.number, c.passage.published, c.passage.source)
            for c in citations
        )
        return Answer(question, True, sentences, citations, passages, "", plan.timeframe)

    def _pool(self, ranking: Ranking) -> list[tuple[Passage, int]]:
        """The best chunks before collapsing, at most two per document, each with its
        document's rank: the deciding sentence may sit in a second-best chunk."""
        limit = self.config.passages
        ranked = self.retriever.passages(ranking, limit * 4, collapse=False)
        doc_rank: dict[str, int] = {}
        pool = []
        for passage in ranked:
            count = sum(1 for p, _ in pool if p.doc_id == passage.doc_id)
            doc_rank.setdefault(passage.doc_id, len(doc_rank) + 1)
            if count < 2:
                pool.append((passage, doc_rank[passage.doc_id]))
            if len(pool) == limit:
                break
        return pool

    def _units(self, ranking: Ranking) -> list[tuple[Unit, int]]:
        store, seen, units = self.retriever.index.store, set(), []
        texts: dict[str, str | None] = {}
        for passage, rank in self._pool(ranking):
            if passage.doc_id not in texts:
                document = store.get(passage.doc_id)
                texts[passage.doc_id] = document.text if document else None
            text = texts[passage.doc_id]
            if text is None:
                continue  # removed since the served generation was built
            join = "join" in self.config.signals
            for unit in passage_units(passage, text, self.config.min_words, join):
                if unit.text.endswith(("...", "…")) and len(unit.text.split()) < TEASER_WORDS:
                    continue  # a feed teaser cut off before it says anything
                key = " ".join(unit.text.split())
                if key not in seen:
                    seen.add(key)
                    units.append((unit, rank))
        return units

    def _score(self, question: QuestionProfile, ranking: Ranking, latest: bool) -> _Scoring:
        """Every candidate span scored, best first; for a "latest" question the rank
        (newest relevant report first) weighs `latest_rank` instead of `rank`."""
        units = self._units(ranking)
        if not units or not question.terms:
            return _Scoring([], (), {}, latest)
        config, on = self.config, self.config.signals
        rarity = ranking.generation.rarity(question.terms)
        total = sum(rarity.values()) or 1.0
        asked = set(question.terms)
        relations = self._embedder().relations(question.text, [u.text for u, _ in units])
        spans = []
        for index, ((unit, rank), cosine) in enumerate(zip(units, relations.to_query, strict=True)):
            terms = frozenset(analyze(unit.text))
            held = asked & terms
            kind = holds(question.kind, unit.text, asked)
            share = (
                sum(rarity[t] for t in held) / total if "rarity" in on else len(held) / len(asked)
            )
            relevance = (
                config.cosine * cosine
                + config.rarity * share
                + (config.kind * kind if "kind" in on else 0.0)
                + (
                    (config.latest_rank if latest else config.rank) / rank**0.5
                    if "rank" in on
                    else 0.0
                )
            )
            constraint = (
                _constraint_share(question, rarity, unit, terms) if "constraint" in on else 1.0
            )
            focus = _focus_share(question, rarity, terms) if "focus" in on else 1.0
            spans.append(
                _Scored(unit, relevance, constraint, focus, kind, frozenset(held), index, rank)
            )
        spans.sort(key=lambda s: (-s.relevance, s.unit.passage.chunk_id, s.unit.start))
        return _Scoring(spans, relations.between, rarity, latest)

    def _select(self, scoring: _Scoring) -> list[_Scored]:
        config = self.config
        eligible = [
            s for s in scoring.spans
            if s.constraint >= config.min_constraint and s.focus >= config.min_focus
        ]  # fmt: skip
        eligible = [s for s in eligible if s.relevance >= config.min_relevance]
        if not eligible:
            return []
        if scoring.latest:
            # The newest relevant report leads (the ranking put it first).
            newest = min(s.rank for s in eligible)
            eligible.sort(key=lambda s: s.rank != newest)
        lead = eligible[0]
        chosen = [lead]
        total = sum(scoring.rarity.values()) or 1.0
        for candidate in eligible[1:]:
            if len(chosen) == config.max_sentences:
                break
            if candidate.relevance < lead.relevance - config.keep_within:
                break
            if any(_overlaps(candidate.unit, c.unit) for c in chosen):
                continue
            similarity = max(scoring.between[candidate.index][c.index] for c in chosen)
            if similarity > config.redundancy:
                continue
            if _adds(candidate, chosen, scoring.rarity, total, config.adds_share):
                chosen.append(candidate)
        return chosen


def _constraint_share(question: QuestionProfile, rarity, unit: Unit, terms) -> float:
    """The idf share of the question's names and numbers found around the span (its
    text and the passage text just before and after it), its headline or its year;
    1.0 for a question without any. A name matches its adjective ("Morocco" and
    "Moroccan") by a shared first CONSTRAINT_PREFIX letters."""
    if not question.constraints:
        return 1.0
    passage = unit.passage
    low = max(0, unit.start - passage.start - CONTEXT_BEFORE)
    high = unit.end - passage.start + CONTEXT_AFTER
    context = set(terms) | set(analyze(passage.text[low:high])) | set(analyze(passage.title or ""))
    if passage.published is not None:
        context.add(str(passage.published.year))
    prefixes = {t[:CONSTRAINT_PREFIX] for t in context if len(t) > CONSTRAINT_PREFIX}
    # A name counts as held when half its words are ("Meng" for "Meng Wanzhou", not
    # "Health" for "World Health Organization"), weighted by its rarest word.
    weights = [max(rarity[t] for t in name) for name in question.constraints]
    found = sum(
        weight for name, weight in zip(question.constraints, weights, strict=True)
        if 2 * sum(_present(t, context, prefixes) for t in name) >= len(name)
    )  # fmt: skip
    return found / (sum(weights) or 1.0)


def _focus_share(question: QuestionProfile, rarity, terms) -> float:
    """The idf share of what the question asks of its names ("head", "cost") that the
    span itself says, a word matching its derivations by prefix; 1.0 when it asks
    nothing beyond its names."""
    if not question.focus:
        return 1.0
    prefixes = {t[:CONSTRAINT_PREFIX] for t in terms if len(t) > CONSTRAINT_PREFIX}
    weight = sum(rarity[t] for t in question.focus) or 1.0
    return sum(rarity[t] for t in question.focus if _present(t, terms, prefixes)) / weight


def _present(term: str, context: set[str], prefixes: set[str]) -> bool:
    if term in context or ALIASES.get(term, frozenset()) & context:
        return True
    return len(term) > CONSTRAINT_PREFIX and term[:CONSTRAINT_PREFIX] in prefixes


def _overlaps(first: Unit, second: Unit) -> bool:
    same = first.passage.doc_id == second.passage.doc_id
    return same and first.start < second.end and second.start < first.end


def _adds(candidate: _Scored, chosen: list[_Scored], rarity, total: float, share: float) -> bool:
    """Whether the span holds what the chosen ones lack: the kind of thing asked for,
    or question terms worth at least `share` of the question's idf."""
    if candidate.kind:
        return True
    covered = frozenset().union(*(c.held for c in chosen))
    return sum(rarity[t] for t in candidate.held - covered) / total >= share
