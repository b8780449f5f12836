"""What a report is about, as features a story can be grouped by: its named entities
(people, organisations, places, events written as names) and its content phrases.

Names come from a trained named-entity tagger (spaCy's en_core_web_sm, see
entities.py): on the labeled demo stories it raised pairwise recall from 0.59 to 0.75
over the capitalised-word patterns used before (kept as `_pattern_name_counts` for
comparison; docs/evaluation.md has both sets' figures). Each name is cut at office and
grammar words ("US President Donald Trump" → "US", "Donald Trump"). A surname or first
word that stands for a longer name in the same report ("Huang" → "Jensen Huang",
"Wingtech" → "Wingtech Technology") is counted as that name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from index.text.analyzer import STOP_WORDS
from search.stories.aliases import canonical_names, quoted_phrases

MAX_NAMES = 25
QUOTED = "“"  # the key prefix of a name the report puts in quotation marks
MAX_PHRASES = 40
TITLE_WEIGHT = 3

_CAP_WORD = r"(?:[A-Z][\w’'&.-]*\w|[A-Z])"
_NAME = re.compile(rf"{_CAP_WORD}(?:\s+(?:of\s+|de\s+|for\s+)?{_CAP_WORD})*")
_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
# Where a sentence may open: the text's start, a line's, or after . ! ? and a space,
# with any opening quote or bracket. A pattern, not the sentence breaker: here a missed
# boundary costs little and the breaker would cost most of the profiling time.
_OPENING = re.compile(r"(?:^|\n|[.!?][\"”’')\]]*\s+)[\s\"“‘'(\[—–-]*")
_LOWER = re.compile(r"\b[a-z][a-z-]+\b")
_CLAUSE = re.compile(r"[^\w\s’'-]+|\n")
_LEADING = re.compile(r"^(?:The|A|An|In|On|At|But|And|For|As|By|From|With|Of|To|If)\s+")
_POSSESSIVE = re.compile(r"[’']s?$")

# Words that are capitalised for grammar or office, never what a story is about.
GENERIC = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december jan feb mar apr jun
    jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun ltd co inc corp llc
    plc mr ms mrs dr president premier minister chairman ceo chief vice secretary
    spokesperson spokesman spokeswoman according however meanwhile earlier later last
    next new read more photo getty images file pm am update updated news report reports
    reported week year today yesterday tomorrow around among amid after before while since
    despite during one two three first second third many several some this that these
    those there here his her their its our they we you it he she foreign representative
    senator sen rep governor director executive officer deputy founder analyst professor
    spokesperson head commissioner ambassador envoy general""".split()
)
_AFFIX = re.compile(r"-(?:based|owned|linked|led|backed|made|listed|born|funded|registered)$")


@dataclass(frozen=True)
class Profile:
    """A report's names and phrases, most salient first. `names` are (key, display)
    pairs: the key is case-folded without dots ("us" for "U.S."); `phrases` are
    case-folded two-word content phrases ("dutch court") with their display form."""

    doc_id: str
    names: tuple[tuple[str, str], ...]
    phrases: tuple[tuple[str, str], ...]

    @property
    def name_keys(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.names)

    @property
    def phrase_keys(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.phrases)


def name_key(name: str) -> str:
    return name.casefold().replace(".", "").replace("’", "'")


def profile(doc_id: str, title: str, text: str) -> Profile:
    """The report's top MAX_NAMES names (headline mentions count TITLE_WEIGHT times)
    and top MAX_PHRASES phrases."""
    counts, shown = _name_counts(text, 1)
    headline, _ = _name_counts(title, TITLE_WEIGHT)
    _add_quoted(counts, shown, text, 1)
    _add_quoted(headline, {}, title, TITLE_WEIGHT)
    for key, count in headline.items():
        # A title-cased headline runs words together: keep what the body names too.
        parts = [key] if key in counts else [p for p in key.split() if p in counts]
        for part in parts:
            counts[part] += count
    counts, shown = canonical_names(counts, shown)
    counts = _fold_short_forms(counts, shown)
    names = sorted(counts, key=lambda key: (-counts[key], key))[:MAX_NAMES]
    phrases = _phrases(title + "\n" + text)
    return Profile(doc_id, tuple((k, shown[k]) for k in names), phrases)


def _name_counts(text: str, weight: int) -> tuple[Counter[str], dict[str, str]]:
    """Names by the trained tagger (search/stories/entities.py), each cut at office and
    grammar words and cleaned as pattern names are."""
    from search.stories.entities import entity_names

    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for entity in entity_names(text):
        for name in _split_generic(entity.split()):
            key = name_key(name)
            counts[key] += weight
            shown.setdefault(key, name)
    return counts, shown


def _add_quoted(counts: Counter[str], shown: dict[str, str], text: str, weight: int) -> None:
    for phrase in quoted_phrases(text, STOP_WORDS | GENERIC):
        key = QUOTED + name_key(phrase)
        counts[key] += weight
        shown.setdefault(key, f"“{phrase}”")


def _pattern_name_counts(text: str, weight: int) -> tuple[Counter[str], dict[str, str]]:
    runs: list[tuple[list[str], bool]] = []
    midsentence: set[str] = set()
    openings = {m.end() for m in _OPENING.finditer(text)}
    for match in _NAME.finditer(text):
        words = match.group().split()
        at_start = match.start() in openings
        runs.append((words, at_start))
        if not at_start:
            midsentence.update(words)
    lower_words = set(_LOWER.findall(text))
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for words, at_start in runs:
        if at_start and words[0] not in midsentence and _common(words[0], lower_words):
            words = words[1:]  # capitalised only because it opens the sentence
        for name in _split_generic(words):
            key = name_key(name)
            counts[key] += weight
            shown.setdefault(key, name)
    return counts, shown


def _common(word: str, lower_words: set[str]) -> bool:
    """A sentence-opening word that is an ordinary word: written in lower case
    elsewhere in the report, a stop word, or an adverb."""
    bare = word.casefold()
    return bare in lower_words or bare in STOP_WORDS or bare in GENERIC or bare.endswith("ly")


def _split_generic(words: list[str]) -> list[str]:
    """A run cut at office and grammar words: "US President Donald Trump" → "US",
    "Donald Trump"; each piece cleaned."""
    pieces, current = [], []
    for word in words:
        bare = _POSSESSIVE.sub("", word.strip(".’'")).casefold()
        if bare in GENERIC or bare in STOP_WORDS and bare not in ("of", "de", "for"):
            pieces.append(current)
            current = []
        elif _POSSESSIVE.search(word):  # "Nvidia’s H200": the owner, then what it owns
            pieces.append([*current, word])
            current = []
        else:
            current.append(word)
    pieces.append(current)
    names = (_clean(" ".join(piece)) for piece in pieces if piece)
    return [name for name in names if name]


def _clean(raw: str) -> str:
    name = _LEADING.sub("", raw.strip())
    name = _POSSESSIVE.sub("", name).strip(" .’'&-")
    name = _AFFIX.sub("", name)
    words = name.split()
    while words and words[0].casefold() in GENERIC | STOP_WORDS:
        words.pop(0)
    while words and words[-1].casefold() in GENERIC | STOP_WORDS:
        words.pop()
    name = " ".join(words)
    if len(name) < 2 or (len(name) == 2 and not name.isupper()):
        return ""
    return name


def _fold_short_forms(counts: Counter[str], shown: dict[str, str]) -> Counter[str]:
    """Count "Huang" as "Jensen Huang" when this report names exactly one longer name
    that begins or ends with it."""
    longer = [key for key in counts if " " in key]
    folded: Counter[str] = Counter()
    for key, count in counts.items():
        owners = (
            []
            if " " in key
            else [name for name in longer if name.split()[0] == key or name.split()[-1] == key]
        )
        folded[owners[0] if len(owners) == 1 else key] += count
    return folded


def _phrases(text: str) -> tuple[tuple[str, str], ...]:
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for clause in _CLAUSE.split(text):
        words = _WORD.findall(clause)
        for first, second in zip(words, words[1:], strict=False):
            lowered = (first.casefold(), second.casefold())
            if any(w in STOP_WORDS or w in GENERIC or len(w) < 3 for w in lowered):
                continue
            key = " ".join(lowered)
            counts[key] += 1
            shown.setdefault(key, f"{first} {second}")
    top = sorted(counts, key=lambda key: (-counts[key], key))[:MAX_PHRASES]
    return tuple((key, shown[key]) for key in top)
