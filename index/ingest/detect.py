"""Format detection by content: saved files carry arbitrary extensions (the sample
corpus is all `.txt`), so the bytes decide."""

from __future__ import annotations

import csv
import json
import re

from index.ingest.fields import TEXT_KEYS

_FEED_ROOT = re.compile(r"<(rss|feed|rdf:rdf)[\s>]", re.I)
_ARRAY_START = re.compile(r"^\[\s*(\{|$)")
_HTML_HINT = re.compile(r"<(!doctype html|html|head|body|article|p|div)[\s>]", re.I)


def detect_format(text: str) -> str:
    """One of "feed", "html", "xml", "jsonl", "csv", "text"."""
    head = text[:8192].lstrip("\ufeff \t\r\n")
    lowered = head[:4096].lower()
    if lowered.startswith("<"):
        if _FEED_ROOT.search(lowered):
            return "feed"
        if _HTML_HINT.search(lowered):
            return "html"
        if lowered.startswith("<?xml"):
            return "xml"
    if head.startswith(("{", "[")) and _looks_like_json(head):
        return "jsonl"
    if _looks_like_csv(head):
        return "csv"
    if _HTML_HINT.search(lowered) and lowered.count("</") >= 3:
        return "html"
    return "text"


def _looks_like_json(head: str) -> bool:
    """A JSON object per line, or a JSON array of objects (on one line or many)."""
    first = head.splitlines()[0].strip()
    try:
        value = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return _ARRAY_START.match(head) is not None
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)
    )


def _looks_like_csv(head: str) -> bool:
    first = head.splitlines()[0] if head else ""
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return False
    return len(header) >= 2 and any(name.strip().lower() in TEXT_KEYS for name in header)
