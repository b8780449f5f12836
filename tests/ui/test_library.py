"""The Library's charts and listing without a browser: months on a continuous axis,
labels that cannot crowd, co-authors and credits shown apart."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from index.documents import DocumentSummary
from ui.charts import month_bars, months_between, outlet_bars
from ui.library import author_choices, listing_html


def _doc(n: int, year: int, month: int, source="Caixin Global", authors=(), credits=()):
    when = datetime(year, month, 5, tzinfo=UTC)
    return DocumentSummary(f"d{n}", f"Report {n}", source, authors, when, None, credits)


def test_months_without_documents_are_empty_bars_not_missing_ones():
    docs = [_doc(1, 2019, 11), _doc(2, 2019, 11), _doc(3, 2020, 5)]
    assert len(months_between(docs[0].published.date(), docs[2].published.date())) == 7
    html = month_bars(docs)
    titles = re.findall(r"title='(\d{4}-\d\d): (\d+) documents'", html)
    assert titles == [
        ("2019-11", "2"),
        ("2019-12", "0"),
        ("2020-01", "0"),
        ("2020-02", "0"),
        ("2020-03", "0"),
        ("2020-04", "0"),
        ("2020-05", "1"),
    ]


def test_month_labels_stay_few_over_a_long_archive():
    docs = [_doc(n, 2019 + n // 12, n % 12 + 1) for n in range(0, 84, 5)]
    labels = [
        t for t in re.findall(r"<span class='nd-col-label'>([^<]*)</span>", month_bars(docs)) if t
    ]
    assert 3 <= len(labels) <= 8 and all(re.fullmatch(r"20\d\d", t) for t in labels)


def test_outlets_are_ranked_and_the_tail_is_grouped():
    docs = [_doc(n, 2020, 1, source=f"Outlet {n % 15}") for n in range(45)]
    docs += [_doc(99, 2020, 1, source="Reuters")] * 10
    html = outlet_bars(docs)
    labels = re.findall(r"<span class='nd-bar-label' title='([^']*)'>", html)
    assert labels[0] == "Reuters" and labels[-1] == "other outlets" and len(labels) == 12


def test_listing_shows_people_and_credits_apart_and_author_picker_lists_each_person():
    docs = [
        _doc(1, 2026, 3, authors=("Coco Feng", "Eunice Xu")),
        _doc(2, 2019, 9, authors=(), credits=("Bloomberg",)),
        _doc(3, 2026, 1, authors=("coco feng",)),
        _doc(4, 2026, 2, authors=("Coco Feng",)),
    ]
    html = listing_html(docs, 1)
    assert "Coco Feng, Eunice Xu" in html and "via Bloomberg" in html
    assert author_choices(docs) == ["Coco Feng", "Eunice Xu"], "one entry per person"
