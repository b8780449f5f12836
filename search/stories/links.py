"""How closely two reports belong to one story: what they say (their vectors), whom
and what they name (rare names and phrases they share), and how far apart in time
they ran — the three signals of topic detection and tracking (Allan et al., "Topic
Detection and Tracking Pilot Study", 1998), combined as

    content = (1 − name_weight) · cosine(mean chunk vectors) + name_weight · cosine(names)
    link    = content · 1 / sqrt(1 + (days apart / time_scale)²)

`cosine(names)` compares the reports' tf-idf vectors over names (idf over the archive's
reports) and, at half weight, over two-word phrases; a name or phrase in more than
`generic_share` of the reports ("China", "US", "artificial intelligence") carries no
weight and never appears in a reason.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from search.stories.aliases import without_spelled_out
from search.stories.profile import GENERIC, QUOTED, Profile

PHRASE_WEIGHT = 0.5
# A name in at most this many reports is never common, and shares of the passages are
# not consulted below SMALL_ARCHIVE reports: in a small archive every name is "frequent".
MIN_COMMON = 3
SMALL_ARCHIVE = 30


@dataclass(frozen=True)
class LinkConfig:
    """`join`: a report joins the story it links to best when the link reaches it;
    `related_floor`: below it, a report is not closely related to a subject;
    `generic_share`/`reason_share`: names in more of the archive weigh nothing / are
    not named in a reason;
    `top_members`: a report's link to a story is the mean of its best links to this
    many members; `undated_factor` stands in for the time factor when a date is missing;
    `alike_cosine`: two texts this alike by vector are related coverage even when they
    share no telling name (a paraphrase pasted as text): on the demo archive's labeled
    pairs, 11 of 32 pairs of one story and 1 of 3,208 others reach it."""

    name_weight: float = 0.4
    time_scale_days: float = 180.0
    join: float = 0.5
    related_floor: float = 0.4
    top_members: int = 3
    undated_factor: float = 0.8
    generic_share: float = 0.2
    reason_share: float = 0.1
    max_phrase_share: float = 0.1
    alike_cosine: float = 0.8


class NameStats:
    """Document frequencies of names and phrases over the archive's profiles."""

    def __init__(
        self,
        profiles: Iterable[Profile],
        config: LinkConfig,
        word_share: Callable[[str], float] | None = None,
    ) -> None:
        """`word_share(name)`: the share of the archive's passages holding the name's
        rarest word (the BM25 index's document frequency), which catches a name the
        profiles count rarely because reports write it in a longer form ("Trump" in
        "Donald Trump")."""
        self.config = config
        self.names: Counter[str] = Counter()
        self.phrases: Counter[str] = Counter()
        self.size = 0
        self._word_share = word_share
        self._common: dict[str, float] = {}
        for item in profiles:
            self.add(item)

    def add(self, item: Profile) -> None:
        self.size += 1
        self.names.update(item.name_keys)
        self.phrases.update(item.phrase_keys)

    def idf(self, count: int) -> float:
        return math.log((self.size + 1) / (count + 0.5))

    def specific_name(self, key: str, share: float | None = None) -> bool:
        """A name that can single a story out: in at most `share` (default
        `generic_share`) of the reports and of the passages, not a common word."""
        share = self.config.generic_share if share is None else share
        if key in GENERIC or self.names[key] > max(share * self.size, MIN_COMMON):
            return False
        if self._word_share is None or self.size < SMALL_ARCHIVE:
            return True  # in a handful of reports, shares say nothing
        if key not in self._common:
            self._common[key] = self._word_share(key)
        return self._common[key] <= share

    def telling_name(self, key: str) -> bool:
        """A name rare enough to explain a link (`reason_share`)."""
        return self.specific_name(key, self.config.reason_share)

    def specific_phrase(self, key: str) -> bool:
        count = self.phrases[key]
        return 2 <= count <= max(2, self.config.max_phrase_share * self.size)

    def vector(self, item: Profile) -> dict[str, float]:
        """The profile's unit-length tf-idf vector over specific names and phrases."""
        weights: dict[str, float] = {}
        for key in item.name_keys:
            if self.specific_name(key) and (self.names[key] >= 2 or not key.startswith(QUOTED)):
                weights["n:" + key] = self.idf(self.names[key])
        for key in item.phrase_keys:
            if self.specific_phrase(key):
                weights["p:" + key] = PHRASE_WEIGHT * self.idf(self.phrases[key])
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {key: w / norm for key, w in weights.items()}


def vector_cosine(first: dict[str, float], second: dict[str, float]) -> float:
    if len(second) < len(first):
        first, second = second, first
    return sum(weight * second.get(key, 0.0) for key, weight in first.items())


def content_link(cosine: float, names_cosine: float, config: LinkConfig) -> float:
    return (1 - config.name_weight) * cosine + config.name_weight * names_cosine


def time_factor(gap_days: float | None, config: LinkConfig) -> float:
    """1 for reports of the same moment, 0.71 at `time_scale_days` apart, 0.45 at
    twice that; `undated_factor` when either report has no date."""
    if gap_days is None:
        return config.undated_factor
    return 1 / math.sqrt(1 + (gap_days / config.time_scale_days) ** 2)


def days_apart(first: datetime | None, second: datetime | None) -> float | None:
    if first is None or second is None:
        return None
    return abs((first - second).total_seconds()) / 86400


def calendar_days_apart(first: datetime | None, second: datetime | None) -> int | None:
    """Days between the two publication dates as a reader counts them (18 May 14:07 and
    19 May 00:00 are a day apart, not the same day); None when a date is missing."""
    if first is None or second is None:
        return None
    return abs((first.date() - second.date()).days)


def shared_terms(first: Profile, second: Profile, stats: NameStats, limit: int = 4) -> list[str]:
    """The telling names the two reports share, the most prominent in both first (by
    their rank in each report's names), then shared phrases that hold a telling name
    not already listed: the words of a reason."""
    rank_second = {key: rank for rank, (key, _) in enumerate(second.names)}
    names = [
        (rank + rank_second[key], display)
        for rank, (key, display) in enumerate(first.names)
        if key in rank_second and stats.telling_name(key)
    ]
    chosen = without_spelled_out([display for _, display in sorted(names)])[:limit]
    listed = set(" ".join(chosen).casefold().split())
    phrases = [
        (stats.phrases[key], display)
        for key, display in first.phrases
        if key in second.phrase_keys
        and stats.specific_phrase(key)
        and names_something(display, stats)
        and not listed & set(key.split())
    ]
    for _, display in sorted(phrases):
        if len(chosen) >= limit:
            break
        chosen.append(display)
    return chosen


def names_something(phrase: str, stats: NameStats) -> bool:
    """Whether a phrase holds a specific name ("Dutch court", not "tech giant" or
    "Chinese government"): a capitalised word the archive does not use everywhere."""
    folded = [(word, word.casefold()) for word in phrase.split()]
    return any(
        word[:1].isupper() and key in stats.names and stats.telling_name(key)
        for word, key in folded
    )


def gap_words(gap_days: float | None) -> str:
    """ "same day", "3 days apart", "5 months apart" ("" when a date is missing)."""
    if gap_days is None:
        return ""
    days = round(gap_days)
    if days < 1:
        return "same day"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''} apart"
    if days < 730:
        return f"{round(days / 30.4)} months apart"
    return f"{round(days / 365.25)} years apart"
