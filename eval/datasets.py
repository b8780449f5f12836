"""Labeled datasets: the BEIR layout and the evidence-phrase layout.

BEIR: `corpus.jsonl` (`_id`, `title`, `text`, optional `url`, `published`),
`queries.jsonl` (`_id`, `text`, optional `date`, `answers`/`answer`), and
`qrels/test.tsv` (`query-id`, `corpus-id`, `score`, with a header line).

Evidence: `corpus/` (raw files for newsdesk's own ingester) and `questions.jsonl`
(`query`, `evidence`: verbatim phrases); a document is relevant when its
whitespace-normalised text contains one of the phrases.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from index.dates import parse_date
from index.errors import NewsdeskError


class DatasetError(NewsdeskError):
    """A malformed dataset: the message names the file (and line) and the problem."""


@dataclass(frozen=True)
class Query:
    query_id: str
    text: str
    date: datetime | None = None
    answers: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    gold_choices: tuple[int, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """`qrels` maps query_id → corpus_id → relevance for BEIR sets (corpus ids are the
    `_id`s of corpus.jsonl); evidence sets carry their labels on the queries instead."""

    name: str
    root: Path
    layout: str
    queries: tuple[Query, ...]
    corpus_targets: tuple[str, ...]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)


DEMO = "demo"  # the labeled questions bundled with newsdesk, over its demo corpus


def load_dataset(root: str | Path) -> Dataset:
    """A dataset folder, or `demo`: the bundled questions over the bundled corpus (a
    folder named demo in the working directory wins)."""
    if str(root) == DEMO and not Path(DEMO).exists():
        return _demo()
    root = Path(root).expanduser().resolve()
    if not root.is_dir():
        raise DatasetError(f"{root}: not a dataset folder")
    if (root / "questions.jsonl").is_file():
        return _load_evidence(root)
    if (root / "corpus.jsonl").is_file() or (root / "queries.jsonl").is_file():
        return _load_beir(root)
    raise DatasetError(f"{root}: neither corpus.jsonl + queries.jsonl (BEIR) nor questions.jsonl")


def _jsonl(path: Path) -> list[tuple[int, dict]]:
    if not path.is_file():
        raise DatasetError(f"{path}: missing")
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DatasetError(f"{path}:{number}: malformed JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise DatasetError(f"{path}:{number}: not a JSON object")
            rows.append((number, record))
    return rows


def _unique_ids(path: Path, rows: list[tuple[int, dict]], key: str) -> list[str]:
    seen: dict[str, int] = {}
    for number, record in rows:
        value = record.get(key)
        if value in (None, ""):
            raise DatasetError(f"{path}:{number}: no {key}")
        value = str(value)
        if value in seen:
            raise DatasetError(
                f"{path}:{number}: duplicate id {value!r} (first on line {seen[value]})"
            )
        seen[value] = number
    return list(seen)


def _answers(record: dict) -> tuple[str, ...]:
    answers = record.get("answers", record.get("answer", ()))
    if isinstance(answers, str):
        answers = [answers]
    return tuple(str(a) for a in answers if str(a).strip())


def _choices(record: dict) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Multiple-choice options and the 0-based indexes of the gold ones, if any."""
    choices = record.get("choices")
    gold = record.get("answer_idx", ())
    gold = [gold] if isinstance(gold, int) else gold
    if not isinstance(choices, list) or not isinstance(gold, list):
        return (), ()
    options = tuple(str(c) for c in choices)
    return options, tuple(i for i in gold if isinstance(i, int) and 0 <= i < len(options))


def _load_beir(root: Path) -> Dataset:
    corpus_path, queries_path = root / "corpus.jsonl", root / "queries.jsonl"
    corpus_ids = set(_unique_ids(corpus_path, _jsonl(corpus_path), "_id"))
    query_rows = _jsonl(queries_path)
    _unique_ids(queries_path, query_rows, "_id")
    queries = tuple(
        Query(
            str(r["_id"]),
            str(r.get("text", "")),
            parse_date(r.get("date")),
            _answers(r),
            (),
            *_choices(r),
        )
        for _, r in query_rows
    )
    qrels = _load_qrels(root / "qrels" / "test.tsv", corpus_ids, {q.query_id for q in queries})
    return Dataset(root.name, root, "beir", queries, (str(corpus_path),), qrels)


def _load_qrels(path: Path, corpus_ids: set[str], query_ids: set[str]) -> dict:
    if not path.is_file():
        raise DatasetError(f"{path}: missing")
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:2]] != ["query-id", "corpus-id"]:
            raise DatasetError(f"{path}:1: header must be query-id, corpus-id, score")
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) < 3:
                raise DatasetError(f"{path}:{number}: expected 3 tab-separated fields")
            query_id, corpus_id, score = row[0], row[1], row[2]
            if corpus_id not in corpus_ids:
                raise DatasetError(f"{path}:{number}: unknown document {corpus_id!r}")
            if query_id not in query_ids:
                raise DatasetError(f"{path}:{number}: unknown query {query_id!r}")
            try:
                relevance = int(score)
            except ValueError:
                raise DatasetError(f"{path}:{number}: score {score!r} is not an integer") from None
            if relevance > 0:
                qrels.setdefault(query_id, {})[corpus_id] = relevance
    return qrels


def _demo() -> Dataset:
    from importlib.resources import files

    from index.corpus import demo_corpus_dir

    path = Path(str(files("eval") / "demo_questions.jsonl"))
    return Dataset(
        DEMO, path.parent, "evidence", _evidence_queries(path), (str(demo_corpus_dir()),)
    )


def _load_evidence(root: Path) -> Dataset:
    queries = _evidence_queries(root / "questions.jsonl")
    corpus = root / "corpus"
    if not corpus.is_dir():
        raise DatasetError(f"{corpus}: missing")
    return Dataset(root.name, root, "evidence", queries, (str(corpus),))


def _evidence_queries(path: Path) -> tuple[Query, ...]:
    queries = []
    for number, record in _jsonl(path):
        evidence = record.get("evidence")
        if not record.get("query") or not isinstance(evidence, list) or not evidence:
            raise DatasetError(f"{path}:{number}: needs query and a non-empty evidence list")
        query_id = str(record.get("_id") or record.get("id") or f"q{number}")
        queries.append(
            Query(
                query_id,
                str(record["query"]),
                parse_date(record.get("date")),
                _answers(record),
                tuple(str(e) for e in evidence),
            )
        )
    ids = [q.query_id for q in queries]
    if len(set(ids)) != len(ids):
        raise DatasetError(f"{path}: duplicate query ids")
    return tuple(queries)
