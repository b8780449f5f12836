"""The document store's SQLite schema (version 1)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    title_derived INTEGER NOT NULL CHECK (title_derived IN (0, 1)),
    text TEXT NOT NULL CHECK (length(text) > 0),
    url TEXT,
    canonical_url TEXT UNIQUE,
    source TEXT,
    authors TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors)),
    published TEXT,
    language TEXT,
    external_id TEXT,
    origin TEXT NOT NULL,
    format TEXT NOT NULL,
    origin_index INTEGER NOT NULL,
    origin_line INTEGER,
    content_hash TEXT NOT NULL UNIQUE,
    minhash BLOB,
    ingested_at TEXT NOT NULL
);
-- (published, doc_id): a date filter reads ids from the index alone (datelines.py).
CREATE INDEX IF NOT EXISTS documents_published_doc ON documents (published, doc_id);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source);
CREATE INDEX IF NOT EXISTS documents_external_id ON documents (external_id);
-- Covering index for a ranking's reads of source and date (archive/datelines.py).
CREATE INDEX IF NOT EXISTS documents_dateline ON documents (doc_id, source, published);
CREATE TABLE IF NOT EXISTS aliases (
    canonical_url TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    n_tokens INTEGER NOT NULL,
    UNIQUE (doc_id, position),
    CHECK (0 <= start_char AND start_char < end_char)
);
CREATE TABLE IF NOT EXISTS minhash_bands (
    band INTEGER NOT NULL,
    bucket TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket, doc_id)
);
CREATE INDEX IF NOT EXISTS minhash_bands_doc ON minhash_bands (doc_id);
CREATE TABLE IF NOT EXISTS near_duplicates (
    doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    other_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    similarity REAL NOT NULL,
    PRIMARY KEY (doc_id, other_id),
    CHECK (doc_id < other_id)
);
CREATE INDEX IF NOT EXISTS near_duplicates_other ON near_duplicates (other_id);
"""
