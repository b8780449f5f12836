"""The web app's shared service without a browser: uploads are detected by content,
limits say which files were not taken, and one bad file costs only itself."""

from __future__ import annotations

import pytest

from tests.index.ingest.hostile_cases import GOOD_ARTICLE, PROSE, _item, _rss
from ui.service import MAX_UPLOAD_FILES, DeskService

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    opened = DeskService(tmp_path_factory.mktemp("svc") / "index")
    opened.start(build_demo=False).join()
    assert opened.status.ready, opened.status.error
    yield opened
    opened.close()


def test_an_upload_batch_reports_every_file_and_stores_the_good_ones(service):
    html = (
        "<!DOCTYPE html><html lang='fr'><head><title>Le port rouvre</title>"
        "<meta property='article:published_time' content='2024-03-05T09:30:00+01:00'>"
        "</head><body><article><h1>Le port rouvre</h1><p>" + PROSE * 3 + "</p></article>"
        "</body></html>"
    )
    uploads = [
        ("feed.bin", _rss(_item(1) + _item(2, "0000-00-00")).encode()),  # detected by content
        ("page.data", html.encode()),
        ("broken.xml", b"<?xml version='1.0'?><rss><channel><item>"),
        ("dates.jsonl", b'{"text": "' + PROSE.encode() + b'", "date": 1e20}\n'),
        *[
            (f"extra-{n}.txt", GOOD_ARTICLE.replace("ferry", f"ferry {n}").encode())
            for n in range(MAX_UPLOAD_FILES)
        ],
    ]
    report = service.add_uploads(uploads, ["/etc/passwd"])
    by_name = {source.origin.removeprefix("upload:"): source for source in report.sources}
    assert len(by_name["feed.bin"].documents) == 2 and by_name["feed.bin"].format == "feed"
    (page,) = by_name["page.data"].documents
    assert page.language == "fr" and page.published.isoformat() == "2024-03-05T08:30:00+00:00"
    assert "malformed XML" in by_name["broken.xml"].error
    assert by_name["dates.jsonl"].documents[0].published is None
    over = [s for s in report.sources if s.error and "not taken" in s.error]
    assert [s.origin for s in over] == [f"upload:extra-{n}.txt" for n in range(16, 20)]
    assert report.sources[-1].error.startswith("/etc/passwd: not an http(s) URL")
    stored = {o.status for o in report.outcomes}
    assert stored == {"added"}
    assert service.reader.search("ferry terminal", k=3)


def test_the_app_finishes_what_an_interrupted_fill_left_and_serves_meanwhile(tmp_path, demo_dir):
    from tests.index.test_progressive import interrupt_a_fill

    interrupt_a_fill(tmp_path / "index", [str(demo_dir)])
    opened = DeskService(tmp_path / "index")
    try:
        assert opened.reader.unfinished()
        opened.start(build_demo=False).join()
        assert opened.status.ready, opened.status.error
        assert not opened.reader.unfinished(), "the app's writer embedded the rest"
        coverage = opened.reader.coverage()
        assert coverage.embedded == coverage.passages > 0
    finally:
        opened.close()
