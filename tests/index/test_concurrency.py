"""Readers and writers on one index, as separate processes and as threads: a reader
holds one generation throughout and never waits for a writer; a killed writer loses
nothing; two writers serialise. benchmarks/bench_crash.py runs the same at scale."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import integrity
from index.derived.lock import WriterLock
from index.newsindex import NewsIndex
from search.desk import Newsdesk
from tests.index.ingest.hostile_cases import write_articles

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]


def _newsdesk(*args: str, index: Path) -> subprocess.Popen:
    env = {**os.environ, "NEWSDESK_INDEX": str(index), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def base_index(tmp_path_factory, demo_dir) -> Path:
    folder = tmp_path_factory.mktemp("base") / "index"
    with Newsdesk(folder) as desk:
        desk.add([str(demo_dir)])
    return folder


@pytest.fixture()
def index_copy(base_index: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(base_index, target)
    return target


def test_a_writer_killed_mid_build_loses_nothing(index_copy: Path, tmp_path: Path):
    before = _doc_ids(index_copy)
    extra = write_articles(tmp_path / "extra", 40, "kill")
    writer = _newsdesk("index", str(extra), index=index_copy)
    time.sleep(6)  # model loaded, embedding under way
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    info = _newsdesk("info", "--json", index=index_copy)
    out, err = info.communicate(timeout=300)
    assert info.returncode == 0, err
    after = _doc_ids(index_copy)
    assert before <= after and len(after - before) in (0, 40)
    assert json.loads(out)["documents"] == len(after)
    assert integrity.problems(index_copy) == []
    again = _newsdesk("index", str(extra), index=index_copy)  # no stale lock
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert len(_doc_ids(index_copy)) == len(before) + 40


def test_two_writers_started_together_both_store_everything(index_copy: Path, tmp_path: Path):
    first = _newsdesk("index", str(write_articles(tmp_path / "a", 15, "north")), index=index_copy)
    second = _newsdesk("index", str(write_articles(tmp_path / "b", 15, "south")), index=index_copy)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.wait(timeout=300) == 0, second.stderr.read()
    assert len(_doc_ids(index_copy)) == 81 + 30
    assert integrity.problems(index_copy) == []


def test_a_reader_is_answered_from_the_live_generation_while_a_writer_holds_the_lock(
    index_copy: Path, tmp_path: Path
):
    with NewsIndex(index_copy) as writer:
        writer.store.add(
            [d for s in _sources(write_articles(tmp_path / "w", 3, "held")) for d in s.documents],
            writer.chunker,
        )  # stored, not yet indexed: the generation is now behind the store
        with WriterLock(index_copy, 1):
            started = time.monotonic()
            with Newsdesk(index_copy) as reader:
                answer = reader.ask("Which Canadians did China detain?")
            assert time.monotonic() - started < 20
            assert answer.passages


def test_a_reader_on_the_old_generation_skips_documents_removed_since(index_copy, monkeypatch):
    reader = Newsdesk(index_copy, rebuild_stale=False)
    held = reader.index.snapshot()
    # As a query that read CURRENT just before a writer swapped it: it stays on `held`.
    monkeypatch.setattr("index.newsindex.current_name", lambda index_dir: held.name)
    passages = reader.search("Huawei chip restrictions", k=5)
    removed = passages[0].doc_id
    with Newsdesk(index_copy) as writer:
        assert writer.delete(removed)
        writer.add([])  # a newer generation is live; the old folder is kept
    assert (index_copy / held.name).is_dir()  # the previous generation is kept
    assert reader.index.snapshot() is held
    again = reader.search("Huawei chip restrictions", k=5)
    assert removed not in {p.doc_id for p in again}
    stories = reader.related(doc_id=passages[1].doc_id)
    assert removed not in {item.document.doc_id for story in stories for item in story.items}
    answer = reader.ask("What did Huawei say about the chip restrictions?")
    assert removed not in {c.passage.doc_id for c in answer.citations}
    reader.close()


def _sources(folder: Path):
    from index.ingest.pipeline import load_sources

    return list(load_sources([str(folder)]))


def _doc_ids(index_dir: Path) -> set[str]:
    from index.archive.store import DocumentStore

    with DocumentStore(index_dir) as store:
        return {summary.doc_id for summary in store.summaries()}
