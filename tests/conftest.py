from __future__ import annotations

from pathlib import Path

import pytest

from index.archive.store import DocumentStore
from index.corpus import demo_corpus_dir
from index.text.chunking import Chunker
from index.text.tokenizer import WordPieceTokenizer


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
