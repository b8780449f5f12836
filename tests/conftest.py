from __future__ import annotations

from pathlib import Path

import pytest

from index.archive.store import DocumentStore
from index.corpus import demo_corpus_dir
from index.text.chunking import Chunker
from index.text.tokenizer import WordPieceTokenizer

# What each test lane may start (pyproject.toml registers the markers). A test that
# loads a model, drives Chromium or starts Ray carries the marker; the fast lane
# (`-m "not model and not browser and not ray"`) fails any test that does so unmarked
# (Chromium through Playwright's sync_playwright, imported when a test starts it).
LANE_ENTRY_POINTS = {
    "model": [
        ("index.derived.embedding", "Embedder", "_documents_model"),
        ("index.derived.embedding", "Embedder", "_questions_model"),
        ("index.derived.bert_onnx", None, "_session"),
        ("index.derived.cross_encoder", "OnnxCrossEncoder", "__init__"),
        ("index.derived.cross_encoder", "SentenceTransformersCrossEncoder", "__init__"),
        ("search.stories.entities", None, "_pipeline"),
    ],
    "ray": [("index.shards.cluster", "Cluster", "_init")],
}


def pytest_configure(config: pytest.Config) -> None:
    expression = config.getoption("markexpr") or ""
    for lane, entry_points in LANE_ENTRY_POINTS.items():
        if f"not {lane}" in expression:
            for module, owner, name in entry_points:
                _forbid(lane, module, owner, name)
    if "not browser" in expression:
        _forbid("browser", "playwright.sync_api", None, "sync_playwright")


def _forbid(lane: str, module: str, owner: str | None, name: str) -> None:
    import importlib

    target = importlib.import_module(module)
    target = getattr(target, owner) if owner else target

    def refused(*args, **kwargs):
        raise RuntimeError(
            f"this test starts the {lane} lane ({module}.{name}): mark it @pytest.mark.{lane}"
        )

    setattr(target, name, refused)


@pytest.fixture(scope="session", autouse=True)
def question_graphs(tmp_path_factory) -> Path:
    """The question encoder's graphs are written to a folder of the test session (and
    its subprocesses) instead of the user's cache."""
    folder = tmp_path_factory.mktemp("question-graphs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSDESK_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return demo_corpus_dir()


@pytest.fixture(scope="session")
def tokenizer() -> WordPieceTokenizer:
    return WordPieceTokenizer()


@pytest.fixture(scope="session")
def chunker(tokenizer: WordPieceTokenizer) -> Chunker:
    return Chunker(tokenizer)


@pytest.fixture()
def store(tmp_path: Path):
    with DocumentStore(tmp_path / "index") as opened:
        yield opened


@pytest.fixture(scope="session")
def demo_desk(tmp_path_factory, demo_dir):
    """A Newsdesk over the bundled corpus, built once per test session (real model,
    real FAISS, real SQLite). Tests must not modify it."""
    from search.desk import Newsdesk

    desk = Newsdesk(tmp_path_factory.mktemp("demo-index"))
    desk.add([str(demo_dir)])
    yield desk
    desk.close()
