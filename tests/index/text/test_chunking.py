"""Chunk and sentence spans are exact, ordered, and fit the model: invariants over
generated text (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.documents import Provenance
from index.ingest.loaders.common import build_document
from index.text.sentences import sentence_spans

WORDS = st.sampled_from(
    [
        "U.S.",
        "China",
        "said",
        "on",
        "Monday",
        "the",
        "ministry",
        "3.5%",
        "“quote”",
        "Dr.",
        "Xi",
        "tariffs",
        "semiconductors",
        "—",
        "(AP)",
        "e.g.",
        "日本",
        "Ça",
        "\t",
        "!",
        "?",
    ]
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=60).map(" ".join).map(lambda s: s + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=8).map(" ".join)
TEXT = st.lists(PARAGRAPH, min_size=1, max_size=12).map("\n\n".join)


@given(st.text(min_size=1, max_size=400))
def test_sentence_spans_are_exact_trimmed_and_ordered(text):
    spans = sentence_spans(text)
    cursor = 0
    for start, end in spans:
        assert cursor <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and "\n" not in piece
        cursor = end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_chunks_are_exact_spans_that_cover_the_text_within_the_limit(chunker, text):
    document = build_document(text=text, provenance=Provenance("generated", "text"))
    chunks = chunker.chunk(document)
    assert chunks, "a non-empty document has at least one chunk"
    covered = set()
    for position, chunk in enumerate(chunks):
        assert chunk.position == position
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert chunk.n_tokens <= chunker.config.max_tokens
        assert chunker.tokenizer.count(chunk.text) <= chunker.config.max_tokens
        covered.update(range(chunk.start, chunk.end))
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    non_space = {i for i, char in enumerate(document.text) if not char.isspace()}
    assert non_space <= covered


def test_long_sentence_is_cut_at_word_boundaries(chunker):
    text = " ".join(f"word{i} semiconductor" for i in range(400)) + "."
    document = build_document(text=text, provenance=Provenance("generated", "text"))
    chunks = chunker.chunk(document)
    assert len(chunks) >= 4
    for chunk in chunks:
        assert chunk.n_tokens <= chunker.config.max_tokens
        assert not text[chunk.end : chunk.end + 1].isalnum()
