"""The newsroom's search desk: a Gradio app to ask, read sources, follow a story and
manage the archive. Gradio is imported only here, when the app is built."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

from index.dates import parse_date
from index.errors import NewsdeskError, NotFound
from search.types import MODES, Filters
from ui import library
from ui.html import CSS, NOT_READY, answer_html, message_html, stories_html
from ui.render import answer_json, stories_json
from ui.service import MAX_UPLOAD_FILES, DeskService

PLACEHOLDER = "What did China's commerce ministry say about the new US restrictions on Huawei?"
PRIVATE = {"api_visibility": "private"}


def parse_filters(since: str, until: str, outlets, authors) -> Filters:
    """Filters from the form; a date-only `until` includes that whole day."""
    start = parse_date(since, plausible=False) if since and since.strip() else None
    end = parse_date(until, plausible=False) if until and until.strip() else None
    for label, raw, value in (("from", since, start), ("until", until, end)):
        if raw and raw.strip() and value is None:
            raise ValueError(f"'{raw}' is not a date for “{label}” (try 2020-05-18)")
    return Filters.between(start, end, tuple(outlets or ()), tuple(authors or ()))


def parse_as_of(text: str):
    """The form's "as of" date (None when empty); ValueError naming a bad one."""
    if not text or not text.strip():
        return None
    value = parse_date(text, plausible=False)
    if value is None:
        raise ValueError(f"'{text}' is not a date for “as of” (try 2020-05-18)")
    return value


class Handlers:
    """What each control does; every method returns escaped HTML or plain data."""

    def __init__(self, service: DeskService) -> None:
        self.service = service

    def status(self) -> str:
        state = self.service.status
        if state.error:
            return f"**Index build failed:** {state.error}"
        if not state.ready:
            return f"**Building the index:** {state.message}…"
        return library.summary_line(self.service.reader.summaries())

    def ask(
        self, question: str, since: str, until: str, outlets, authors, mode: str,
        as_of: str = "", question_dates: bool = True, diversify: bool = True,
    ) -> str:  # fmt: skip
        if not self.service.status.ready:
            return message_html(NOT_READY)
        if not question or not question.strip():
            return message_html(f"Type a question about the archive, e.g. “{PLACEHOLDER}”")
        try:
            filters = parse_filters(since, until, outlets, authors)
            answer = self.service.reader.ask(
                question.strip(), k=5, mode=mode, filters=filters, as_of=parse_as_of(as_of),
                question_dates=bool(question_dates), diversify=bool(diversify),
            )  # fmt: skip
        except (ValueError, NewsdeskError) as error:
            return message_html(str(error))
        return answer_html(answer)

    def related(self, doc_id: str | None, pasted: str) -> str:
        if not self.service.status.ready:
            return message_html(NOT_READY)
        pasted, desk = (pasted or "").strip(), self.service.reader
        try:
            if pasted.startswith(("http://", "https://")) and "\n" not in pasted:
                return stories_html(desk.related(url=pasted))
            if pasted:
                return stories_html(desk.related(text=pasted))
            if doc_id:
                return stories_html(desk.related(doc_id=doc_id))
        except NotFound:
            return message_html("That document is not in the archive.")
        except (ValueError, NewsdeskError) as error:
            return message_html(str(error))
        return message_html("Pick a document or paste a URL or text.")

    def add(self, files, urls: str):
        uploads = [(Path(f).name, Path(f).read_bytes()) for f in files or []]
        links = [u.strip() for u in (urls or "").splitlines() if u.strip()]
        if not uploads and not links:
            return [["", "nothing to add", 0, "choose files or paste URLs"]], self.status()
        try:
            report = self.service.add_uploads(uploads, links)
        except NewsdeskError as error:
            return [["", "failed", 0, str(error)]], self.status()
        return library.report_rows(report), self.status()

    def remove(self, doc_id: str | None) -> None:
        if doc_id:
            self.service.delete(doc_id)

    def listing(self, page: float | None) -> list[list[str]]:
        return library.listing_rows(self.service.reader.summaries(), int(page or 1))

    def refresh(self, page: float | None = 1):
        """Pickers, charts and listing from the current archive."""
        import gradio as gr

        if not self.service.status.ready:
            empty = gr.update(choices=[])
            return self.status(), empty, empty, empty, empty, "", None, None, []
        summaries = self.service.reader.summaries()  # one read for the whole refresh
        headlines = library.headline_choices(summaries)
        per_outlet, per_month = library.chart_frames(summaries)
        return (
            library.summary_line(summaries),
            gr.update(choices=library.outlet_choices(summaries)),
            gr.update(choices=library.author_choices(summaries)),
            gr.update(choices=headlines),
            gr.update(choices=headlines),
            library.summary_markdown(summaries),
            per_outlet,
            per_month,
            library.listing_rows(summaries, int(page or 1)),
        )


def _ask_tab(gr) -> SimpleNamespace:
    ui = SimpleNamespace()
    ui.question = gr.Textbox(label="Question", elem_id="nd-question", placeholder=PLACEHOLDER)
    with gr.Row():
        ui.since = gr.Textbox(label="Published from", placeholder="YYYY-MM-DD", elem_id="nd-since")
        ui.until = gr.Textbox(label="Published until", placeholder="YYYY-MM-DD", elem_id="nd-until")
        ui.outlets = gr.Dropdown(label="Outlet", multiselect=True, elem_id="nd-outlets", scale=2)
        ui.authors = gr.Dropdown(label="Author", multiselect=True, elem_id="nd-authors", scale=2)
        ui.mode = gr.Radio(
            list(MODES), value="hybrid", label="Search mode", elem_id="nd-mode", scale=2
        )
    with gr.Row():
        ui.as_of = gr.Textbox(label="As of", placeholder="YYYY-MM-DD (default: today)",
                              elem_id="nd-as-of")  # fmt: skip
        ui.question_dates = gr.Checkbox(value=True, label="Use dates named in the question",
                                        elem_id="nd-question-dates")  # fmt: skip
        ui.diversify = gr.Checkbox(value=True, label="Spread results over outlets",
                                   elem_id="nd-diversify")  # fmt: skip
    ui.button = gr.Button("Ask the archive", variant="primary", elem_id="nd-ask")
    ui.answer = gr.HTML(elem_id="nd-answer")
    return ui


def _related_tab(gr) -> SimpleNamespace:
    ui = SimpleNamespace()
    ui.document = gr.Dropdown(
        label="Document (type to search headlines)", filterable=True, elem_id="nd-doc-pick"
    )
    ui.pasted = gr.Textbox(label="…or paste a URL or a text", lines=3, elem_id="nd-pasted")
    ui.button = gr.Button("Find related coverage", variant="primary", elem_id="nd-related")
    ui.stories = gr.HTML(elem_id="nd-stories")
    return ui


def _library_tab(gr) -> SimpleNamespace:
    ui = SimpleNamespace()
    ui.summary = gr.Markdown(elem_id="nd-library-summary")
    with gr.Row():
        ui.per_outlet = gr.BarPlot(
            x="outlet", y="documents", title="Documents per outlet", x_label_angle=-35
        )
        ui.per_month = gr.BarPlot(x="month", y="documents", title="Documents per month")
    with gr.Row():
        ui.files = gr.File(
            label=f"Add files (feeds, pages, exports; up to {MAX_UPLOAD_FILES} of 20 MB each)",
            file_count="multiple",
            elem_id="nd-upload",
        )
        ui.urls = gr.Textbox(label="…or URLs (feeds or pages), one per line", lines=4)
    ui.add = gr.Button("Add to archive", variant="primary", elem_id="nd-add")
    ui.added = gr.Dataframe(
        headers=["source", "status", "documents", "detail"],
        interactive=False,
        wrap=True,
        elem_id="nd-added",
        label="What was ingested",
    )
    with gr.Row():
        ui.page = gr.Number(value=1, precision=0, minimum=1, label="Page", elem_id="nd-page")
        ui.remove_pick = gr.Dropdown(label="Remove a document", filterable=True, scale=4)
        ui.remove = gr.Button("Remove", variant="stop", elem_id="nd-remove")
    ui.listing = gr.Dataframe(
        headers=library.LISTING_HEADERS,
        interactive=False,
        wrap=True,
        elem_id="nd-listing",
        label="Archive",
    )
    return ui


def build_app(service: DeskService):
    # Nothing leaves the machine unless the user asks: no usage analytics.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    handlers = Handlers(service)
    with gr.Blocks(title="newsdesk — search desk", analytics_enabled=False) as app:
        gr.Markdown("## newsdesk · search desk")
        status = gr.Markdown(handlers.status(), elem_id="nd-status")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                ask = _ask_tab(gr)
            with gr.Tab("Related coverage", id="related"):
                related = _related_tab(gr)
            with gr.Tab("Library", id="library"):
                lib = _library_tab(gr)
        # The named endpoints first, so that they own the names ask, related and add.
        _api_endpoints(gr, service)
        _wire(gr, app, handlers, status, ask, related, lib)
    return app


def _wire(gr, app, handlers: Handlers, status, ask, related, lib) -> None:
    refreshed = [status, ask.outlets, ask.authors, related.document, lib.remove_pick,
                 lib.summary, lib.per_outlet, lib.per_month, lib.listing]  # fmt: skip
    app.load(handlers.refresh, [lib.page], refreshed, **PRIVATE)
    gr.Timer(3.0).tick(handlers.status, outputs=[status], show_progress="hidden", **PRIVATE)
    ask_inputs = [ask.question, ask.since, ask.until, ask.outlets, ask.authors, ask.mode,
                  ask.as_of, ask.question_dates, ask.diversify]  # fmt: skip
    for trigger in (ask.button.click, ask.question.submit):
        trigger(handlers.ask, ask_inputs, ask.answer, concurrency_limit=8, **PRIVATE)
    related.button.click(
        handlers.related, [related.document, related.pasted], related.stories, **PRIVATE
    )

    def add(files, urls, progress=gr.Progress()):  # noqa: B008 - Gradio's progress hook
        progress(0.2, desc="Reading, ingesting and indexing")
        return handlers.add(files, urls)

    lib.add.click(
        add, [lib.files, lib.urls], [lib.added, status], concurrency_limit=1, **PRIVATE
    ).then(handlers.refresh, [lib.page], refreshed, **PRIVATE)
    lib.page.change(handlers.listing, [lib.page], lib.listing, **PRIVATE)
    lib.remove.click(handlers.remove, [lib.remove_pick], None, **PRIVATE).then(
        handlers.refresh, [lib.page], refreshed, **PRIVATE
    )


def _api_endpoints(gr, service: DeskService) -> None:
    """Named endpoints for scripts (gradio_client): ask, related, add."""

    def api_ask(
        question: str,
        k: int = 5,
        mode: str = "hybrid",
        since: str = "",
        until: str = "",
        outlets: list[str] | None = None,
        authors: list[str] | None = None,
        as_of: str = "",
        question_dates: bool = True,
        diversify: bool = True,
    ) -> dict:
        """Answer a question with cited sentences; the `newsdesk ask --json` schema."""
        filters = parse_filters(since, until, outlets, authors)
        answer = service.reader.ask(
            question, k=int(k), mode=mode, filters=filters, as_of=parse_as_of(as_of),
            question_dates=bool(question_dates), diversify=bool(diversify),
        )  # fmt: skip
        return answer_json(answer)

    def api_related(doc_id: str = "", url: str = "", text: str = "", k: int = 10) -> list:
        """Related coverage of a document id, a URL, or a text; stories oldest first."""
        desk = service.reader
        if text:
            return stories_json(desk.related(text=text, k=int(k)))
        if url:
            return stories_json(desk.related(url=url, k=int(k)))
        return stories_json(desk.related(doc_id=doc_id, k=int(k)))

    def api_add(urls: list[str]) -> dict:
        """Ingest feeds or pages by http(s) URL (never a path on the server); returns
        what was ingested and what failed, per URL."""
        from ui.output import report_json

        return report_json(service.add_uploads([], [u for u in urls if u.strip()]))

    gr.api(api_ask, api_name="ask", concurrency_limit=8)
    gr.api(api_related, api_name="related", concurrency_limit=8)
    gr.api(api_add, api_name="add", concurrency_limit=1)


def serve(
    index_dir: Path, host: str, port: int | None, model: str | None = None, block: bool = True
):
    """Start the app; on an empty index the demo corpus is built in the background."""
    from index.derived.embedding import limit_threads, query_threads

    # The background writer shares this process: one thread per question keeps answers
    # quick while it embeds (docs/benchmarks.md).
    limit_threads(query_threads())
    service = DeskService(index_dir, model)
    service.start(build_demo=True)
    app = build_app(service)
    app.queue(default_concurrency_limit=8)
    app.launch(
        server_name=host,
        server_port=port,
        prevent_thread_lock=not block,
        max_file_size="20mb",
        css=CSS,
        footer_links=["api"],
        show_error=True,
        quiet=True,
    )
    return app, service
