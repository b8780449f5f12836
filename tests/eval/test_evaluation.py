"""`newsdesk eval` end to end on our own small labeled set over the bundled corpus, the
BEIR layout, malformed datasets, as-of filtering and run comparison."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eval.datasets import DatasetError, load_dataset
from eval.evaluate import EvalOptions, evaluate_dataset

pytestmark = pytest.mark.model

MINI = Path(__file__).resolve().parents[2] / "eval"  # the bundled demo questions


@pytest.fixture(scope="module")
def mini_dataset(tmp_path_factory, demo_dir) -> Path:
    root = tmp_path_factory.mktemp("datasets") / "newsdesk-mini"
    root.mkdir()
    shutil.copy(MINI / "demo_questions.jsonl", root / "questions.jsonl")
    shutil.copytree(demo_dir, root / "corpus")
    return root


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("eval-cache")


def _eval_cli(dataset: Path, out: Path, cache: Path, *extra: str):
    env = {**os.environ, "NEWSDESK_EVAL_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "eval", str(dataset), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_eval_writes_a_sane_report_and_is_reproducible(mini_dataset, cache_root, tmp_path):
    first = _eval_cli(mini_dataset, tmp_path / "one", cache_root)
    assert first.returncode == 0, first.stderr
    report = json.loads((tmp_path / "one" / "report.json").read_text())
    assert report["queries"] == 8 and set(report["modes"]) == {"bm25", "dense", "hybrid"}
    for mode, figures in report["modes"].items():
        metrics = figures["metrics"]
        for name in ("ndcg@10", "mrr@10", "recall@10", "recall@100", "hit_rate@5"):
            assert 0.0 <= metrics[name] <= 1.0, (mode, name)
        assert metrics["recall@10"] <= metrics["recall@100"]
        assert metrics["recall@10"] >= 0.75, f"{mode} misses questions written for this corpus"
        assert figures["answers"]["answer_in_top10"] >= 0.5
        assert 0.0 <= figures["answers"]["nothing_found_rate"] <= 0.5
        assert len(report["per_query"][mode]) == 8
    assert report["configuration"]["index"]["chunking"]["max_tokens"] == 200
    # A report says how its questions were embedded: int8 and float32 rank a little apart.
    assert report["configuration"]["questions"] == {"backend": "onnx", "precision": "int8"}
    # ...and which model chose its answers, with the policy that decided them.
    answering = report["configuration"]["answer"]
    assert answering["scorer"].startswith("cross-encoder/ms-marco-MiniLM-L-12-v2")
    assert 0.0 < answering["threshold"] < 1.0
    assert {c["baseline"] for c in report["comparisons"]} == {"bm25", "dense"}
    assert all(0.0 <= c["p_value"] <= 1.0 for c in report["comparisons"])
    rows = (tmp_path / "one" / "per_query.jsonl").read_text().splitlines()
    assert len(rows) == 24
    png = (tmp_path / "one" / "recall_curves.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    markdown = (tmp_path / "one" / "report.md").read_text()
    assert "| hybrid |" in markdown and "paired t-test" in markdown
    assert "questions embedded by onnx in int8" in markdown

    indexes_before = sorted(p.name for p in cache_root.iterdir())
    second = _eval_cli(
        mini_dataset,
        tmp_path / "two",
        cache_root,
        "--compare",
        str(tmp_path / "one" / "report.json"),
    )
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in cache_root.iterdir()) == indexes_before, "index reused"
    again = json.loads((tmp_path / "two" / "report.json").read_text())
    for mode in report["modes"]:
        assert again["modes"][mode]["metrics"] == report["modes"][mode]["metrics"]
    saved = [c for c in again["comparisons"] if c["baseline"].startswith("saved ")]
    assert len(saved) == 3 and all(c["p_value"] == 1.0 for c in saved)


def test_the_answer_policy_is_set_from_the_command_line(mini_dataset, cache_root, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"threshold": 1.0, "add_within": 0.0}))
    run = _eval_cli(
        mini_dataset,
        tmp_path / "strict",
        cache_root,
        "--modes",
        "bm25",
        "--answer-policy",
        str(policy),
    )
    assert run.returncode == 0, run.stderr
    report = json.loads((tmp_path / "strict" / "report.json").read_text())
    assert report["configuration"]["answer"]["threshold"] == 1.0
    # A probability never reaches 1.0 exactly, so every question is "nothing found".
    assert report["modes"]["bm25"]["answers"]["nothing_found_rate"] == 1.0
    policy.write_text(json.dumps({"thresold": 0.5}))
    wrong = _eval_cli(mini_dataset, tmp_path / "wrong", cache_root, "--answer-policy", str(policy))
    assert wrong.returncode != 0 and "unknown answer policy fields: thresold" in wrong.stderr


def test_as_of_hides_documents_published_after_the_question(mini_dataset, cache_root, tmp_path):
    dataset = tmp_path / "asof"
    shutil.copytree(mini_dataset, dataset)
    question = {
        "_id": "early",
        "query": "How big was Huawei's emergency order with TSMC?",
        "evidence": ["US$700 million emergency order"],
        "date": "2020-01-01",
    }
    (dataset / "questions.jsonl").write_text(json.dumps(question) + "\n")
    plain = evaluate_dataset(
        dataset, EvalOptions(modes=("bm25",), answers=False, cache_root=cache_root)
    )
    as_of = evaluate_dataset(
        dataset, EvalOptions(modes=("bm25",), answers=False, as_of=True, cache_root=cache_root)
    )
    assert plain.modes[0].means["recall@10"] == 1.0
    assert as_of.modes[0].means["recall@100"] == 0.0


def _beir(root: Path, corpus: list[dict], queries: list[dict], qrels: list[str]) -> Path:
    (root / "qrels").mkdir(parents=True)
    (root / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in corpus))
    (root / "queries.jsonl").write_text("".join(json.dumps(r) + "\n" for r in queries))
    (root / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(qrels))
    return root


CORPUS = [
    {
        "_id": "d1",
        "title": "Floods",
        "text": "Heavy rain flooded the northern valley villages overnight.",
        "published": "2024-03-02",
    },
    {
        "_id": "d2",
        "title": "Chips",
        "text": "The chipmaker raised its sales forecast on strong demand for AI servers.",
        "published": "2024-03-05",
    },
    {
        "_id": "d3",
        "title": "Chips copy",
        "text": "The chipmaker raised its sales forecast on strong demand for AI servers.",
    },
]
QUERIES = [
    {"_id": "q1", "text": "Which company raised its sales forecast?", "answers": ["chipmaker"]}
]


def test_beir_layout_maps_qrels_to_documents_including_duplicates(tmp_path, cache_root):
    root = _beir(tmp_path / "beir", CORPUS, QUERIES, ["q1\td2\t1\n", "q1\td3\t1\n"])
    report = evaluate_dataset(root, EvalOptions(modes=("bm25", "hybrid"), cache_root=cache_root))
    assert report.queries == 1
    hybrid = report.modes[1]
    assert hybrid.means["recall@10"] == 1.0 and hybrid.means["mrr@10"] == 1.0
    assert hybrid.answers["answer_in_top1"] == 1.0


@pytest.mark.parametrize(
    "corpus,queries,qrels,message",
    [
        (CORPUS, QUERIES, ["q1\tnope\t1\n"], "unknown document 'nope'"),
        (CORPUS, QUERIES, ["q9\td1\t1\n"], "unknown query 'q9'"),
        (CORPUS + [CORPUS[0]], QUERIES, [], "duplicate id 'd1'"),
        (CORPUS, QUERIES, ["q1\td1\n"], "expected 3 tab-separated fields"),
    ],
)
def test_malformed_datasets_are_named_clearly(tmp_path, corpus, queries, qrels, message):
    root = _beir(tmp_path / "bad", corpus, queries, qrels)
    with pytest.raises(DatasetError, match=message):
        load_dataset(root)


def test_missing_files_and_broken_json_are_named(tmp_path):
    root = _beir(tmp_path / "bad", CORPUS, QUERIES, [])
    (root / "qrels" / "test.tsv").unlink()
    with pytest.raises(DatasetError, match=r"qrels/test.tsv: missing"):
        load_dataset(root)
    (root / "queries.jsonl").write_text('{"_id": "q1", "text": "ok"}\n{broken\n')
    with pytest.raises(DatasetError, match=r"queries.jsonl:2: malformed JSON"):
        load_dataset(root)


def test_demo_names_the_bundled_questions_over_the_bundled_corpus(tmp_path, monkeypatch, demo_dir):
    monkeypatch.chdir(tmp_path)  # no folder named demo here
    dataset = load_dataset("demo")
    assert dataset.layout == "evidence" and len(dataset.queries) == 8
    assert dataset.corpus_targets == (str(demo_dir),)
    assert all(query.evidence for query in dataset.queries)
