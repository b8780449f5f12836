"""The web app on an index that is still filling in its vectors (a progressive add
interrupted after its leads): the status line says how far search by meaning reaches,
questions are answered meanwhile, and the app's writer finishes the fill. Real
browser, model, FAISS and SQLite."""

from __future__ import annotations

import re
import threading
import time

import pytest

from tests.index.test_progressive import interrupt_a_fill
from tests.ui.test_app_browser import QUESTION, _free_port, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def partial_index(tmp_path_factory):
    from index.corpus import demo_corpus_dir

    index_dir = tmp_path_factory.mktemp("partial") / "index"
    manifest = interrupt_a_fill(index_dir, [str(demo_corpus_dir())])
    assert 0 < manifest.pending_chunks < manifest.chunks
    return index_dir, manifest


def test_the_page_says_how_far_search_by_meaning_reaches_and_still_answers(
    browser,  # noqa: F811
    partial_index,
    monkeypatch,
):
    from index.derived.embedding import Embedder
    from ui.app import serve

    # The app's writer finishes the fill as it starts; it is held until the page has
    # shown the partial state and answered from it.
    release = threading.Event()
    encode = Embedder.encode

    def held(self, texts, progress=False):
        release.wait(120)
        return encode(self, texts, progress)

    monkeypatch.setattr(Embedder, "encode", held)
    index_dir, manifest = partial_index
    port = _free_port()
    app, service = serve(index_dir, "127.0.0.1", port, block=False)
    try:
        deadline = time.monotonic() + 120
        while not service.status.ready and time.monotonic() < deadline:
            assert service.status.error is None, service.status.error
            time.sleep(0.3)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        embedded = manifest.chunks - manifest.pending_chunks
        expected = re.compile(
            rf"search by meaning covers {embedded} of {manifest.chunks} passages so far"
        )
        page.wait_for_selector("#nd-status")
        status = ""
        while not expected.search(status) and time.monotonic() < deadline + 30:
            status = page.inner_text("#nd-status")
            time.sleep(0.3)
        assert expected.search(status), status
        page.fill("#nd-question textarea", QUESTION)
        page.click("#nd-ask")
        page.wait_for_selector("#nd-answer .nd-results", timeout=120_000)
        assert "Huawei" in page.inner_text("#nd-answer")
        release.set()
        finished = time.monotonic() + 120
        while service.reader.unfinished() and time.monotonic() < finished:
            time.sleep(0.5)
        coverage = service.reader.coverage()
        assert coverage.embedded == coverage.passages == manifest.chunks, "the fill finished"
        page.close()
    finally:
        release.set()
        app.close()
        service.close()
