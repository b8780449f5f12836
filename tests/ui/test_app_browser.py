"""The web app in a real browser (Debian's Chromium driven by Playwright) against the
real app on the bundled corpus. Screenshots of each screen go to
test-artifacts/screenshots/."""

from __future__ import annotations

import re
import shutil
import socket
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

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
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "browser tests need Debian's chromium (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


FIRST_START: list[str] = []
WATCHER: list = []
INDEX: list = []


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    """The app on an empty index, watched from a browser while it starts: what the
    status line said is kept in FIRST_START."""
    from ui.app import serve

    port = _free_port()
    INDEX.append(tmp_path_factory.mktemp("app") / "index")
    app, service = serve(INDEX[0], "127.0.0.1", port, block=False)
    watcher = browser.new_page()
    watcher.goto(f"http://127.0.0.1:{port}/")
    deadline = time.monotonic() + 300
    while not service.status.ready and time.monotonic() < deadline:
        assert service.status.error is None, service.status.error
        status = watcher.inner_text("#nd-status")
        if status and (not FIRST_START or FIRST_START[-1] != status):
            FIRST_START.append(status)
        time.sleep(0.3)
    assert service.status.ready
    WATCHER.append(watcher)  # opened during the first build, never reloaded
    yield f"http://127.0.0.1:{port}/"
    watcher.close()
    app.close()
    service.close()


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


def _pick(page, dropdown: str, text: str) -> None:
    """Choose the first option of a filterable dropdown that contains `text`."""
    field = page.locator(f"{dropdown} input")
    field.fill("")
    field.click()
    page.keyboard.type(text)
    option = page.get_by_role("option").filter(has_text=text).first
    option.wait_for(timeout=10_000)
    option.click()


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
    titles = page.locator("#nd-answer .nd-card h3").all_inner_texts()
    headlines = [t.split(" ", 1)[1].split(" cited [")[0] for t in titles]
    assert len(headlines) == len(set(headlines)), "a cited article is marked, not repeated"
    assert "cited [1]" in first_card.locator("h3").inner_text()
    _shot(page, "ask-answer")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.locator("#nd-answer a.nd-marker").first.click()
    page.wait_for_function("location.hash === '#nd-cite-1'")
    page.wait_for_timeout(300)
    box = page.evaluate("""() => {
        const card = document.querySelector('#nd-cite-1').closest('.nd-card');
        const head = card.querySelector('h3').getBoundingClientRect();
        const mark = card.querySelector('mark.nd-cite-1').getBoundingClientRect();
        return {head: head.top, headBottom: head.bottom, mark: mark.top, markBottom: mark.bottom,
                height: window.innerHeight};
    }""")
    assert box["head"] >= 0 and box["headBottom"] <= box["height"], box
    assert box["mark"] >= 0 and box["markBottom"] <= box["height"], box
    cited = page.locator("#nd-answer mark.nd-cite-1")
    assert "all necessary measures" in cited.inner_text()
    outline = cited.evaluate("m => getComputedStyle(m).outlineStyle")
    assert outline == "solid", "the followed sentence is highlighted"
    _shot(page, "ask-citation-followed")
    first_card.locator(".nd-scores summary").click()
    assert "BM25 #1" in first_card.inner_text()


def test_the_fact_asked_for_is_bold_in_the_answer(page):
    _ask(page, "Who chairs the House Foreign Affairs Committee?")
    phrase = page.locator("#nd-answer .nd-answer strong.nd-phrase").first
    phrase.wait_for(timeout=120_000)
    assert phrase.inner_text() == "Brian Mast"
    assert int(phrase.evaluate("s => getComputedStyle(s).fontWeight")) >= 600
    _shot(page, "ask-phrase")


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
    page.get_by_role("tab", name="Related").click()
    _pick(page, "#nd-doc-pick", "Huawei Placed Emergency")
    page.click("#nd-related")
    page.wait_for_selector("#nd-stories .nd-story", timeout=60_000)
    text = page.inner_text("#nd-stories")
    assert "Story 1" in text and "TSMC, Arizona — 1 day apart" in text
    assert "the report you picked" in text  # the subject on its own story's timeline
    assert "China Hits Back at New U.S. Restrictions on Huawei" in text
    assert "Adds: “" in text
    _shot(page, "related-coverage")
    _pick(page, "#nd-doc-pick", "FIFA")
    page.click("#nd-related")
    page.wait_for_function(
        "document.querySelector('#nd-stories').innerText.includes('Nothing closely related')"
    )


def test_stories_tab_lists_the_archive_stories_and_opens_a_timeline(page):
    page.get_by_role("tab", name="Stories").click()
    page.click("#nd-show-stories")
    page.wait_for_selector("#nd-story .nd-story svg.nd-chart", timeout=60_000)
    listing = page.inner_text("#nd-story-list")
    assert "Story 1: ASML" in listing and "Nexperia" in listing
    opened = page.inner_text("#nd-story")
    assert "First report;" in opened and "Adds: “" in opened
    dots = page.locator("#nd-story svg.nd-chart .nd-chart-dot").count()
    assert dots == page.locator("#nd-story .nd-timeline li").count() == 3
    _pick(page, "#nd-story-pick", "Nexperia")
    page.wait_for_function(
        "document.querySelector('#nd-story').innerText.includes('Wingtech')", timeout=60_000
    )
    assert page.locator("#nd-story .nd-timeline li").count() == 4
    axis = page.locator("#nd-story .nd-chart-axis").evaluate_all("ns => ns.map(n => n.textContent)")
    assert "Jan 2026" in axis and "Mar" in axis, "a continuous month axis"
    _shot(page, "stories")
    # The 2020 story, whichever of its two reports labels it: the only one naming Huawei.
    page.locator("#nd-story-list .nd-story-row", has_text="Huawei").click()
    page.wait_for_function(
        "(t => t.includes('Huawei Placed Emergency') && t.includes('China Hits Back'))"
        "(document.querySelector('#nd-story').innerText)",
        timeout=60_000,
    )
    assert "Huawei" in page.locator("#nd-story-pick input").input_value()
    page.fill("#nd-stories-since textarea, #nd-stories-since input", "2020-01-01")
    page.fill("#nd-stories-until textarea, #nd-stories-until input", "2020-12-31")
    page.click("#nd-show-stories")
    # The list is replaced when the filtered stories arrive; the unfiltered list also
    # holds the 2020 story, so wait for the 2026 ones to go.
    page.wait_for_function(
        "(t => t.includes('Huawei') && !t.includes('ASML'))"
        "(document.querySelector('#nd-story-list').innerText)"
    )
    assert "Nexperia" not in page.inner_text("#nd-story-list")


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


def test_first_start_shows_its_progress_in_the_page():
    # "Loading the language model" comes first but passes unseen when an earlier test
    # of the session loaded the model into this process already.
    said = " | ".join(FIRST_START)
    assert re.search(r"embedding passages, [1-9]\d* of 1\d\d", said), said


def test_a_page_opened_during_the_first_build_fills_itself_without_a_reload(server):
    watcher = WATCHER[0]
    watcher.wait_for_function(
        "document.querySelector('#nd-status').innerText.includes('81 documents')"
    )
    # The status line as first read (a loading timer such as "0.1s" may precede it).
    assert "Building the index:" in FIRST_START[0], FIRST_START[0]
    for menu, expected in (("#nd-outlets", "Chinascope"), ("#nd-authors", "Xiaofei Xu")):
        watcher.locator(f"{menu} input").click()
        option = watcher.get_by_role("option").filter(has_text=expected).first
        option.wait_for(timeout=10_000)
        watcher.keyboard.press("Escape")
    watcher.get_by_role("tab", name="Related").click()
    watcher.locator("#nd-doc-pick input").click()
    assert watcher.get_by_role("option").count() >= 50
    watcher.keyboard.press("Escape")
    watcher.get_by_role("tab", name="Library").click()
    watcher.wait_for_function(
        "document.querySelector('#nd-library-summary').innerText.includes('81 documents')"
    )
    assert "ASML boosts 2026 sales forecast" in watcher.inner_text("#nd-listing")
    _shot(watcher, "first-start-filled-without-reload")


def test_a_restart_on_a_ready_index_does_not_say_it_is_building(server):
    from ui.app import Handlers
    from ui.service import DeskService

    service = DeskService(INDEX[0])  # the server's index, built already
    handlers, said = Handlers(service), [Handlers(service).status()]
    service.start(build_demo=True)
    deadline = time.monotonic() + 120
    while not service.status.ready and time.monotonic() < deadline:
        said.append(handlers.status())
        time.sleep(0.05)
    said.append(handlers.status())
    service.close()
    assert said[0] == "**Getting ready:** Starting…"
    assert not any("Building" in line for line in said), said
    assert said[-1].startswith("81 documents")


def test_library_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(server)
    phone.wait_for_selector("#nd-question textarea")
    tabs = phone.get_by_role("tab")
    assert [t for t in tabs.all_inner_texts()] == ["Ask", "Related", "Stories", "Library"]
    phone.get_by_role("tab", name="Library").click()
    phone.wait_for_selector("#nd-per-month .nd-col")
    labels = phone.evaluate("""() => [...document.querySelectorAll('#nd-per-month .nd-col-label')]
        .filter(l => l.innerText.trim()).map(l => {
            const r = document.createRange(); r.selectNodeContents(l);
            const b = r.getBoundingClientRect(); return [b.left, b.right]; })""")
    assert len(labels) >= 3
    assert all(a[1] <= b[0] for a, b in zip(labels, labels[1:], strict=False)), (
        f"labels overlap: {labels}"
    )
    bars = phone.locator("#nd-per-month .nd-col").count()
    assert bars == 83, "every month from Jun 2019 to Apr 2026, empty ones included"
    row = phone.locator("#nd-listing tbody tr").first
    assert row.locator(".nd-col-title").is_visible() and row.locator(".nd-col-date").is_visible()
    assert not row.locator(".nd-col-id").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the page scrolls sideways ({width} px)"
    _shot(phone, "library-phone")
    phone.get_by_role("tab", name="Stories").click()
    phone.click("#nd-show-stories")
    phone.wait_for_selector("#nd-story svg.nd-chart", timeout=60_000)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the Stories tab scrolls sideways ({width} px)"
    chart = phone.locator("#nd-story .nd-chart-wrap").bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= 390
    svg = phone.locator("#nd-story svg.nd-chart").bounding_box()
    assert svg["x"] + svg["width"] <= chart["x"] + chart["width"] + 1, "the whole chart shows"
    label = phone.locator("#nd-story .nd-chart-label").first.bounding_box()
    assert label["height"] >= 7 and label["x"] >= svg["x"] - 1, "outlet labels readable, whole"
    _shot(phone, "stories-phone")
    context.close()


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


def test_removal_asks_first_and_says_what_was_removed(page, tmp_path):
    page.get_by_role("tab", name="Library").click()
    page.wait_for_selector("#nd-library-summary strong")
    if "82 documents" not in page.inner_text("#nd-library-summary"):  # run on its own
        upload = tmp_path / "harbour.txt"
        upload.write_text(XSS_ARTICLE)
        page.locator("#nd-upload input[type=file]").set_input_files(str(upload))
        page.wait_for_timeout(1000)
        page.click("#nd-add")
        page.wait_for_function(
            "document.querySelector('#nd-library-summary').innerText.includes('82 documents')",
            timeout=120_000,
        )
    before = page.inner_text("#nd-library-summary")
    _pick(page, "#nd-remove-pick", "Harbour authority unveils")
    page.click("#nd-remove")
    page.wait_for_selector("#nd-remove-question .nd-confirm")
    assert "Remove “Harbour authority unveils tidal barrier plan" in page.inner_text(
        "#nd-remove-question"
    )
    _shot(page, "library-remove-confirm")
    page.click("#nd-remove-no")
    page.wait_for_function(
        "document.querySelector('#nd-removed').innerText.includes('Nothing was removed')"
    )
    assert page.inner_text("#nd-library-summary") == before
    page.click("#nd-remove")
    page.wait_for_selector("#nd-remove-question .nd-confirm")
    page.click("#nd-remove-yes")
    page.wait_for_function(
        "document.querySelector('#nd-removed').innerText.includes('Removed “Harbour authority')",
        timeout=60_000,
    )
    assert "81 documents remain" in page.inner_text("#nd-removed")
    page.wait_for_function(
        "document.querySelector('#nd-library-summary').innerText.includes('81 documents')"
    )
    _shot(page, "library-removed")


def test_named_api_endpoints_answer_scripts(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/ask", "/related", "/stories", "/add"} <= set(endpoints)
    answer = client.predict(QUESTION, 3, "hybrid", "", "", [], [], api_name="/ask")
    assert answer["found"] and answer["citations"][0]["title"].startswith("China Hits Back")
    stories = client.predict(
        "", "", "TikTok counterintelligence threat senators", 5, api_name="/related"
    )
    assert stories and stories[0]["items"]
    listed = client.predict("", "", [], 2, 20, "", api_name="/stories")
    assert listed and listed[0]["story_id"] and listed[0]["items"][0]["adds"]


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
    report = client.predict(
        [str(secret), "file:///etc/passwd", "http://127.0.0.1:9/feed"], api_name="/add"
    )
    errors = [source["error"] for source in report["sources"]]
    assert (
        errors[0]
        == f"{secret}: not an http(s) URL; the web app adds uploaded files and http(s) URLs only"
    )
    assert "not an http(s) URL" in errors[1]
    assert "refused: 127.0.0.1 resolves to a loopback address" in errors[2]
    answer = client.predict(
        "Who will buy the harbour land?", 3, "hybrid", "", "", [], [], api_name="/ask"
    )
    assert all("cousin" not in passage["text"] for passage in answer["passages"])


def test_the_upload_report_reads_on_a_phone(browser, server, tmp_path, demo_dir):
    stored = sorted(demo_dir.iterdir())[-1]  # a single article the archive already holds
    again = tmp_path / "again.txt"
    again.write_bytes(stored.read_bytes())
    empty = tmp_path / "empty-notes-from-the-newsroom-with-a-long-file-name.txt"
    empty.write_text("")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(server)
    phone.wait_for_selector("#nd-question textarea")
    phone.get_by_role("tab", name="Library").click()
    phone.wait_for_selector("#nd-library-summary strong")
    phone.locator("#nd-upload input[type=file]").set_input_files([str(again), str(empty)])
    phone.wait_for_timeout(1000)
    phone.click("#nd-add")
    phone.wait_for_function(
        "document.querySelector('#nd-added').innerText.includes('again.txt')", timeout=120_000
    )
    rows = phone.locator("#nd-added table.nd-report tbody tr")
    assert rows.count() == 2
    for index in range(2):
        row = rows.nth(index)
        count = row.locator(".nd-rep-count").bounding_box()
        detail = row.locator(".nd-rep-detail").bounding_box()
        # The count reads "0 documents" on one line; the detail shows whole, inside the
        # screen (before: a header one letter per line and a cut-off detail column).
        assert count["height"] < 30 and count["width"] > 40, count
        assert detail["x"] >= 0 and detail["x"] + detail["width"] <= 390, detail
    assert rows.first.locator(".nd-rep-count").inner_text() == "1 document"
    assert rows.nth(1).locator(".nd-rep-count").inner_text() == "0 documents"
    assert rows.nth(1).locator(".nd-rep-detail").inner_text() == "empty file", "said once"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the Library scrolls sideways ({width} px)"
    phone.locator("#nd-added").scroll_into_view_if_needed()
    _shot(phone, "library-upload-phone")
    context.close()
