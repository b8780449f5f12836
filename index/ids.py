"""Stable identifiers: canonical URLs, content hashes, document and chunk ids."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.I)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment, tracking parameters and a trailing
    slash, and sort the query, so that one article reached by two links has one id."""
    parts = urlsplit(url.strip())
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(key)
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def normalize_text(text: str) -> str:
    """Whitespace-folded, case-folded text: what "the same text" means for deduplication."""
    return " ".join(text.split()).casefold()


def content_hash(text: str) -> str:
    return hashlib.sha1(normalize_text(text).encode("utf-8")).hexdigest()


def make_doc_id(url: str | None, text: str) -> str:
    """`u…` from the canonical URL when there is one, else `t…` from the text."""
    if url:
        return "u" + hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]
    return "t" + content_hash(text)[:16]


def make_chunk_id(doc_id: str, position: int) -> str:
    return f"{doc_id}:{position:04d}"
