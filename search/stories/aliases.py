"""One name for each thing a report names, so that two reports writing it differently
still share it: a company's legal or sector suffix is dropped ("Huawei Technologies",
"Huawei Technologies Co" → "Huawei"), the first, rule-level step of entity linking
(Shen et al., "Entity Linking with a Knowledge Base", IEEE TKDE 2015, §3.1 name
normalisation). Folding a long name into the acronym the report gives it ("Taiwan
Semiconductor Manufacturing Company (TSMC)" → "TSMC") was tried and left out: it lost
the link to reports that write only the long name (rtqa proxy pairwise recall 0.354 →
0.346, docs/evaluation.md); a report naming both keeps both, which links it to either.

Also the event names a tagger misses: a short phrase the report puts in quotation marks
(“two sessions”, “unreliable entity list”) is how news writes a coined name.
"""

from __future__ import annotations

import re
from collections import Counter

# Words a company's name may end with that other reports often leave out.
SUFFIXES = frozenset(
    """technologies technology group holdings holding corporation corp company co inc
    incorporated ltd limited plc llc""".split()
)
# A quoted phrase of two to five words, in curly or straight quotes; an opening quote
# never follows a letter and a closing one is never followed by one (apostrophes).
_QUOTED = re.compile(r"(?<![\w’'])[“\"‘']([A-Za-z][\w’'\- ]{2,48}\w)[”\"’'](?![A-Za-z])")
MAX_QUOTED_WORDS = 5


def quoted_phrases(text: str, stop_words: frozenset[str]) -> list[str]:
    """Short quoted phrases, in order, that hold at least one word that is not a stop
    word: candidate event and policy names."""
    found = []
    for match in _QUOTED.finditer(text):
        words = match.group(1).split()
        if 2 <= len(words) <= MAX_QUOTED_WORDS and any(
            w.casefold() not in stop_words for w in words
        ):
            found.append(" ".join(words))
    return found


_JOINERS = frozenset({"of", "and", "the", "for", "de", "&"})


def without_spelled_out(names: list[str]) -> list[str]:
    """The names with each long form left out whose acronym is among them ("Taiwan
    Semiconductor Manufacturing" beside "TSMC"): one thing is named once in a reason or
    a story's names. Grouping keeps both (a report naming only one still shares it)."""
    acronyms = {name for name in names if name.isupper() and " " not in name}
    return [name for name in names if not _spells_out(name, acronyms)]


def _spells_out(name: str, acronyms: set[str]) -> bool:
    words = [w for w in re.split(r"[\s-]+", name) if w.casefold() not in _JOINERS]
    if len(words) < 2:
        return False
    letters = "".join(w[0] for w in words).upper()
    # The long form may have lost a company suffix its acronym keeps ("…Company").
    return any(
        a == letters or (a.startswith(letters) and len(a) == len(letters) + 1) for a in acronyms
    )


def strip_suffix(key: str) -> str:
    """ "huawei technologies co" → "huawei"; a name that is only suffix words stays."""
    words = key.split()
    while len(words) > 1 and words[-1].strip(".,") in SUFFIXES:
        words.pop()
    return " ".join(words)


def canonical_names(
    counts: Counter[str], shown: dict[str, str]
) -> tuple[Counter[str], dict[str, str]]:
    """Counts with company suffixes dropped; `shown` gains the display of every key it
    returns."""
    merged: Counter[str] = Counter()
    display = dict(shown)
    for key, count in counts.items():
        target = strip_suffix(key) if " " in key else key
        if target not in display:
            display[target] = " ".join(shown.get(key, key).split()[: len(target.split())])
        merged[target] += count
    return merged, display
