"""SQLite store of documents, chunks and near-duplicate links.

One database file inside the index directory. Every write is one transaction
(`BEGIN IMMEDIATE`), so a failed or interrupted ingest leaves the store as it was,
and a second writer waits for the first (up to `busy_timeout_s`) instead of
corrupting it. Queries are parameterised; chunk text is not stored but sliced from
the document text, so a chunk can never disagree with its document.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from index import neardup
from index.chunking import Chunker
from index.documents import Chunk, Document, DocumentSummary, Provenance
from index.errors import StoreError
from index.ids import canonical_url
from index.schema import SCHEMA

SCHEMA_VERSION = 1
DB_NAME = "documents.sqlite"


_DOC_COLUMNS = (
    "doc_id, title, title_derived, text, url, source, authors, published, language, "
    "external_id, origin, format, origin_index, origin_line, content_hash"
)


@dataclass(frozen=True)
class AddOutcome:
    """What storing one document did: status is added, unchanged, updated or duplicate
    (`duplicate_of` names the stored copy); `near_duplicates` lists (doc_id, similarity)."""

    doc_id: str
    status: str
    duplicate_of: str | None = None
    near_duplicates: tuple[tuple[str, float], ...] = ()


class DocumentStore:
    def __init__(self, index_dir: str | Path, busy_timeout_s: float = 30.0) -> None:
        self.index_dir = Path(index_dir)
        self.path = self.index_dir / DB_NAME
        self.index_dir.mkdir(parents=True, exist_ok=True)
        # SQLite is built serialized here (sqlite3.threadsafety == 3), so one connection
        # may serve the web app's worker threads.
        self._db = sqlite3.connect(
            self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._check_version()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        elif int(row[0]) != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {row[0]}, this newsdesk reads {SCHEMA_VERSION}"
            )

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # Writing

    def add(self, documents: Sequence[Document], chunker: Chunker) -> list[AddOutcome]:
        """Store documents and their chunks in one transaction; nothing is written if any
        step fails. Re-adding a stored document is a no-op; a known URL with new text
        replaces the old version; a text already stored under another id is a duplicate."""
        with self.transaction():
            self._check_chunking(chunker)
            outcomes = [self._add_one(document, chunker) for document in documents]
            if any(outcome.status in ("added", "updated") for outcome in outcomes):
                self._bump_revision()
            return outcomes

    @property
    def revision(self) -> int:
        """Increases with every write that changes documents or chunks."""
        return int(self.meta("revision") or 0)

    def _bump_revision(self) -> None:
        self.set_meta("revision", str(self.revision + 1))

    def _check_chunking(self, chunker: Chunker) -> None:
        wanted = json.dumps(
            {"model": Path(chunker.tokenizer.model_path).name, **vars(chunker.config)},
            sort_keys=True,
        )
        stored = self.meta("chunking")
        if stored is None:
            self.set_meta("chunking", wanted)
        elif stored != wanted:
            raise StoreError(
                f"{self.path}: chunked with {stored}, not {wanted}; rebuild into a new index"
            )

    def _add_one(self, document: Document, chunker: Chunker) -> AddOutcome:
        existing = self._db.execute(
            "SELECT content_hash FROM documents WHERE doc_id = ?", (document.doc_id,)
        ).fetchone()
        if existing and existing[0] == document.content_hash:
            return AddOutcome(document.doc_id, "unchanged")
        same_text = self._db.execute(
            "SELECT doc_id FROM documents WHERE content_hash = ? AND doc_id != ?",
            (document.content_hash, document.doc_id),
        ).fetchone()
        if same_text:
            self._add_alias(document, same_text[0])
            return AddOutcome(document.doc_id, "duplicate", duplicate_of=same_text[0])
        if existing:
            self._db.execute("DELETE FROM documents WHERE doc_id = ?", (document.doc_id,))
        signature = neardup.signature(document.text)
        self._insert_document(document, signature)
        self._insert_chunks(chunker.chunk(document))
        near = self._link_near_duplicates(document.doc_id, signature)
        return AddOutcome(document.doc_id, "updated" if existing else "added", None, near)

    def _add_alias(self, document: Document, doc_id: str) -> None:
        if document.url:
            self._db.execute(
                "INSERT OR IGNORE INTO aliases (canonical_url, doc_id) VALUES (?, ?)",
                (canonical_url(document.url), doc_id),
            )

    def _insert_document(self, document: Document, signature: object) -> None:
        prov = document.provenance
        self._db.execute(
            f"INSERT INTO documents ({_DOC_COLUMNS}, canonical_url, minhash, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document.doc_id,
                document.title,
                int(document.title_derived),
                document.text,
                document.url,
                document.source,
                json.dumps(list(document.authors), ensure_ascii=False),
                document.published.isoformat() if document.published else None,
                document.language,
                document.external_id,
                prov.origin,
                prov.format,
                prov.index,
                prov.line,
                document.content_hash,
                canonical_url(document.url) if document.url else None,
                neardup.to_blob(signature),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )

    def _insert_chunks(self, chunks: Sequence[Chunk]) -> None:
        self._db.executemany(
            "INSERT INTO chunks (chunk_id, doc_id, position, start_char, end_char, n_tokens) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(c.chunk_id, c.doc_id, c.position, c.start, c.end, c.n_tokens) for c in chunks],
        )

    def _link_near_duplicates(
        self, doc_id: str, signature: object
    ) -> tuple[tuple[str, float], ...]:
        if signature is None:
            return ()
        keys = neardup.band_keys(signature)
        candidates: set[str] = set()
        for band, bucket in keys:
            rows = self._db.execute(
                "SELECT doc_id FROM minhash_bands WHERE band = ? AND bucket = ?", (band, bucket)
            )
            candidates.update(row[0] for row in rows)
        self._db.executemany(
            "INSERT INTO minhash_bands (band, bucket, doc_id) VALUES (?, ?, ?)",
            [(band, bucket, doc_id) for band, bucket in keys],
        )
        linked = []
        for other in sorted(candidates - {doc_id}):
            blob = self._db.execute(
                "SELECT minhash FROM documents WHERE doc_id = ?", (other,)
            ).fetchone()[0]
            score = neardup.similarity(signature, neardup.from_blob(blob))
            if score >= neardup.THRESHOLD:
                pair = tuple(sorted((doc_id, other)))
                self._db.execute(
                    "INSERT OR REPLACE INTO near_duplicates (doc_id, other_id, similarity) "
                    "VALUES (?, ?, ?)",
                    (*pair, score),
                )
                linked.append((other, round(score, 3)))
        return tuple(linked)

    def delete(self, doc_id: str) -> bool:
        """Remove a document with its chunks, aliases and links; False if unknown."""
        with self.transaction():
            cursor = self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            if cursor.rowcount:
                self._bump_revision()
            return cursor.rowcount > 0

    # Reading

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def get(self, doc_id: str) -> Document | None:
        row = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        return _document(row) if row else None

    def find_by_url(self, url: str) -> Document | None:
        """The document at `url`, or the stored copy of a duplicate seen at `url`."""
        key = canonical_url(url)
        row = self._db.execute(
            "SELECT doc_id FROM documents WHERE canonical_url = ? "
            "UNION SELECT doc_id FROM aliases WHERE canonical_url = ?",
            (key, key),
        ).fetchone()
        return self.get(row[0]) if row else None

    def filter_doc_ids(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        sources: Sequence[str] = (),
        authors: Sequence[str] = (),
    ) -> set[str]:
        """Ids of documents published in [since, until] (inclusive), from any of `sources`
        and by any of `authors` (case-insensitive); an empty criterion does not filter."""
        clauses, params = [], []
        if since:
            clauses.append("published >= ?")
            params.append(since.isoformat())
        if until:
            clauses.append("published <= ?")
            params.append(until.isoformat())
        if sources:
            clauses.append(f"lower(source) IN ({','.join('?' * len(sources))})")
            params.extend(source.lower() for source in sources)
        if authors:
            marks = ",".join("?" * len(authors))
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(documents.authors) "
                f"WHERE lower(value) IN ({marks}))"
            )
            params.extend(author.lower() for author in authors)
        where = " AND ".join(clauses) or "1"
        return {
            row[0]
            for row in self._db.execute(f"SELECT doc_id FROM documents WHERE {where}", params)
        }

    def documents(self) -> Iterator[Document]:
        """All documents, newest first (undated last), ties by doc_id."""
        rows = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents "
            "ORDER BY published IS NULL, published DESC, doc_id"
        )
        for row in rows:
            yield _document(row)

    def summaries(self) -> list[DocumentSummary]:
        """Metadata of all documents without their text, newest first."""
        rows = self._db.execute(
            "SELECT doc_id, title, source, authors, published, url FROM documents "
            "ORDER BY published IS NULL, published DESC, doc_id"
        )
        return [
            DocumentSummary(
                doc_id,
                title,
                source,
                tuple(json.loads(authors)),
                datetime.fromisoformat(published) if published else None,
                url,
            )  # fmt: skip
            for doc_id, title, source, authors, published, url in rows
        ]

    def chunk(self, chunk_id: str) -> Chunk | None:
        row = self._db.execute(
            "SELECT c.chunk_id, c.doc_id, c.position, c.start_char, c.end_char, c.n_tokens, "
            "substr(d.text, c.start_char + 1, c.end_char - c.start_char) "
            "FROM chunks c JOIN documents d USING (doc_id) WHERE c.chunk_id = ?",
            (chunk_id,),
        ).fetchone()
        if row is None:
            return None
        chunk_id, doc, position, start, end, n_tokens, text = row
        return Chunk(chunk_id, doc, position, start, end, text, n_tokens)

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        """Chunks of one document, or of all documents, in (doc_id, position) order."""
        where, params = ("WHERE c.doc_id = ?", (doc_id,)) if doc_id else ("", ())
        rows = self._db.execute(
            "SELECT c.chunk_id, c.doc_id, c.position, c.start_char, c.end_char, c.n_tokens, "
            "substr(d.text, c.start_char + 1, c.end_char - c.start_char) "
            f"FROM chunks c JOIN documents d USING (doc_id) {where} "
            "ORDER BY c.doc_id, c.position",
            params,
        )
        return [
            Chunk(chunk_id, doc, position, start, end, text, n_tokens)
            for chunk_id, doc, position, start, end, n_tokens, text in rows
        ]

    def near_duplicates(self, doc_id: str) -> list[tuple[str, float]]:
        """(other doc_id, estimated Jaccard) for every near-duplicate, most similar first."""
        rows = self._db.execute(
            "SELECT other_id, similarity FROM near_duplicates WHERE doc_id = ? "
            "UNION ALL SELECT doc_id, similarity FROM near_duplicates WHERE other_id = ? "
            "ORDER BY 2 DESC, 1",
            (doc_id, doc_id),
        )
        return [(other, similarity) for other, similarity in rows]


class _Transaction:
    """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any exception (Ctrl-C included)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"document store is busy ({error}); another writer holds it") from None

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _document(row: tuple) -> Document:
    (doc_id, title, derived, text, url, source, authors, published, language,
     external_id, origin, fmt, origin_index, origin_line, digest) = row  # fmt: skip
    return Document(
        doc_id=doc_id,
        title=title,
        text=text,
        provenance=Provenance(origin, fmt, origin_index, origin_line),
        url=url,
        source=source,
        authors=tuple(json.loads(authors)),
        published=datetime.fromisoformat(published) if published else None,
        language=language,
        title_derived=bool(derived),
        external_id=external_id,
        content_hash=digest,
    )
