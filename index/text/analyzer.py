"""The one text analyzer for BM25, used for indexing and for queries alike:
Unicode word tokens, case-folded, possessives and acronym dots removed, English stop
words dropped, Snowball (Porter 2) stems via PyStemmer."""

from __future__ import annotations

import re
from functools import cache

_TOKEN = re.compile(r"\w+(?:[.’'-]\w+)*\.?", re.UNICODE)
_POSSESSIVE = re.compile(r"[’']s$")

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves also said says say mr ms mrs""".split()
)


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def analyze(text: str) -> list[str]:
    """Text to BM25 terms. "U.S." → "us" (kept: an acronym is not the pronoun),
    "China’s" → "china", "chips" → "chip"."""
    terms = []
    for match in _TOKEN.finditer(text.casefold()):
        token = _POSSESSIVE.sub("", match.group())
        if "." in token:
            terms.append(token.replace(".", ""))
            continue
        for part in token.replace("’", "'").split("-"):
            if part and part not in STOP_WORDS:
                terms.append(part)
    stems = _stemmer().stemWords(terms)
    return [stem for stem in stems if stem]
