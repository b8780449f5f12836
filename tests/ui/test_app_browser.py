"""The web app in a real browser (Debian's Chromium driven by Playwright) against the
real app on the bundled corpus. Screenshots of each screen go to
test-artifacts/screenshots/."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
QUESTION = "What did China's commerce ministry say about the new US restrictions on Huawei?"

XSS_ARTICLE = """Harbour authority unveils tidal barrier plan for Port Wexley

The Port Wexley harbour authority on Tuesday unveiled a plan for a tidal barrier costing 410 million dollars, saying storms had flooded the old quay four times this year. <script>window.__pwned = 1</script>

Engineers said the barrier would be finished by 2031. <img src=x onerror="window.__pwned = 2"> Residents will be consulted on the design in a series of public meetings this spring.
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from ui.app import serve

    port = _free_port()
    app, service = serve(tmp_path_factory.mktemp("app") / "index", "127.0.0.1", port, block=False)
    deadline = time.monotonic() + 300
    while not service.status.ready and time.monotonic() < deadline:
        assert service.status.error is None, service.status.error
        time.sleep(0.5)
    assert service.status.ready
    yield f"http://127.0.0.1:{port}/"
    app.close()
    service.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "browser tests need Debian's chromium (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield launched
        launched.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    opened.requested = requested
    opened.goto(server)
    opened.wait_for_selector("#nd-question textarea")
    yield opened
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _ask(page, question: str) -> None:
    page.fill("#nd-question textarea", question)
    page.click("#nd-ask")
    page.wait_for_selector("#nd-answer .nd-results", timeout=120_000)


def test_ask_shows_a_cited_answer_and_a_citation_leads_to_its_passage(page):
    _ask(page, QUESTION)
    answer = page.locator("#nd-answer .nd-answer")
    assert "all necessary measures" in answer.inner_text()
    assert page.locator("#nd-answer a.nd-marker").count() >= 1
    first_card = page.locator("#nd-answer .nd-card").first
    assert "China Hits Back at New U.S. Restrictions on Huawei" in first_card.inner_text()
    assert "Caixin Global" in first_card.inner_text()
    _shot(page, "ask-answer")
    page.locator("#nd-answer a.nd-marker").first.click()
    page.wait_for_function("location.hash === '#nd-cite-1'")
    cited = page.locator("#nd-cite-1")
    assert cited.is_visible() and "all necessary measures" in cited.inner_text()
    first_card.locator("summary").click()
    assert "BM25 #1" in first_card.inner_text()
    _shot(page, "ask-citation-followed")


def test_the_time_a_question_names_is_shown_and_can_be_switched_off(page):
    page.fill("#nd-as-of textarea, #nd-as-of input", "2026-04-30")
    _ask(page, "latest on Nexperia")
    frame = page.locator("#nd-timeframe")
    assert "newest first" in frame.inner_text() and "“latest”" in frame.inner_text()
    first = page.locator("#nd-answer .nd-card time").first.get_attribute("datetime")
    assert first.startswith("2026-03-21")
    assert "2026" in page.inner_text("#nd-answer .nd-answer .nd-when")
    _shot(page, "ask-latest")
    page.locator("#nd-question-dates input").uncheck()
    page.click("#nd-ask")
    page.wait_for_function("!document.querySelector('#nd-timeframe')", timeout=120_000)
    assert page.locator("#nd-answer .nd-answer, #nd-answer .nd-empty").count() >= 1


def test_date_filter_shows_only_matching_dates(page):
    page.fill("#nd-since textarea, #nd-since input", "2020-05-01")
    page.fill("#nd-until textarea, #nd-until input", "2020-05-18")
    _ask(page, "Huawei chips")
    dates = page.locator("#nd-answer .nd-card time").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('datetime'))"
    )
    assert dates and all("2020-05-01" <= d[:10] <= "2020-05-18" for d in dates)
    _shot(page, "ask-date-filter")


def test_nothing_found_and_empty_question_states(page):
    _ask(page, "What is the best recipe for sourdough bread?")
    assert "Nothing in the archive answers this question." in page.inner_text("#nd-answer")
    page.fill("#nd-question textarea", "")
    page.click("#nd-ask")
    page.wait_for_function(
        "document.querySelector('#nd-answer').innerText.includes('Type a question')"
    )
    _shot(page, "ask-empty-states")


def test_related_coverage_for_a_picked_document(page):
    page.get_by_role("tab", name="Related coverage").click()
    page.click("#nd-doc-pick input")
    page.keyboard.type("Huawei Placed Emergency")
    page.wait_for_timeout(500)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.click("#nd-related")
    page.wait_for_selector("#nd-stories .nd-story", timeout=60_000)
    text = page.inner_text("#nd-stories")
    assert "Story 1" in text and "Shares:" in text
    assert "China Hits Back at New U.S. Restrictions on Huawei" in text
    _shot(page, "related-coverage")


def test_library_chart_and_listing(page):
    page.get_by_role("tab", name="Library").click()
    page.wait_for_selector("#nd-library-summary strong")
    assert "81 documents" in page.inner_text("#nd-library-summary")
    assert "The listing below has 4 pages of 25" in page.inner_text("#nd-library-summary")
    assert "ASML boosts 2026 sales forecast" in page.inner_text("#nd-listing"), "newest first"
    page.fill("#nd-page input", "4")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('#nd-listing').innerText.includes('China Chip Industry Group')"
    )
    assert "ASML boosts" not in page.inner_text("#nd-listing")
    _shot(page, "library")


def test_uploaded_article_is_found_by_asking_and_its_markup_never_runs(page, tmp_path):
    upload = tmp_path / "harbour.txt"
    upload.write_text(XSS_ARTICLE)
    page.get_by_role("tab", name="Library").click()
    page.locator("#nd-upload input[type=file]").set_input_files(str(upload))
    page.wait_for_timeout(1000)
    page.click("#nd-add")
    page.wait_for_function(
        "document.querySelector('#nd-added').innerText.includes('harbour.txt')", timeout=120_000
    )
    assert "1 added" in page.inner_text("#nd-added")
    page.wait_for_function(
        "document.querySelector('#nd-library-summary').innerText.includes('82 documents')"
    )
    _shot(page, "library-upload")
    page.get_by_role("tab", name="Ask").click()
    _ask(page, "How much will the Port Wexley tidal barrier cost?")
    results = page.inner_text("#nd-answer")
    assert "410 million dollars" in results
    assert "<script>window.__pwned = 1</script>" in results, "markup is shown as text"
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#nd-answer script, #nd-answer img").count() == 0
    assert page.dialogs == []
    _shot(page, "ask-uploaded-article")


def test_named_api_endpoints_answer_scripts(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/ask", "/related", "/add"} <= set(endpoints)
    answer = client.predict(QUESTION, 3, "hybrid", "", "", [], [], api_name="/ask")
    assert answer["found"] and answer["citations"][0]["title"].startswith("China Hits Back")
    stories = client.predict("", "", "TikTok counterintelligence threat senators", 5,
                             api_name="/related")  # fmt: skip
    assert stories and stories[0]["items"]


def test_the_page_makes_no_request_that_leaves_the_machine(page, server):
    from urllib.parse import urlsplit

    _ask(page, QUESTION)
    page.get_by_role("tab", name="Library").click()
    page.wait_for_selector("#nd-library-summary strong")
    page.wait_for_timeout(1500)
    hosts = {urlsplit(url).hostname for url in page.requested if url.startswith("http")}
    assert hosts == {"127.0.0.1"}, sorted(set(page.requested))
    config = page.evaluate("window.gradio_config")
    assert config["analytics_enabled"] is False


def test_the_add_endpoint_never_reads_a_path_on_the_server(server, tmp_path):
    from gradio_client import Client

    secret = tmp_path / "secret.txt"
    secret.write_text("Secret memo\n\nThe board will sell the harbour land to the mayor's cousin.")
    secret.chmod(0o600)
    client = Client(server, verbose=False)
    report = client.predict([str(secret), "file:///etc/passwd", "http://127.0.0.1:9/feed"],
                            api_name="/add")  # fmt: skip
    errors = [source["error"] for source in report["sources"]]
    assert (
        errors[0]
        == f"{secret}: not an http(s) URL; the web app adds uploaded files and http(s) URLs only"
    )
    assert "not an http(s) URL" in errors[1]
    assert "refused: 127.0.0.1 resolves to a loopback address" in errors[2]
    answer = client.predict("Who will buy the harbour land?", 3, "hybrid", "", "", [], [],
                            api_name="/ask")  # fmt: skip
    assert all("cousin" not in passage["text"] for passage in answer["passages"])
