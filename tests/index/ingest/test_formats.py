"""Formats beyond the sample corpus: Atom, HTML, JSONL, CSV, folders, URLs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from index.errors import IngestError
from index.ingest.detect import detect_format
from index.ingest.fetching import fetch_url
from index.ingest.pipeline import load_source, load_sources

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>World News | Example Times</title>
  <entry>
    <title>Ports reopen after typhoon</title>
    <link href="https://example.com/ports?utm_source=feed"/>
    <id>urn:example:1</id>
    <updated>2024-07-02T08:30:00+08:00</updated>
    <author><name>Ana Lima</name></author>
    <author><name>Wei Zhang</name></author>
    <content type="html">&lt;p&gt;Shanghai's container ports reopened on Tuesday after the storm.&lt;/p&gt;&lt;p&gt;Shipping lines expect delays to clear within a week.&lt;/p&gt;</content>
  </entry>
</feed>
"""

HTML = """<!DOCTYPE html><html lang="en"><head><title>Rail strike ends | The Courier</title>
<meta property="og:site_name" content="The Courier">
<meta name="author" content="Sam Reed">
<meta property="article:published_time" content="2023-11-05T10:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Rail strike ends after unions accept offer</h1>
<p>Train drivers voted on Sunday to accept a pay offer, ending a strike that had halted services for nine days across the country.</p>
<p>The union said 78 percent of members backed the deal, which raises pay by 6 percent this year and 4 percent next year.</p>
<p>Services are expected to return to normal by Wednesday, the operator said in a statement to passengers.</p>
</article><footer>Copyright The Courier. Subscribe to our newsletter.</footer></body></html>
"""


def test_atom_feed_gives_one_document_per_entry_with_metadata(tmp_path: Path):
    path = tmp_path / "feed.xml"
    path.write_text(ATOM)
    (doc,) = load_source(str(path)).documents
    assert doc.title == "Ports reopen after typhoon"
    assert doc.authors == ("Ana Lima", "Wei Zhang")
    assert doc.published.isoformat() == "2024-07-02T00:30:00+00:00"
    assert doc.source == "Example Times"
    assert doc.text == (
        "Shanghai's container ports reopened on Tuesday after the storm.\n\n"
        "Shipping lines expect delays to clear within a week."
    )


def test_html_page_keeps_the_article_and_its_metadata_not_the_navigation(tmp_path: Path):
    path = tmp_path / "page.bin"
    path.write_text(HTML)
    result = load_source(str(path))
    (doc,) = result.documents
    assert result.format == "html"
    assert doc.title == "Rail strike ends after unions accept offer"
    assert doc.authors == ("Sam Reed",)
    assert doc.source == "The Courier"
    assert doc.published.date().isoformat() == "2023-11-05"
    assert doc.text.startswith("Train drivers voted on Sunday")
    assert "Subscribe" not in doc.text and "Sport" not in doc.text


def test_jsonl_export_maps_fields_and_reports_bad_records(tmp_path: Path):
    records = [
        {
            "_id": "a1",
            "headline": "Budget passes",
            "body": "The budget passed the house.",
            "outlet": "Wire",
            "author": "Kim Lee; Jo Park",
            "published_at": "2024-02-01T09:00:00Z",
        },
        {"id": "a2", "title": "No text here"},
        {"id": "a3", "text": "Second story text.", "timestamp": 1700000000},
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n")
    result = load_source(str(path))
    assert [doc.external_id for doc in result.documents] == ["a1", "a3"]
    first, second = result.documents
    assert first.title == "Budget passes" and first.source == "Wire"
    assert first.authors == ("Kim Lee", "Jo Park")
    assert second.published.isoformat() == "2023-11-14T22:13:20+00:00"
    assert second.title_derived
    assert len(result.problems) == 2
    assert any("record 2" in problem for problem in result.problems)
    assert any("line 4" in problem for problem in result.problems)


def test_csv_export_is_detected_by_its_header(tmp_path: Path):
    path = tmp_path / "export.txt"
    path.write_text(
        'title,text,url,date\n"Floods","Rivers rose overnight in the north.",'
        "https://example.org/floods,2022-08-09\n"
    )
    result = load_source(str(path))
    assert result.format == "csv"
    (doc,) = result.documents
    assert doc.url == "https://example.org/floods"
    assert doc.published.date().isoformat() == "2022-08-09"


def test_folders_are_read_recursively_skipping_hidden_files(tmp_path: Path, demo_dir: Path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "story.txt").write_text((demo_dir / "004_1ae60b7a2546b04f.txt").read_text())
    (tmp_path / ".hidden.txt").write_text("secret notes that are not news at all, ignore")
    results = list(load_sources([str(tmp_path)]))
    assert [Path(result.origin).name for result in results] == ["story.txt"]


@pytest.mark.parametrize(
    "head,expected",
    [
        ("<?xml version='1.0'?><rss version='2.0'>", "feed"),
        ("<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        ("<!doctype html><html>", "html"),
        ('{"text": "x"}\n', "jsonl"),
        ("Plain headline\n\nSome text.", "text"),
    ],
)
def test_format_is_detected_by_content(head: str, expected: str):
    assert detect_format(head) == expected


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        if self.path == "/feed":
            body = ATOM.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/slow":
            threading.Event().wait(3)
            self.send_response(200)
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def local_server(monkeypatch) -> Iterator[str]:
    # Loopback is refused by default; the documented setting allows a named host.
    monkeypatch.setenv("NEWSDESK_ALLOW_HOSTS", "127.0.0.1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_url_is_fetched_and_parsed(local_server: str):
    result = load_source(f"{local_server}/feed")
    assert result.origin == f"{local_server}/feed"
    assert [doc.title for doc in result.documents] == ["Ports reopen after typhoon"]


def test_url_errors_are_one_line_and_name_the_url(local_server: str):
    missing = load_source(f"{local_server}/missing")
    assert missing.error == f"{local_server}/missing: HTTP 404 Not Found"
    with pytest.raises(IngestError) as caught:
        fetch_url(f"{local_server}/slow", timeout_s=0.5)
    assert str(caught.value) == f"{local_server}/slow: timed out after 0.5 s"


def test_a_pasted_article_with_a_dateless_byline_keeps_its_headline_and_author(tmp_path: Path):
    page = tmp_path / "pasted.txt"
    page.write_text(
        "Harbour quay reopens\n\nBy Ana Lee and Bo Chen\n\nThe old harbour quay in "
        "Porto reopened on Friday after repairs that took a year.\n"
    )
    (document,) = load_source(str(page)).documents
    assert document.title == "Harbour quay reopens"
    assert document.authors == ("Ana Lee", "Bo Chen")
    assert document.text.startswith("The old harbour quay")
