"""Sentence-aware chunking sized by the embedding model's own tokenizer.

all-MiniLM-L6-v2 reads at most 256 word pieces, two of them special tokens; what is
embedded is a short header (title, outlet, date) plus the chunk, so a chunk gets the
rest of the budget. Chunks are whole sentences where a sentence fits, with a small
overlap of trailing sentences, and always exact spans of the document text.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.documents import Chunk, Document, DocumentSummary
from index.ids import make_chunk_id
from index.text.sentences import sentence_spans
from index.text.tokenizer import TokenOffsets, WordPieceTokenizer


@dataclass(frozen=True)
class ChunkingConfig:
    """`max_tokens` word pieces per chunk; up to `overlap_tokens` of trailing sentences
    repeated at the start of the next chunk; `header_tokens` reserved for the header."""

    max_tokens: int = 200
    overlap_tokens: int = 48
    header_tokens: int = 48

    def check(self, model_max_tokens: int) -> None:
        budget = model_max_tokens - 2
        if self.max_tokens + self.header_tokens > budget:
            raise ValueError(
                f"chunk max_tokens {self.max_tokens} + header_tokens {self.header_tokens} "
                f"exceed the model's {budget} word pieces"
            )
        if not 0 <= self.overlap_tokens < self.max_tokens:
            raise ValueError(f"overlap_tokens {self.overlap_tokens} must be in [0, max_tokens)")


Piece = tuple[int, int, int]  # (start, end, word pieces)


class Chunker:
    def __init__(self, tokenizer: WordPieceTokenizer, config: ChunkingConfig | None = None):
        self.tokenizer = tokenizer
        self.config = config or ChunkingConfig()
        self.config.check(tokenizer.max_tokens)

    def chunk(self, document: Document) -> list[Chunk]:
        text = document.text
        offsets = self.tokenizer.offsets(text)
        pieces = [
            piece for start, end in sentence_spans(text) for piece in self._fit(offsets, start, end)
        ]
        return [
            Chunk(
                chunk_id=make_chunk_id(document.doc_id, position),
                doc_id=document.doc_id,
                position=position,
                start=start,
                end=end,
                text=text[start:end],
                n_tokens=offsets.count(start, end),
            )
            for position, (start, end) in enumerate(self._windows(pieces))
        ]

    def _fit(self, offsets: TokenOffsets, start: int, end: int) -> list[Piece]:
        """A sentence longer than a chunk is cut at word-piece boundaries, preferring
        boundaries that begin a word."""
        limit = self.config.max_tokens
        first, last = offsets.token_range(start, end)
        if last - first <= limit:
            return [(start, end, last - first)]
        pieces: list[Piece] = []
        low = first
        while low < last:
            high = min(low + limit, last)
            if high < last:
                cut = high
                while cut > low + limit // 2 and not offsets.starts_word(cut):
                    cut -= 1
                high = cut if cut > low + limit // 2 else high
            piece_start = start if low == first else offsets.starts[low]
            piece_end = end if high == last else offsets.ends[high - 1]
            pieces.append((piece_start, piece_end, high - low))
            low = high
        return pieces

    def _windows(self, pieces: list[Piece]) -> list[tuple[int, int]]:
        limit, overlap = self.config.max_tokens, self.config.overlap_tokens
        windows: list[tuple[int, int]] = []
        current: list[Piece] = []
        for piece in pieces:
            if current and sum(p[2] for p in current) + piece[2] > limit:
                windows.append((current[0][0], current[-1][1]))
                carry: list[Piece] = []
                for previous in reversed(current):
                    total = sum(p[2] for p in carry) + previous[2]
                    if total > overlap or total + piece[2] > limit:
                        break
                    carry.insert(0, previous)
                current = carry
            current.append(piece)
        if current:
            windows.append((current[0][0], current[-1][1]))
        return windows


def embedding_header(document: Document | DocumentSummary) -> str:
    """ "Title — Outlet — 2020-05-18": context the chunk text alone may lack."""
    parts = [document.title, document.source or ""]
    if document.published:
        parts.append(document.published.strftime("%Y-%m-%d"))
    return " — ".join(part for part in parts if part)


def embedding_text(
    document: Document | DocumentSummary,
    chunk: Chunk,
    tokenizer: WordPieceTokenizer,
    header_tokens: int,
) -> str:
    """What is embedded and BM25-indexed for a chunk: the header cut to `header_tokens`
    word pieces, a newline, then the chunk text. Citations use the chunk span only."""
    header = embedding_header(document)
    offsets = tokenizer.offsets(header)
    if len(offsets.ends) > header_tokens:
        header = header[: offsets.ends[header_tokens - 1]]
    return f"{header}\n{chunk.text}" if header else chunk.text
