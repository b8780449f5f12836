"""One name for each thing a report names, so that two reports writing it differently
still share it: a long name is counted as the acronym the same report uses for it
("Taiwan Semiconductor Manufacturing Company (TSMC)" → "TSMC"), and a company's legal
or sector suffix is dropped ("Huawei Technologies", "Huawei Technologies Co" →
"Huawei"). Both are the first, rule-level steps of entity linking (Shen et al., "Entity
Linking with a Knowledge Base", IEEE TKDE 2015, §3.1 name normalisation); with no
knowledge base at hand, nothing is merged that the report itself does not support.

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
_INITIAL_SKIP = frozenset({"of", "and", "the", "for", "de", "&"})
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}$")
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


def initials(display: str) -> str:
    words = [w for w in re.split(r"[\s-]+", display) if w.casefold() not in _INITIAL_SKIP]
    return "".join(w[0] for w in words if w[:1].isalpha()).upper()


def strip_suffix(key: str) -> str:
    """ "huawei technologies co" → "huawei"; a name that is only suffix words stays."""
    words = key.split()
    while len(words) > 1 and words[-1].strip(".,") in SUFFIXES:
        words.pop()
    return " ".join(words)


def canonical_names(
    counts: Counter[str], shown: dict[str, str]
) -> tuple[Counter[str], dict[str, str]]:
    """Counts with long names folded into the report's own acronyms for them, then
    suffixes dropped; `shown` gains the display of every key it returns."""
    acronyms = {shown[key].upper(): key for key in counts if _ACRONYM.match(shown.get(key, ""))}
    merged: Counter[str] = Counter()
    display = dict(shown)
    for key, count in counts.items():
        target = key
        if " " in key:
            long_form = shown.get(key, key)
            for form in (long_form, " ".join(strip_suffix(long_form.casefold()).split())):
                if initials(form) in acronyms and len(initials(form)) >= 2:
                    target = acronyms[initials(form)]
                    break
            else:
                target = strip_suffix(key)
        if target not in display:
            display[target] = " ".join(shown.get(key, key).split()[: len(target.split())])
        merged[target] += count
    return merged, display
