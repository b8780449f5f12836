"""Segments at scale: what a write costs, how soon it is searchable, and a live feed.

    python benchmarks/bench_segments.py scale SEED_INDEX CORPUS_JSONL QUERIES_JSONL \
        --chunks 1000000 --work /tmp/nd-seg
    python benchmarks/bench_segments.py feed SEED_INDEX CORPUS_JSONL QUERIES_JSONL \
        --chunks 100000 --minutes 30 --per-minute 50 --work /tmp/nd-feed

SEED_INDEX is a real index (its store and embedding cache are copied, and a segmented
generation of them built). Its chunks are copied into one synthetic base segment of
`--chunks` rows (each analysed term kept with probability 0.8, each vector perturbed to
cosine about 0.9, as benchmarks/bench_million.py does), written as newsdesk writes a
merged segment (an HNSW graph past 50k rows) and put first in the live generation. The
copies are not in the store: they are ranked, never cited. New articles are real ones
from CORPUS_JSONL that the seed does not hold, written through `NewsIndex.add` (read,
chunked, embedded by the real model, stored, a segment written) by a writer while a
reader (`NewsIndex(rebuild_stale=False)`, as the web app serves) polls.

scale: the base segment's write time (what merging everything into one costs); ten
one-article writes, each timed, and how long after `add` returns the reader finds the
article by its words and by its meaning; query p50/p95 (BM25, dense and document BM25
of a question, vectors encoded beforehand) on the base segment alone and with the ten
unmerged segments; a removal and how soon it is gone; the merge of the ten.
feed: `--per-minute` articles every minute for `--minutes`, each batch timed from the
call to `add` until the reader holds every article; reader query latency over the
run against the same reader before the feed; bytes written to segments against the
bytes they hold at the end (write amplification). Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import numpy as np
from timing import percentiles

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.derived.builder import make_live  # noqa: E402
from index.derived.live import current_name, live_manifest  # noqa: E402
from index.derived.manifest import Manifest, SegmentEntry  # noqa: E402
from index.derived.merging import merge_all  # noqa: E402
from index.derived.postings import Postings  # noqa: E402
from index.derived.segment import Segment, SegmentData  # noqa: E402
from index.derived.segment_files import SEGMENTS  # noqa: E402
from index.derived.segments import DELETIONS, new_segment_folder  # noqa: E402
from index.newsindex import NewsIndex  # noqa: E402

SEED = 13
KEEP = 0.8
NOISE = 0.5
CHUNKS_PER_COPY = 3


def prepare(seed: Path, work: Path) -> None:
    """A fresh index in `work` from the seed's store and embedding cache."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("documents.sqlite", "embedding_cache.sqlite"):
        shutil.copy2(seed / name, work / name)
    with NewsIndex(work) as index:
        index.snapshot()


def synthetic_base(work: Path, total: int) -> tuple[Segment, float]:
    """The copies as one segment put first in the live generation; (it, write seconds)."""
    with NewsIndex(work, rebuild_stale=False) as index:
        generation = index.snapshot()
        rows = [(v, r) for v in generation.views for r in range(v.segment.rows)]
        corpus = [list(_terms(v.segment.postings, r)) for v, r in rows]
        vectors = np.stack([np.asarray(v.segment.vectors.vectors[r]) for v, r in rows])
    rng = np.random.default_rng(SEED)
    picks = np.arange(total) % len(corpus)
    terms = []
    for row in picks.tolist():
        keep = rng.random(len(corpus[row])) < KEEP
        terms.append([t for t, kept in zip(corpus[row], keep, strict=True) if kept] or ["x"])
    noise = rng.standard_normal((total, vectors.shape[1]), dtype=np.float32)
    noisy = vectors[picks] + noise * np.float32(NOISE / np.sqrt(vectors.shape[1]))
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    doc_ids = [f"syn{row // CHUNKS_PER_COPY:07d}" for row in range(total)]
    chunk_ids = [f"{d}:{row % CHUNKS_PER_COPY}" for row, d in enumerate(doc_ids)]
    documents = tuple(dict.fromkeys(doc_ids))
    whole = [
        [t for part in terms[i : i + CHUNKS_PER_COPY] for t in part]
        for i in range(0, total, CHUNKS_PER_COPY)
    ]
    started = time.perf_counter()
    data = SegmentData(
        tuple(chunk_ids),
        tuple(doc_ids),
        Postings.build(terms),
        documents,
        Postings.build(whole),
        noisy.astype(np.float32),
        None,
        np.full(total, 200, dtype=np.int64),
    )
    segment = Segment.write(new_segment_folder(work), data)
    seconds = time.perf_counter() - started
    _put_first(work, segment)
    return segment, seconds


def _terms(postings: Postings, row: int):
    start, end = postings.row_indptr[row], postings.row_indptr[row + 1]
    for term, tf in zip(postings.row_terms[start:end], postings.row_tfs[start:end], strict=True):
        yield from [postings.terms[term]] * int(tf)


def _put_first(work: Path, segment: Segment) -> None:
    from dataclasses import replace

    live = live_manifest(work)
    deletions = json.loads((work / current_name(work) / DELETIONS).read_text())
    entry = SegmentEntry(segment.name, segment.rows, 0, 0)
    manifest: Manifest = replace(
        live, segments=(entry, *live.segments), chunks=live.chunks + segment.rows
    )
    folder = work / f"gen-{live.store_revision:06d}-{time.time_ns()}"
    folder.mkdir()
    (folder / DELETIONS).write_text(json.dumps(deletions))
    manifest.write(folder)
    make_live(work, folder)


def articles(corpus: Path, seed: Path, count: int, start: int = 0) -> list[dict]:
    """`count` real articles from CORPUS_JSONL the seed index does not hold."""
    from index.archive.store import DocumentStore

    with DocumentStore(seed) as store:
        held = {s.title for s in store.summaries()}
    found = []
    with open(corpus) as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("title") not in held and len(record.get("text", "")) > 400:
                found.append(
                    {
                        "title": record["title"],
                        "text": record["text"],
                        "url": f"https://feed.example.com/{record['_id']}",
                    }
                )
    return found[start : start + count]


def write_batch(folder: Path, name: str, batch: list[dict]) -> str:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in batch))
    return str(path)


class Reader:
    """Questions asked in a loop on a reader's snapshot, each timed."""

    def __init__(self, work: Path, questions: list[str]) -> None:
        self.index = NewsIndex(work, rebuild_stale=False)
        embedder = self.index.embedder
        self.questions = [(q, embedder.encode_query(q)) for q in questions]
        self.times: list[tuple[float, float]] = []  # (when, seconds)
        self._stop = threading.Event()

    def ask_once(self, question, vector) -> float:
        started = time.perf_counter()
        self.index.snapshot().sides(question, vector, 100)
        seconds = time.perf_counter() - started
        self.times.append((time.monotonic(), seconds))
        return seconds

    def latencies(self, rounds: int) -> list[float]:
        return [self.ask_once(q, v) for _ in range(rounds) for q, v in self.questions]

    def loop(self) -> None:
        while not self._stop.is_set():
            for question, vector in self.questions:
                self.ask_once(question, vector)
                if self._stop.is_set():
                    return

    def stop(self) -> None:
        self._stop.set()


def found_by_words(index: NewsIndex, title: str, doc_id: str) -> bool:
    return any(h.doc_id == doc_id for h in index.snapshot().bm25_ranking(title, 20))


def found_by_meaning(index: NewsIndex, text: str, doc_id: str) -> bool:
    return any(h.doc_id == doc_id for h in index.snapshot().dense_ranking(text[:400], 20))


def wait_until(check, timeout: float = 60.0) -> float:
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            return float("inf")
        time.sleep(0.01)
    return time.perf_counter() - started


def questions_of(queries: Path, count: int = 20) -> list[str]:
    with open(queries) as lines:
        return [json.loads(line)["text"] for line in lines][:count]


def scale(args) -> None:
    prepare(args.seed, args.work)
    base, write_seconds = synthetic_base(args.work, args.chunks)
    reader = Reader(args.work, questions_of(args.queries))
    started = time.perf_counter()
    reader.index.snapshot()
    load = time.perf_counter() - started
    reader.latencies(1)
    quiet = reader.latencies(3)
    news = articles(args.corpus, args.seed, 40)
    writes, words, meaning, victim = [], [], [], None
    with NewsIndex(args.work, merge=False) as writer:
        writer.embedder.encode_query("the model is loaded before the first write")
        for number, article in enumerate(news):
            if len(writes) == 10:
                break
            path = write_batch(args.work.parent, f"one-{number}", [article])
            started = time.perf_counter()
            (outcome,) = writer.add([path]).outcomes
            if outcome.status != "added":
                continue  # the same text under another title: stored once
            writes.append(time.perf_counter() - started)
            victim = outcome.doc_id
            words.append(
                wait_until(lambda a=article: found_by_words(reader.index, a["title"], a["url"]))
            )
            meaning.append(
                wait_until(lambda a=article: found_by_meaning(reader.index, a["text"], a["url"]))
            )
        print("writes", [round(w, 2) for w in writes], "words", words, "meaning", meaning)
        unmerged = reader.latencies(3)
        segments = len(live_manifest(args.work).segments)
        started = time.perf_counter()
        writer.delete(victim)
        removal_write = time.perf_counter() - started
        gone = wait_until(lambda: not reader.index.snapshot().has_document(victim))
    started = time.perf_counter()
    merges = merge_all(args.work)
    merge_seconds = time.perf_counter() - started
    merged = reader.latencies(3)
    print(
        f"## Segments at {args.chunks:,} chunks (synthetic copies) — {time.strftime('%Y-%m-%d')}\n"
    )
    print(
        f"- base segment written in {write_seconds:.0f} s ({base.vectors.kind}); "
        f"reader cold load {load:.1f} s"
    )
    print(f"- one-article write (`add`, model loaded): {_pct(writes)}")
    print(f"- found by words after `add` returned: {_pct(words)}; by meaning: {_pct(meaning)}")
    print(f"- removal: `delete` {removal_write:.2f} s, gone for the reader {gone:.3f} s after")
    print(f"- query (sides: BM25, dense, document BM25) one segment: {_pct(quiet)}")
    print(f"- query with {segments} segments (10 unmerged): {_pct(unmerged)}")
    print(f"- merge_all: {merges} merge(s) in {merge_seconds:.2f} s; query after: {_pct(merged)}")
    reader.index.close()


def feed(args) -> None:
    prepare(args.seed, args.work)
    synthetic_base(args.work, args.chunks)
    segments_dir = args.work / SEGMENTS
    before_bytes, seen = _bytes(segments_dir), _listing(segments_dir)
    reader = Reader(args.work, questions_of(args.queries))
    reader.latencies(1)
    quiet = reader.latencies(5)
    news = articles(args.corpus, args.seed, args.minutes * args.per_minute)
    per = args.per_minute
    paths = [
        write_batch(args.work.parent, f"feed-{k}", news[k * per : (k + 1) * per])
        for k in range(args.minutes)
    ]
    added: dict[int, set[str]] = {}
    stop = threading.Event()
    started = time.monotonic()
    threads = [
        threading.Thread(target=reader.loop),
        threading.Thread(target=_write_feed, args=(args.work, paths, started, added)),
        threading.Thread(target=_fill, args=(args.work, stop)),
    ]
    for thread in threads:
        thread.start()
    words, meaning, written = {}, {}, 0
    deadline = started + 60 * args.minutes + 900
    while len(meaning) < len(paths) and time.monotonic() < deadline:
        now, generation = time.monotonic(), reader.index.snapshot()
        for k, ids in list(added.items()):
            due = started + 60 * k
            if k not in words and all(generation.has_document(d) for d in ids):
                words[k] = now - due
            if k not in meaning and all(generation.embedded(d) for d in ids):
                meaning[k] = now - due
        written += _new_bytes(segments_dir, seen)
        time.sleep(0.05)
    threads[1].join()
    stop.set()
    threads[2].join()
    reader.stop()
    threads[0].join()
    written += _new_bytes(segments_dir, seen)
    during = [s for when, s in reader.times if when >= started]
    held = _bytes(segments_dir) - before_bytes
    print(
        f"## Feed: {per} articles a minute for {args.minutes} min into {args.chunks:,} "
        f"chunks — {time.strftime('%Y-%m-%d')}\n"
    )
    print(f"- batches: {len(words)} of {len(paths)} searchable by words, {len(meaning)} by meaning")
    print(
        f"- by words after arrival: {_pct(list(words.values()))}, max {max(words.values()):.2f} s"
    )
    print(
        f"- by meaning after arrival: {_pct(list(meaning.values()))}, "
        f"max {max(meaning.values()):.1f} s"
    )
    print(f"- reader query quiet: {_pct(quiet)}; during the feed ({len(during)}): {_pct(during)}")
    segments = len(live_manifest(args.work).segments)
    print(
        f"- {segments} segments at the end; {written / 1e6:.0f} MB written to segments for "
        f"{held / 1e6:.0f} MB more held (write amplification {written / max(held, 1):.2f})"
    )
    reader.index.close()


def _write_feed(work: Path, paths: list[str], started: float, added: dict) -> None:
    """Each batch at its minute, searchable by words when `add` returns."""
    with NewsIndex(work) as writer:
        for k, path in enumerate(paths):
            time.sleep(max(0.0, started + 60 * k - time.monotonic()))
            report = writer.add([path], embed=False)
            added[k] = {o.doc_id for o in report.outcomes if o.status == "added"}


def _fill(work: Path, stop: threading.Event) -> None:
    """Embed what waits, as a second writer beside the feed."""
    with NewsIndex(work) as filler:
        while not stop.is_set():
            if filler.unfinished():
                filler.finish()
            else:
                time.sleep(0.5)


def _all_held(index: NewsIndex, doc_ids: set[str]) -> bool:
    generation = index.snapshot()
    return all(generation.has_document(doc_id) for doc_id in doc_ids)


def _files(folder: Path):
    """(path, stat) of every file under `folder`; files a merge removes meanwhile are
    skipped (os.walk ignores folders that vanish)."""
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            try:
                yield path, os.stat(path)
            except FileNotFoundError:
                continue


def _listing(folder: Path) -> set[str]:
    return {path for path, _ in _files(folder)}


def _new_bytes(folder: Path, seen: set[str]) -> int:
    """Bytes of files not in `seen` (added to it); a hard link to a file already
    there (a fill's postings) counts nothing."""
    total = 0
    for path, stat in _files(folder):
        if path not in seen:
            seen.add(path)
            if stat.st_nlink == 1:
                total += stat.st_size
    return total


def _bytes(folder: Path) -> int:
    inodes = {stat.st_ino: stat.st_size for _, stat in _files(folder)}
    return sum(inodes.values())


def _pct(values: list[float]) -> str:
    found = percentiles([value * 1000 for value in values])
    return f"p50 {found['p50_ms']:.0f} ms / p95 {found['p95_ms']:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["scale", "feed"])
    parser.add_argument("seed", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("queries", type=Path)
    parser.add_argument("--chunks", type=int, default=1_000_000)
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--per-minute", type=int, default=50)
    parser.add_argument("--work", type=Path, default=Path("/tmp/nd-segments/index"))
    args = parser.parse_args()
    scale(args) if args.mode == "scale" else feed(args)


if __name__ == "__main__":
    main()
