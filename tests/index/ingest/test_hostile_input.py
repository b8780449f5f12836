"""Hostile and broken input: every class gets a one-line error naming the file (or its
records are skipped with a note), the rest of the batch is stored, nothing is lost, and
no class costs unbounded time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.batch import ingest
from index.errors import MissingDependency, one_line
from index.ingest.pipeline import guarded_parse, load_source
from index.ingest.reading import RawSource
from tests.index.ingest.hostile_cases import CASES, GOOD_ARTICLE, PROSE, _item, _rss

FAST_CASES = [case for case in CASES if case.name != "huge-feed"]


@pytest.mark.parametrize("case", FAST_CASES, ids=[case.name for case in FAST_CASES])
def test_each_class_of_bad_input_gets_what_it_should(tmp_path: Path, case):
    path = case.build(tmp_path)
    started = time.monotonic()
    result = load_source(str(path))
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"{case.name} took {elapsed:.0f} s"
    if case.expect == "error":
        assert result.documents == ()
        assert result.error and "\n" not in result.error and "\x1b" not in result.error
        assert result.error.startswith(one_line(str(path)) + ": ")
        assert case.says in result.error
    else:
        assert result.error is None, result.error
        assert result.documents
        if case.expect == "partial":
            assert any(case.says in problem for problem in result.problems), result.problems
    for document in result.documents:
        document.text.encode("utf-8")  # no lone surrogates survive
        assert "\0" not in document.text and "\0" not in document.title


def test_a_batch_of_every_bad_class_still_stores_the_good_file(tmp_path, store, chunker):
    paths = [str(case.build(tmp_path)) for case in FAST_CASES if case.name != "fifo"]
    good = tmp_path / "good.txt"
    good.write_text(GOOD_ARTICLE)
    report = ingest([*paths, str(good)], store, chunker)
    titles = {document.title for document in store.documents()}
    assert "Harbour board approves new ferry terminal" in titles
    assert "Smile \ufffd" in titles  # the lone surrogate, replaced
    failed = [outcome for outcome in report.outcomes if outcome.status == "failed"]
    assert failed == []
    assert len(report.failed) == sum(1 for c in FAST_CASES if c.expect == "error") - 1


def test_bad_dates_cost_the_date_not_the_record(tmp_path, store, chunker):
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(_item(1, "0000-00-00") + _item(2)))
    (result,) = [load_source(str(feed))]
    assert [d.published is None for d in result.documents] == [True, False]
    records = tmp_path / "dates.jsonl"
    lines = [
        {"text": f"{PROSE} {n}", "date": value}
        for n, value in enumerate(["9999-12-31T23:00:00-05:00", 1e20, "1589810820", 1589810820000])
    ]
    records.write_text("".join(json.dumps(line) + "\n" for line in lines))
    report = ingest([str(feed), str(records)], store, chunker)
    assert store.count() == 6 and not report.failed
    dated = sorted(d.published.isoformat() for d in store.documents() if d.published)
    assert dated == ["2020-05-18T14:07:00+00:00"] * 2 + ["2020-05-19T08:00:00+00:00"]


def test_a_large_feed_is_loaded_in_linear_time(tmp_path: Path):
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss("".join(_item(n) for n in range(5_000))))
    started = time.monotonic()
    result = load_source(str(feed))
    assert len(result.documents) == 5_000
    assert time.monotonic() - started < 30


@settings(max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=3000).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [
                "<rss>",
                "<?xml version='1.0'?><feed>",
                '{"text": ',
                "title,text\n",
                "<html><body><p>",
                "By A / May 18, 2020 / World\n",
            ]
        ).flatmap(
            lambda head: st.text(max_size=2000).map(
                lambda tail: (head + tail).encode("utf-8", "surrogatepass")
            )
        ),
    )
)
def test_loaders_never_crash_on_generated_bytes(data: bytes):
    started = time.monotonic()
    result = guarded_parse(RawSource("fuzz.txt", data))
    assert time.monotonic() - started < 5
    assert bool(result.error) == (not result.documents)
    if result.error:
        assert result.error.startswith("fuzz.txt: ") and "\n" not in result.error
    for document in result.documents:
        document.text.encode("utf-8")
        document.title.encode("utf-8")


def test_a_missing_package_is_named_not_reported_as_a_bad_file(tmp_path, monkeypatch):
    import sys

    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><body><article><p>" + PROSE + "</p></article></body></html>"
    )
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if it were not installed
    with pytest.raises(MissingDependency, match="missing dependency: trafilatura"):
        load_source(str(page))
