"""The app's tabs: which controls each holds. Gradio is passed in (imported lazily by
ui/app.py); element ids are what the browser tests and the CSS address."""

from __future__ import annotations

from types import SimpleNamespace

from search.types import MODES
from ui.service import MAX_UPLOAD_FILES

PLACEHOLDER = "What did China's commerce ministry say about the new US restrictions on Huawei?"


def ask_tab(gr) -> SimpleNamespace:
    ui = SimpleNamespace()
    ui.question = gr.Textbox(label="Question", elem_id="nd-question", placeholder=PLACEHOLDER)
    with gr.Row():
        ui.since = gr.Textbox(label="Published from", placeholder="YYYY-MM-DD", elem_id="nd-since")
        ui.until = gr.Textbox(label="Published until", placeholder="YYYY-MM-DD", elem_id="nd-until")
        ui.outlets = gr.Dropdown(label="Outlet", multiselect=True, elem_id="nd-outlets", scale=2)
        ui.authors = gr.Dropdown(
            label="Author (any co-author)", multiselect=True, elem_id="nd-authors", scale=2
        )
        ui.mode = gr.Radio(
            list(MODES), value="hybrid", label="Search mode", elem_id="nd-mode", scale=2
        )
    with gr.Row():
        ui.as_of = gr.Textbox(
            label="As of", placeholder="YYYY-MM-DD (default: today)", elem_id="nd-as-of"
        )
        ui.question_dates = gr.Checkbox(
            value=True, label="Use dates named in the question", elem_id="nd-question-dates"
        )
        ui.diversify = gr.Checkbox(
            value=True, label="Spread results over outlets", elem_id="nd-diversify"
        )
    ui.button = gr.Button("Ask the archive", variant="primary", elem_id="nd-ask")
    ui.answer = gr.HTML(elem_id="nd-answer")
    return ui


def related_tab(gr) -> SimpleNamespace:
    ui = SimpleNamespace()
    ui.document = gr.Dropdown(
        label="Document (type to search headlines)", filterable=True, elem_id="nd-doc-pick"
    )
    ui.pasted = gr.Textbox(label="…or paste a URL or a text", lines=3, elem_id="nd-pasted")
    ui.button = gr.Button("Find related coverage", variant="primary", elem_id="nd-related")
    ui.stories = gr.HTML(elem_id="nd-stories")
    return ui


def stories_tab(gr) -> SimpleNamespace:
    ui = SimpleNamespace()
    with gr.Row():
        ui.since = gr.Textbox(
            label="With a report from", placeholder="YYYY-MM-DD", elem_id="nd-stories-since"
        )
        ui.until = gr.Textbox(label="…until", placeholder="YYYY-MM-DD", elem_id="nd-stories-until")
        ui.outlets = gr.Dropdown(label="Outlet", multiselect=True, elem_id="nd-stories-outlets")
    ui.button = gr.Button("Show stories", variant="primary", elem_id="nd-show-stories")
    with gr.Row():
        with gr.Column(scale=2, min_width=300):
            ui.pick = gr.Dropdown(label="Open a story", elem_id="nd-story-pick", filterable=True)
            # A click on a story's heading opens it (the story id rides on the event).
            ui.listing = gr.HTML(elem_id="nd-story-list", js_on_load=OPEN_ON_CLICK)
        with gr.Column(scale=3, min_width=300):
            ui.story = gr.HTML(elem_id="nd-story")
    return ui


def library_tab(gr) -> SimpleNamespace:
    ui = SimpleNamespace()
    ui.summary = gr.Markdown(elem_id="nd-library-summary")
    with gr.Row(elem_id="nd-charts"):
        ui.per_outlet = gr.HTML(elem_id="nd-chart-outlets")
        ui.per_month = gr.HTML(elem_id="nd-chart-months")
    with gr.Row():
        ui.files = gr.File(
            label=f"Add files (feeds, pages, exports; up to {MAX_UPLOAD_FILES} of 20 MB each)",
            file_count="multiple",
            elem_id="nd-upload",
        )
        ui.urls = gr.Textbox(label="…or URLs (feeds or pages), one per line", lines=4)
    ui.add = gr.Button("Add to archive", variant="primary", elem_id="nd-add")
    ui.added = gr.HTML(elem_id="nd-added", label="What was ingested")
    with gr.Row():
        ui.remove_pick = gr.Dropdown(
            label="Remove a document", filterable=True, scale=4, elem_id="nd-remove-pick"
        )
        ui.remove = gr.Button("Remove…", variant="stop", elem_id="nd-remove")
    with gr.Row(visible=False, elem_id="nd-remove-confirm") as ui.confirm_row:
        ui.confirm_text = gr.HTML(elem_id="nd-remove-question")
        ui.confirm = gr.Button("Yes, remove it", variant="stop", elem_id="nd-remove-yes")
        ui.cancel = gr.Button("Keep it", elem_id="nd-remove-no")
    ui.removed = gr.HTML(elem_id="nd-removed")
    ui.page = gr.Number(value=1, precision=0, minimum=1, label="Page", elem_id="nd-page")
    ui.listing = gr.HTML(elem_id="nd-listing")
    return ui


# Phone width: the filter rows wrap instead of squeezing five controls into 390 px.
OPEN_ON_CLICK = """
element.addEventListener('click', (event) => {
  const row = event.target.closest('[data-story]');
  if (row) trigger('click', {story_id: row.dataset.story});
});
"""

LAYOUT_CSS = """
@media (max-width: 600px) {
  .gradio-container .row, .gradio-container .form { flex-wrap: wrap; }
  .gradio-container .form > .block { min-width: 45% !important; flex: 1 1 45% !important; }
  #nd-charts > * { min-width: 100% !important; }
}
"""
