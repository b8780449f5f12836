"""Classes of bad input, each built as files in a folder, with what each must get.

Shared by tests/index/test_hostile_input.py (which checks every class) and
benchmarks/bench_hostile.py (which times every class and writes the table in
docs/reliability.md)."""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GOOD_ARTICLE = (
    "Harbour board approves new ferry terminal\n\n"
    "The harbour board on Monday approved a new ferry terminal for the eastern docks, "
    "saying passenger numbers had doubled in five years and the old pier was unsafe.\n\n"
    "Construction is due to start in the spring and take two years, the board said."
)
PROSE = (
    "The city council voted on Tuesday to extend the tram line to the airport, "
    "after a debate that lasted most of the afternoon and drew a large crowd. "
)


def write_articles(folder: Path, count: int, tag: str) -> Path:
    """`count` distinct council articles tagged `tag` in `folder` (a batch for writers)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{tag}-{n}.txt").write_text(
            f"Council {tag} approves budget item {n}\n\n"
            f"The {tag} council approved budget item {n} on Thursday after a long debate, "
            f"allocating funds for road repairs, school meals and a new library branch in "
            f"district {n}. Opposition members said the {tag} plan relied on optimistic "
            f"revenue forecasts and would need revisiting within a year."
        )
    return folder


@dataclass(frozen=True)
class Case:
    """`build(folder)` writes the input and returns its path; `expect` is "error" (a
    one-line error naming the file), "partial" (documents, with records skipped) or
    "ok" (documents); `says` is a phrase the error or a skipped-record note holds."""

    name: str
    what: str
    build: Callable[[Path], Path]
    expect: str
    says: str = ""


def _write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    return build


def _rss(items: str, title: str = "Wire - Example Wire") -> str:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"{items}</channel></rss>"
    )


def _item(n: int, date: str = "Tue, 19 May 2020 08:00:00 GMT") -> str:
    return (
        f"<item><title>Story {n}</title><link>https://wire.example/{n}</link>"
        f"<pubDate>{date}</pubDate><description>{PROSE} Item {n}.</description></item>"
    )


def _gzip_bomb(folder: Path) -> Path:
    path = folder / "bomb.txt.gz"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as packed:
        chunk = b"\0" * (1 << 20)
        for _ in range(64):
            packed.write(chunk)
    path.write_bytes(buffer.getvalue())
    return path


def _zip(folder: Path) -> Path:
    path = folder / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("story.txt", GOOD_ARTICLE)
    return path


def _truncated_gzip(folder: Path) -> Path:
    path = folder / "cut.gz"
    path.write_bytes(gzip.compress(GOOD_ARTICLE.encode() * 50)[:40])
    return path


def _symlink_loop(folder: Path) -> Path:
    path = folder / "loop.txt"
    os.symlink("loop.txt", path)
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def _nested_html(folder: Path) -> Path:
    path = folder / "nested.html"
    depth = 100_000
    body = "<div>" * depth + f"<p>{PROSE}</p>" + "</div>" * depth
    path.write_text(
        f"<!DOCTYPE html><html><head><title>Deep</title></head><body>{body}</body></html>"
    )
    return path


def _nested_json(folder: Path) -> Path:
    path = folder / "nested.jsonl"
    path.write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    return path


def _huge_feed(folder: Path) -> Path:
    path = folder / "huge-feed.xml"
    path.write_text(_rss("".join(_item(n) for n in range(100_000))))
    return path


def _huge_xml(folder: Path) -> Path:
    path = folder / "huge.xml"
    path.write_text(_rss(_item(1).replace("Item 1.", "Item 1. " + PROSE * 30_000)))
    return path


def _nul_late(folder: Path) -> Path:
    path = folder / "nul.txt"
    path.write_bytes(("Late NUL headline\n\n" + PROSE * 80).encode() + b"\0" + PROSE.encode())
    return path


CASES: tuple[Case, ...] = (
    Case("empty", "empty file", _write("empty.txt", b""), "error", "empty file"),
    Case("blank", "only whitespace", _write("blank.txt", b" \n\t\n"), "error", "empty file"),
    Case(
        "binary",
        "PNG image",
        _write("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        "error",
        "binary file",
    ),  # fmt: skip
    Case("truncated", "truncated gzip", _truncated_gzip, "error", "binary file"),
    Case(
        "bomb", "gzip bomb (64 MiB of zeros packed in 64 kB)", _gzip_bomb, "error", "binary file"
    ),  # fmt: skip
    Case("zip", "zip archive", _zip, "error", "binary file"),
    Case(
        "malformed-xml",
        "malformed XML feed",
        _write("broken.xml", "<?xml version='1.0'?><rss><channel><item><title>x</item>"),
        "error",
        "malformed XML",
    ),  # fmt: skip
    Case("huge-xml", "20 MB feed item", _huge_xml, "error", "over the 2,000,000 limit"),
    Case(
        "laughs",
        "billion laughs",
        _write(
            "laughs.xml",
            '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "a"><!ENTITY b '
            '"&a;&a;&a;">]><rss version="2.0"><channel><item><title>&b;</title>'
            "</item></channel></rss>",
        ),
        "error",
        "unsafe XML refused",
    ),  # fmt: skip
    Case(
        "xxe",
        "external entity",
        _write(
            "xxe.xml",
            '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM '
            '"file:///etc/passwd">]><rss version="2.0"><channel><item><title>&x;'
            "</title></item></channel></rss>",
        ),
        "error",
        "unsafe XML refused",
    ),  # fmt: skip
    Case(
        "long-line",
        "50 MB single line",
        _write("line.txt", "word " * 10_000_000),
        "error",
        "over the 2,000,000 limit",
    ),  # fmt: skip
    Case(
        "byline-line",
        "byline-shaped 200 kB line",
        _write("byline.txt", "By " + "Ann and Bob " * 18_000 + "\n\n" + PROSE * 3),
        "ok",
    ),
    Case("nul", "NUL byte after 8 KiB", _nul_late, "ok"),
    Case(
        "mixed",
        "UTF-8 broken by Latin-1 bytes",
        _write("mixed.txt", "Café über — ".encode() * 20 + b"\xe9t\xe9 " * 5),
        "error",
        "mixed encodings",
    ),  # fmt: skip
    Case("utf16-bom", "UTF-16 with BOM", _write("bom.txt", GOOD_ARTICLE.encode("utf-16")), "ok"),
    Case(
        "utf16-nobom",
        "UTF-16 without BOM",
        _write("nobom.txt", GOOD_ARTICLE.encode("utf-16-le")),
        "ok",
    ),  # fmt: skip
    Case(
        "latin1",
        "Latin-1 text",
        _write(
            "latin1.txt",
            (
                "Élections à Montréal\n\nLes électeurs de Montréal ont voté dimanche pour élire "
                "un nouveau maire, après une campagne très disputée sur le logement."
            ).encode("latin-1"),
        ),
        "ok",
    ),  # fmt: skip
    Case(
        "csv-field",
        "CSV field of 200,000 characters beside a good row",
        _write("big.csv", "title,text\nHuge," + "x" * 200_000 + "\nGood," + PROSE + "\n"),
        "ok",
    ),  # fmt: skip
    Case(
        "json-types",
        "JSON fields of the wrong type",
        _write(
            "types.jsonl",
            json.dumps({"text": 42})
            + "\n"
            + json.dumps({"text": PROSE, "title": {"a": 1}})
            + "\n"
            + json.dumps({"text": PROSE + " Second.", "title": "Fine"})
            + "\n",
        ),
        "partial",
        "not text",
    ),  # fmt: skip
    Case(
        "surrogate",
        "lone surrogate in a JSON title",
        _write("surrogate.jsonl", '{"title": "Smile \\ud83d", "text": "' + PROSE + '"}\n'),
        "ok",
    ),
    Case(
        "date-year0",
        "RSS date 0000-00-00",
        _write("year0.xml", _rss(_item(1, "0000-00-00") + _item(2))),
        "ok",
    ),  # fmt: skip
    Case(
        "date-far",
        "dates 9999-12-31T23:00-05:00, year 99999 and epoch 1e20",
        _write(
            "far.jsonl",
            "".join(
                json.dumps({"text": f"{PROSE} {n}", "date": d}) + "\n"
                for n, d in enumerate(["9999-12-31T23:00:00-05:00", "99999-01-01", 1e20])
            ),
        ),
        "partial",
        "unusable date",
    ),  # fmt: skip
    Case("symlink-loop", "symlink loop", _symlink_loop, "error", "symbolic links"),
    Case("fifo", "FIFO among the files", _fifo, "error", "not a regular file (a FIFO)"),
    Case(
        "newline-name",
        "file name with a newline and an escape sequence",
        _write("bad\nname\x1b[31m.txt", b""),
        "error",
        "empty file",
    ),  # fmt: skip
    Case("nested-html", "HTML nested 100,000 deep", _nested_html, "error", ""),
    Case("nested-json", "JSON nested 100,000 deep", _nested_json, "error", ""),
    Case("huge-feed", "feed with 100,000 items", _huge_feed, "ok"),
    Case(
        "json-array-line",
        "JSON array on one line",
        _write("array.json", json.dumps([{"text": PROSE, "title": "One line"}])),
        "ok",
    ),
)
