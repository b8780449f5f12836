"""The newsroom's search desk: a Gradio app to ask, read sources, follow a story and
manage the archive. Gradio is imported only here, when the app is built."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from index.errors import NewsdeskError, NotFound
from search.desk import Newsdesk
from ui import charts, library
from ui.charts import CHART_CSS
from ui.endpoints import api_endpoints, parse_as_of, parse_filters
from ui.html import CSS, NOT_READY, answer_html, message_html
from ui.layout import LAYOUT_CSS, PLACEHOLDER, ask_tab, library_tab, related_tab, stories_tab
from ui.library import LISTING_CSS
from ui.service import DeskService
from ui.storyhtml import STORY_CSS, stories_html, story_html, story_list_html

PRIVATE = {"api_visibility": "private"}
NO_STORIES = "No stories of two or more reports in the archive for these filters."


class Handlers:
    """What each control does; every method returns escaped HTML or plain data."""

    def __init__(self, service: DeskService) -> None:
        self.service = service

    def status(self) -> str:
        state = self.service.status
        if state.error:
            return f"**Index build failed:** {state.error}"
        if not state.ready:
            doing = "Building the index" if state.building else "Getting ready"
            return f"**{doing}:** {state.message}…"
        line = library.summary_line(self.service.reader.summaries())
        coverage = self.service.reader.coverage()
        if not coverage.complete:
            line += (
                f"; search by meaning covers {coverage.embedded:,} of "
                f"{coverage.passages:,} passages so far (the rest by their words)"
            )
        return line

    def ask(
        self,
        question: str,
        since: str,
        until: str,
        outlets,
        authors,
        mode: str,
        as_of: str = "",
        question_dates: bool = True,
        diversify: bool = True,
    ) -> str:
        if not self.service.status.ready:
            return message_html(NOT_READY)
        if not question or not question.strip():
            return message_html(f"Type a question about the archive, e.g. “{PLACEHOLDER}”")
        try:
            filters = parse_filters(since, until, outlets, authors)
            answer = self.service.reader.ask(
                question.strip(),
                k=5,
                mode=mode,
                filters=filters,
                as_of=parse_as_of(as_of),
                question_dates=bool(question_dates),
                diversify=bool(diversify),
            )
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

    def stories(self, since: str, until: str, outlets):
        """The archive's stories for the filters, a picker of them, and the newest one
        opened."""
        import gradio as gr

        if not self.service.status.ready:
            return message_html(NOT_READY), gr.update(choices=[]), ""
        try:
            filters = parse_filters(since, until, outlets, ())
            found = self.service.reader.stories(filters, limit=50)
        except (ValueError, NewsdeskError) as error:
            return message_html(str(error)), gr.update(choices=[]), ""
        choices = [(f"{n}. {story.label}", story.story_id) for n, story in enumerate(found, 1)]
        opened = story_html(found[0]) if found else ""
        pick = gr.update(choices=choices, value=found[0].story_id if found else None)
        return story_list_html(found, NO_STORIES), pick, opened

    def open_story(self, story_id: str | None) -> str:
        if not story_id or not self.service.status.ready:
            return ""
        try:
            return story_html(self.service.reader.story(story_id))
        except NotFound:
            return message_html("That story is no longer in the archive; show the stories again.")

    def open_clicked(self, event=None):
        """A story heading clicked in the list: open it and show it in the picker."""
        import gradio as gr

        story_id = getattr(event, "story_id", None)
        if not isinstance(story_id, str):
            return gr.skip(), gr.skip()
        return self.open_story(story_id), gr.update(value=story_id)

    def add(self, files, urls: str):
        uploads = [(Path(f).name, Path(f).read_bytes()) for f in files or []]
        links = [u.strip() for u in (urls or "").splitlines() if u.strip()]
        if not uploads and not links:
            return message_html("Nothing to add: choose files or paste URLs."), self.status()
        try:
            report = self.service.add_uploads(uploads, links)
        except NewsdeskError as error:
            return message_html(f"Nothing was added: {error}"), self.status()
        return library.report_html(library.report_rows(report)), self.status()

    def _summary(self, doc_id: str | None):
        summaries = self.service.reader.summaries()
        return next((s for s in summaries if s.doc_id == doc_id), None), len(summaries)

    def remove_asked(self, doc_id: str | None):
        """Show the confirmation, naming what would be removed."""
        import gradio as gr

        summary, _ = self._summary(doc_id)
        return gr.update(visible=summary is not None), library.removal_prompt(summary), ""

    def remove_confirmed(self, doc_id: str | None):
        import gradio as gr

        summary, count = self._summary(doc_id)
        if summary is None:
            return (
                gr.update(visible=False),
                "",
                message_html("That document is no longer in the archive."),
            )
        self.service.delete(summary.doc_id)
        return gr.update(visible=False), "", library.removal_done(summary, count - 1)

    def remove_cancelled(self):
        import gradio as gr

        return gr.update(visible=False), "", message_html("Nothing was removed.")

    def listing(self, page: float | None) -> str:
        return library.listing_html(self.service.reader.summaries(), int(page or 1))

    def tick(self, filled: bool):
        """Every second: the status line, and whether this page's controls should now
        hold the ready archive (its change fills them, once, without a reload)."""
        return self.status(), bool(filled or self.service.status.ready)

    def refresh(self, page: float | None = 1):
        """Pickers, charts and listing from the current archive."""
        import gradio as gr

        if not self.service.status.ready:
            empty = gr.update(choices=[])
            return self.status(), empty, empty, empty, empty, "", "", "", "", empty
        summaries = self.service.reader.summaries()  # one read for the whole refresh
        headlines = library.headline_choices(summaries)
        outlets = library.outlet_choices(summaries)
        return (
            library.summary_line(summaries),
            gr.update(choices=outlets),
            gr.update(choices=library.author_choices(summaries)),
            gr.update(choices=headlines),
            gr.update(choices=headlines),
            library.summary_markdown(summaries),
            charts.outlet_bars(summaries),
            charts.month_bars(summaries),
            library.listing_html(summaries, int(page or 1)),
            gr.update(choices=outlets),
        )


FONTS = ("Liberation Sans", "DejaVu Sans", "Arial", "Helvetica", "sans-serif")
MONO_FONTS = ("DejaVu Sans Mono", "Liberation Mono", "monospace")


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
                ask = ask_tab(gr)
            with gr.Tab("Related", id="related"):
                related = related_tab(gr)
            with gr.Tab("Stories", id="stories"):
                stories = stories_tab(gr)
            with gr.Tab("Library", id="library"):
                lib = library_tab(gr)
        # The named endpoints first, so that they own the names ask, related and add.
        api_endpoints(gr, service)
        refreshed = [
            status,
            ask.outlets,
            ask.authors,
            related.document,
            lib.remove_pick,
            lib.summary,
            lib.per_outlet,
            lib.per_month,
            lib.listing,
            stories.outlets,
        ]
        # Flips to True once the index is ready for this page: its change fills every
        # control (a page opened during the first build fills itself, no reload).
        filled = gr.State(False)
        app.load(handlers.tick, [filled], [status, filled], **PRIVATE)
        gr.Timer(1.0).tick(
            handlers.tick, [filled], [status, filled], show_progress="hidden", **PRIVATE
        )
        filled.change(handlers.refresh, [lib.page], refreshed, show_progress="hidden", **PRIVATE)
        _wire_questions(handlers, ask, related)
        _wire_stories(handlers, stories)
        _wire_library(gr, handlers, lib, status, refreshed)
    return app


def _wire_questions(handlers: Handlers, ask, related) -> None:
    ask_inputs = [
        ask.question,
        ask.since,
        ask.until,
        ask.outlets,
        ask.authors,
        ask.mode,
        ask.as_of,
        ask.question_dates,
        ask.diversify,
    ]
    for trigger in (ask.button.click, ask.question.submit):
        trigger(handlers.ask, ask_inputs, ask.answer, concurrency_limit=8, **PRIVATE)
    related.button.click(
        handlers.related, [related.document, related.pasted], related.stories, **PRIVATE
    )


def _wire_stories(handlers: Handlers, stories) -> None:
    outputs = [stories.listing, stories.pick, stories.story]
    inputs = [stories.since, stories.until, stories.outlets]
    stories.button.click(handlers.stories, inputs, outputs, **PRIVATE)
    stories.pick.input(handlers.open_story, [stories.pick], stories.story, **PRIVATE)
    import gradio as gr

    def open_clicked(event):
        return handlers.open_clicked(event)

    # Gradio passes the click's data to a parameter annotated EventData (set here, as
    # gradio is imported lazily).
    open_clicked.__annotations__ = {"event": gr.EventData}
    stories.listing.click(open_clicked, None, [stories.story, stories.pick], **PRIVATE)


def _wire_library(gr, handlers: Handlers, lib, status, refreshed) -> None:
    def add(files, urls, progress=gr.Progress()):  # noqa: B008 - Gradio's progress hook
        progress(0.05, desc="Reading and ingesting")

        def embedding(done: int, total: int) -> None:
            progress(0.1 + 0.85 * done / max(total, 1), desc=f"Embedding passages: {done}/{total}")

        handlers.service.progress_hook = embedding
        try:
            return handlers.add(files, urls)
        finally:
            handlers.service.progress_hook = None

    lib.add.click(
        add, [lib.files, lib.urls], [lib.added, status], concurrency_limit=1, **PRIVATE
    ).then(handlers.refresh, [lib.page], refreshed, **PRIVATE)
    lib.page.change(handlers.listing, [lib.page], lib.listing, **PRIVATE)
    asked = [lib.confirm_row, lib.confirm_text, lib.removed]
    lib.remove.click(handlers.remove_asked, [lib.remove_pick], asked, **PRIVATE)
    lib.cancel.click(handlers.remove_cancelled, None, asked, **PRIVATE)
    lib.confirm.click(
        handlers.remove_confirmed, [lib.remove_pick], asked, concurrency_limit=1, **PRIVATE
    ).then(handlers.refresh, [lib.page], refreshed, **PRIVATE)


def serve(
    index_dir: Path,
    host: str,
    port: int | None,
    model: str | None = None,
    block: bool = True,
    ray: str | None = None,
    scorer: str | None = None,
):
    """Start the app; on an empty index the demo corpus is built in the background."""
    # The background writer shares this process: one thread per question keeps answers
    # quick while it embeds (docs/benchmarks.md).
    Newsdesk.one_thread_per_question()
    service = DeskService(index_dir, model, ray, scorer)
    app = build_app(service)
    app.queue(default_concurrency_limit=8)
    # The page first, then the model and index in the background: on two cores, loading
    # torch beside Gradio's start would hold the page back by seconds, and the page
    # shows each step of the start in its status line.
    import gradio as gr

    app.launch(
        server_name=host,
        # Fonts every plain Debian machine has (Chromium brings Liberation, the system
        # DejaVu): the theme's web fonts are not fetched, so headings fell back to
        # another font for some letters.
        theme=gr.themes.Default(font=FONTS, font_mono=MONO_FONTS),
        server_port=port,
        prevent_thread_lock=True,
        max_file_size="20mb",
        css=CSS + STORY_CSS + CHART_CSS + LISTING_CSS + LAYOUT_CSS,
        footer_links=["api"],
        show_error=True,
        quiet=True,
    )
    service.start(build_demo=True)
    if block:
        print(f"newsdesk: the page is up at {app.local_url}", file=sys.stderr)
        _serve_until_stopped(app, service)
    return app, service


def _serve_until_stopped(app, service) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop what this process started: the page,
    the index, and a `--ray local` cluster with its agents and workers."""
    import signal

    from search.desk import Newsdesk

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        app.block_thread()  # returns on KeyboardInterrupt, having closed the server
    finally:
        service.close()
        if Newsdesk.stop_local_cluster():
            print("newsdesk: stopped the local Ray cluster", file=sys.stderr)
