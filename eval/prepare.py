"""Each dataset's corpus indexed once into a cached index, rebuilt only when the corpus,
the model or an index parameter changes; labels mapped to newsdesk document ids."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.datasets import Dataset, DatasetError
from index.derived.bm25 import BM25Params
from index.ids import normalize_text
from index.newsindex import NewsIndex
from index.text.chunking import ChunkingConfig
from index.text.tokenizer import DEFAULT_MODEL

IDS_FILE = "eval_ids.json"


@dataclass(frozen=True)
class IndexParams:
    """What the cached index depends on besides the corpus."""

    model: str = DEFAULT_MODEL
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    bm25: BM25Params = field(default_factory=BM25Params)

    def fingerprint(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def eval_cache_root() -> Path:
    default = Path.home() / ".newsdesk" / "eval-cache"
    return Path(os.environ.get("NEWSDESK_EVAL_CACHE") or default)


def corpus_fingerprint(dataset: Dataset) -> str:
    digest = hashlib.sha1()
    for target in dataset.corpus_targets:
        path = Path(target)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
            with open(file, "rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def prepare_index(
    dataset: Dataset, params: IndexParams, cache_root: Path | None = None, progress: bool = False
) -> tuple[NewsIndex, dict[str, str]]:
    """The dataset's cached index, and the map from corpus id to stored doc_id (a corpus
    document whose text duplicates another's maps to the stored copy)."""
    cache_root = cache_root or eval_cache_root()
    key = hashlib.sha1((corpus_fingerprint(dataset) + params.fingerprint()).encode())
    folder = cache_root / f"{dataset.name}-{key.hexdigest()[:12]}"
    index = NewsIndex(
        folder,
        model=params.model,
        progress=progress,
        chunking=params.chunking,
        bm25=params.bm25,
        embedding_cache=cache_root / "embedding_cache.sqlite",
    )
    ids_path = folder / IDS_FILE
    if ids_path.is_file():
        return index, json.loads(ids_path.read_text())
    report = index.add(list(dataset.corpus_targets))
    if report.failed:
        raise DatasetError(report.failed[0].error or "corpus failed to ingest")
    documents = [d for source in report.sources for d in source.documents]
    ids = {}
    for document, outcome in zip(documents, report.outcomes, strict=True):
        if document.external_id is not None:
            ids[document.external_id] = outcome.duplicate_of or document.doc_id
    temporary = ids_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(ids))
    temporary.replace(ids_path)
    return index, ids


def doc_labels(
    dataset: Dataset, index: NewsIndex, ids: dict[str, str]
) -> dict[str, dict[str, int]]:
    """query_id → {doc_id: relevance}, from qrels (BEIR) or evidence phrases."""
    if dataset.layout == "beir":
        labels: dict[str, dict[str, int]] = {}
        for query_id, judged in dataset.qrels.items():
            for corpus_id, relevance in judged.items():
                doc_id = ids[corpus_id]
                current = labels.setdefault(query_id, {})
                current[doc_id] = max(current.get(doc_id, 0), relevance)
        return labels
    texts = {d.doc_id: normalize_text(d.text) for d in index.store.documents()}
    labels = {}
    for query in dataset.queries:
        phrases = [normalize_text(p) for p in query.evidence]
        hits = {doc_id: 1 for doc_id, text in texts.items() if any(p in text for p in phrases)}
        if hits:
            labels[query.query_id] = hits
    return labels
