"""What scripts call (gradio_client): the app's named endpoints ask, related, stories
and add, and the parsing of form and endpoint arguments they share with the page."""

from __future__ import annotations

from search.desk import Newsdesk
from search.types import Filters
from ui.render import answer_json, stories_json
from ui.service import DeskService


def parse_filters(since: str, until: str, outlets, authors) -> Filters:
    """Filters from the form; a date-only `until` includes that whole day."""
    start = Newsdesk.parse_date(since) if since and since.strip() else None
    end = Newsdesk.parse_date(until) if until and until.strip() else None
    for label, raw, value in (("from", since, start), ("until", until, end)):
        if raw and raw.strip() and value is None:
            raise ValueError(f"'{raw}' is not a date for “{label}” (try 2020-05-18)")
    outlets, authors = string_list(outlets, "outlets"), string_list(authors, "authors")
    return Filters.between(start, end, outlets, authors)


def string_list(value, name: str) -> tuple[str, ...]:
    """An endpoint's list argument as strings; ValueError for anything else (a bare
    string would otherwise be taken letter by letter)."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} must be a list of strings, not {value!r:.60}")
    return tuple(value)


def parse_as_of(text: str):
    """The form's "as of" date (None when empty); ValueError naming a bad one."""
    if not text or not text.strip():
        return None
    value = Newsdesk.parse_date(text)
    if value is None:
        raise ValueError(f"'{text}' is not a date for “as of” (try 2020-05-18)")
    return value


def api_endpoints(gr, service: DeskService) -> None:
    """Named endpoints for scripts (gradio_client): ask, related, stories, add."""

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
            question,
            k=int(k),
            mode=mode,
            filters=filters,
            as_of=parse_as_of(as_of),
            question_dates=bool(question_dates),
            diversify=bool(diversify),
        )
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

        wanted = string_list(urls, "urls")
        return report_json(service.add_uploads([], [u for u in wanted if u.strip()]))

    gr.api(api_ask, api_name="ask", concurrency_limit=8)
    gr.api(api_related, api_name="related", concurrency_limit=8)
    gr.api(_stories_endpoint(service), api_name="stories", concurrency_limit=8)
    gr.api(api_add, api_name="add", concurrency_limit=1)


def _stories_endpoint(service: DeskService):
    def api_stories(
        since: str = "",
        until: str = "",
        outlets: list[str] | None = None,
        min_reports: int = 2,
        limit: int = 20,
        story_id: str = "",
    ) -> list:
        """The archive's stories (the `newsdesk stories --json` shape), newest activity
        first; with `story_id`, that one story."""
        if story_id:
            return stories_json([service.reader.story(story_id)])
        filters = parse_filters(since, until, outlets, ())
        found = service.reader.stories(filters, min_reports=int(min_reports), limit=int(limit))
        return stories_json(found)

    return api_stories
