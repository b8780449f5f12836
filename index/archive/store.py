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
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from index.archive import changes, datelines, neardup, nearlinks
from index.archive.batches import select_in
from index.archive.filters import filter_clause
from index.archive.identity import same_article, separate_id
from index.archive.names import NamesOnRecord, names_on_record
from index.archive.outcome import AddOutcome
from index.archive.prepared import Prepared, prepare
from index.archive.rows import document_from_row as _document
from index.archive.rows import summary_from_row
from index.archive.schema import SCHEMA
from index.archive.transaction import Transaction
from index.bylines import sql_author_match, stored_byline
from index.documents import Chunk, Dateline, Document, DocumentSummary
from index.errors import StoreError, one_line
from index.ids import canonical_url, make_chunk_id
from index.outlets import sql_source_match
from index.sqlite_files import connect_read_only, writable
from index.text.chunking import Chunker

SCHEMA_VERSION = 1
DB_NAME = "documents.sqlite"


_DOC_COLUMNS = (
    "doc_id, title, title_derived, text, url, source, authors, published, language, "
    "external_id, origin, format, origin_index, origin_line, content_hash"
)


_CHUNK_SELECT = (
    "SELECT c.chunk_id, c.doc_id, c.position, c.start_char, c.end_char, c.n_tokens, "
    "substr(d.text, c.start_char + 1, c.end_char - c.start_char) "
    "FROM chunks c JOIN documents d USING (doc_id) "
)


def _refuse_foreign_folder(index_dir: Path, db_path: Path) -> None:
    """An index is made only in a new or empty folder (hidden files aside): `--index
    /etc` must not fill /etc with an index."""
    try:
        if db_path.exists() or not index_dir.is_dir():
            return
        foreign = any(not entry.name.startswith(".") for entry in index_dir.iterdir())
    except OSError:
        return  # the store's own opening reports what is wrong with the folder
    if foreign:
        raise StoreError(
            f"{index_dir}: not a newsdesk index and not empty; give a new or empty folder"
        )


class DocumentStore:
    def __init__(self, index_dir: str | Path, busy_timeout_s: float = 30.0) -> None:
        self.index_dir = Path(index_dir)
        self.path = self.index_dir / DB_NAME
        _refuse_foreign_folder(self.index_dir, self.path)
        self.read_only = self.path.exists() and not writable(self.path)
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            # SQLite is built serialized here (sqlite3.threadsafety == 3), so one
            # connection may serve the web app's worker threads.
            if self.read_only:
                self._db = connect_read_only(self.path, busy_timeout_s)
            else:
                self._db = sqlite3.connect(
                    self.path,
                    timeout=busy_timeout_s,
                    isolation_level=None,
                    check_same_thread=False,
                )
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.create_function("nd_author_match", 3, sql_author_match, deterministic=True)
            self._db.create_function("nd_source_match", 3, sql_source_match, deterministic=True)
            if self._schema_version() is None:
                self._create()
            self._check_version()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot open the document store ({error})") from None
        except OSError as error:
            raise StoreError(f"{self.index_dir}: {error.strerror or error}") from None

    def _schema_version(self) -> str | None:
        """The stored schema version, read without a write transaction, so a reader
        never waits for a writer."""
        exists = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if not exists:
            return None
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return row[0] if row else None

    def _create(self) -> None:
        self._db.execute("PRAGMA journal_mode = WAL")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            changes.ensure_log(self._db)
            if self.meta("schema_version") is None:
                self.set_meta("schema_version", str(SCHEMA_VERSION))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def transaction(self) -> Transaction:
        if self.read_only:
            raise StoreError(
                f"{self.path}: the index folder is read-only here; "
                "it can be searched but not changed"
            )
        return Transaction(self._db, self.path)

    def _check_version(self) -> None:
        stored = self._schema_version()
        if stored is not None and int(stored) != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {stored}, this newsdesk reads {SCHEMA_VERSION}"
            )

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # Writing

    def add(
        self,
        documents: Sequence[Document],
        chunker: Chunker,
        prepared: Sequence[Prepared] | None = None,
    ) -> list[AddOutcome]:
        """Store documents and their chunks in one transaction, one outcome per document
        in order. Chunking happens before the transaction, so the write lock is held only
        for the inserts. A document that cannot be stored is a `failed` outcome and costs
        only itself; an interruption or a full disk writes nothing. `prepared`: the same
        documents already chunked by `prepare`, when the caller needed the chunks first."""
        if prepared is None:
            prepared = [prepare(document, chunker) for document in documents]
        with self.transaction():
            self._check_chunking(chunker)
            datelines.ensure_index(self._db)
            changes.ensure_log(self._db)
            outcomes = [self._add_guarded(document, chunks) for document, chunks in prepared]
            if any(outcome.status in ("added", "updated", "separate") for outcome in outcomes):
                self._bump_revision()
            return outcomes

    def _add_guarded(self, document: Document, chunks: list[Chunk] | str) -> AddOutcome:
        if isinstance(chunks, str):
            return AddOutcome(document.doc_id, "failed", reason=chunks)
        self._db.execute("SAVEPOINT one_document")
        try:
            outcome = self._add_one(document, chunks)
        except (sqlite3.IntegrityError, ValueError, TypeError, OverflowError) as error:
            self._db.execute("ROLLBACK TO one_document")
            outcome = AddOutcome(document.doc_id, "failed", reason=one_line(str(error)))
        self._db.execute("RELEASE one_document")
        return outcome

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

    def _add_one(self, document: Document, chunks: list[Chunk]) -> AddOutcome:
        existing = self._db.execute(
            "SELECT content_hash, source, title, minhash, origin, origin_index "
            "FROM documents WHERE doc_id = ?",
            (document.doc_id,),
        ).fetchone()
        if existing and existing[0] == document.content_hash:
            return AddOutcome(document.doc_id, "unchanged")
        same_text = self._db.execute(
            "SELECT doc_id FROM documents WHERE content_hash = ? AND doc_id != ?",
            (document.content_hash, document.doc_id),
        ).fetchone()
        if same_text and same_text[0] == separate_id(document):
            return AddOutcome(same_text[0], "unchanged")
        if same_text:
            self._add_alias(document, same_text[0])
            return AddOutcome(document.doc_id, "duplicate", duplicate_of=same_text[0])
        signature = neardup.signature(document.text)
        if existing and not same_article(existing, document, signature):
            return self._add_separate(document, chunks, signature)
        if existing:
            self._db.execute("DELETE FROM documents WHERE doc_id = ?", (document.doc_id,))
        self._insert_document(document, signature)
        self._insert_chunks(chunks)
        near = nearlinks.link(self._db, document.doc_id, signature)
        return AddOutcome(document.doc_id, "updated" if existing else "added", None, near)

    def _add_separate(self, document: Document, chunks: list[Chunk], signature) -> AddOutcome:
        """A second article at a stored article's URL: kept under its own id, with the
        URL as its link but not as its key."""
        doc_id = separate_id(document)
        self._insert_document(replace(document, doc_id=doc_id), signature, url_key=False)
        self._insert_chunks([_rekeyed(chunk, doc_id) for chunk in chunks])
        near = nearlinks.link(self._db, doc_id, signature)
        return AddOutcome(doc_id, "separate", document.doc_id, near)

    def _add_alias(self, document: Document, doc_id: str) -> None:
        if document.url:
            self._db.execute(
                "INSERT OR IGNORE INTO aliases (canonical_url, doc_id) VALUES (?, ?)",
                (canonical_url(document.url), doc_id),
            )

    def _insert_document(self, document: Document, signature: object, url_key=True) -> None:
        prov = document.provenance
        key = canonical_url(document.url) if document.url and url_key else None
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
                json.dumps(
                    stored_byline(document.authors, document.credits, document.source),
                    ensure_ascii=False,
                ),
                document.published.isoformat() if document.published else None,
                document.language,
                document.external_id,
                prov.origin,
                prov.format,
                prov.index,
                prov.line,
                document.content_hash,
                key,
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

    def delete(self, doc_id: str) -> bool:
        """Remove a document with its chunks, aliases and links; False if unknown."""
        with self.transaction():
            changes.ensure_log(self._db)
            cursor = self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            if cursor.rowcount:
                self._bump_revision()
            return cursor.rowcount > 0

    def change_log(self) -> changes.ChangeLog:
        """What each write added or removed (index/archive/changes.py)."""
        return changes.ChangeLog(self._db, self.transaction)

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
        (any part of an outlet's name, its initials, or an outlet credited: index/outlets.py)
        and by any of `authors` (any co-author; every word of a wanted name is one of the
        author's, case-insensitively); an empty criterion does not filter."""
        where, params = filter_clause(since, until, sources, authors)
        return {
            row[0]
            for row in self._db.execute(f"SELECT doc_id FROM documents WHERE {where}", params)
        }

    def names_on_record(self) -> NamesOnRecord:
        """The outlets, authors and credited outlets the archive knows."""
        return names_on_record(self._db)

    def documents(self) -> Iterator[Document]:
        """All documents, newest first (undated last), ties by doc_id."""
        rows = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents "
            "ORDER BY published IS NULL, published DESC, doc_id"
        )
        for row in rows:
            yield _document(row)

    def summaries(self, doc_ids: Sequence[str] | None = None) -> list[DocumentSummary]:
        """Metadata without the text of all documents (or of `doc_ids`), newest first."""
        query = "SELECT doc_id, title, source, authors, published, url FROM documents"
        order = " ORDER BY published IS NULL, published DESC, doc_id"
        if doc_ids is None:
            rows = list(self._db.execute(query + order))
        else:
            rows = sorted(select_in(self._db, query + " WHERE doc_id IN ({marks})", doc_ids))
            # The ORDER BY above, over all batches (sorts are stable).
            rows.sort(key=lambda row: row[4] or "", reverse=True)
            rows.sort(key=lambda row: row[4] is None)
        return [summary_from_row(row) for row in rows]

    def datelines(self, doc_ids: Sequence[str]) -> dict[str, Dateline]:
        """doc_id → Dateline of the stored documents among `doc_ids`: a ranking's light
        read (index/archive/datelines.py), without the bylines `summaries` parses."""
        return datelines.read(self._db, doc_ids)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.chunks_by_id([chunk_id]).get(chunk_id)

    def chunks_by_id(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """chunk_id → Chunk of the stored chunks among `chunk_ids`."""
        rows = select_in(self._db, _CHUNK_SELECT + "WHERE c.chunk_id IN ({marks})", chunk_ids)
        return {row[0]: _chunk(row) for row in rows}

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        """Chunks of one document, or of all documents, in (doc_id, position) order."""
        where, params = ("WHERE c.doc_id = ?", (doc_id,)) if doc_id else ("", ())
        rows = self._db.execute(f"{_CHUNK_SELECT} {where} ORDER BY c.doc_id, c.position", params)
        return [_chunk(row) for row in rows]

    def chunks_of(self, doc_ids: Sequence[str]) -> list[Chunk]:
        """Chunks of these documents, in (doc_id, position) order."""
        rows = select_in(self._db, _CHUNK_SELECT + "WHERE c.doc_id IN ({marks})", doc_ids)
        return sorted((_chunk(row) for row in rows), key=lambda c: (c.doc_id, c.position))

    def near_duplicates(self, doc_id: str) -> list[tuple[str, float]]:
        """(other doc_id, estimated Jaccard) for the most similar near-duplicates (at
        most nearlinks.MAX_LINKS), most similar first."""
        return nearlinks.linked(self._db, doc_id)

    def near_duplicates_of(self, doc_ids: Sequence[str]) -> dict[str, list[tuple[str, float]]]:
        """`near_duplicates` of each of `doc_ids`, read together."""
        return nearlinks.linked_many(self._db, doc_ids)


def _chunk(row: tuple) -> Chunk:
    """A row of _CHUNK_SELECT → Chunk."""
    chunk_id, doc_id, position, start, end, n_tokens, text = row
    return Chunk(chunk_id, doc_id, position, start, end, text, n_tokens)


def _rekeyed(chunk: Chunk, doc_id: str) -> Chunk:
    return replace(chunk, doc_id=doc_id, chunk_id=make_chunk_id(doc_id, chunk.position))
