"""The shipped answer scorer is the model it claims to be, and scores the same alone
as in a batch."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.derived.cross_encoder import OnnxCrossEncoder, load_cross_encoder, shipped_model_folder
from index.errors import NewsdeskError

pytestmark = pytest.mark.model

BERLIN = "How many people live in Berlin?"
POPULATION = (
    "Berlin had a population of 3,520,031 registered inhabitants in an area of 891.82 "
    "square kilometers."
)
MUSEUMS = "Berlin is well known for its museums."


@pytest.fixture(scope="module")
def scorer() -> OnnxCrossEncoder:
    return load_cross_encoder()


def test_the_model_cards_example_scores_as_an_ms_marco_cross_encoder(scorer):
    # The ms-marco MiniLM cross-encoders' cards give this pair as ≈ 8.5-9.2 and -4.3 to
    # -4.9 (L-2, L-6: 8.51/-4.86, 8.61/-4.32); the int8 L-12 file gives 9.20/-4.13.
    relevant, unrelated = scorer.score(BERLIN, [POPULATION, MUSEUMS])
    assert 8.5 < relevant < 10.0
    assert -5.0 < unrelated < -3.5


def test_the_file_is_a_twelve_layer_minilm_with_berts_vocabulary(scorer):
    import onnx

    graph = onnx.load(str(shipped_model_folder() / "model.onnx")).graph
    names = [n.name for n in graph.node] + [i.name for i in graph.initializer]
    layers = {int(m.group(1)) for n in names if (m := re.search(r"layer\.(\d+)\.", n))}
    assert layers == set(range(12))
    embeddings = [tuple(i.dims) for i in graph.initializer if "word_embeddings.weight" in i.name]
    embeddings = [shape for shape in embeddings if shape]
    assert embeddings == [(30522, 384)]
    assert scorer.vocabulary_size == 30522


@settings(max_examples=10, deadline=None)
@given(
    st.lists(
        st.sampled_from([POPULATION, MUSEUMS, "Paris is in France.", "x " * 300]),
        min_size=1,
        max_size=20,
    )
)
def test_a_text_scores_the_same_in_any_batch(scorer, texts):
    alone = [scorer.score(BERLIN, [text])[0] for text in texts]
    batched = scorer.score(BERLIN, texts)
    assert batched == pytest.approx(alone, abs=1e-3)


def test_an_unknown_scorer_is_a_one_line_error(tmp_path):
    with pytest.raises(NewsdeskError, match="cannot load the answer scorer"):
        load_cross_encoder(str(tmp_path / "no-such-model"))
