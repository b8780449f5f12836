"""An index this user may not change (a read-only mount, a shared archive): every
reading command works, a writing one says so in one line, and nothing is written."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.stories.book import BOOK_NAME

pytestmark = pytest.mark.model

ARTICLES = {
    "quay.txt": "Harbour quay reopens\n\nBy Ana Lee\n\nThe old harbour quay in Porto "
    "reopened on Friday after repairs that took a year, the port authority said.",
    "quay2.txt": "Porto quay draws crowds\n\nThe reopened harbour quay in Porto drew "
    "crowds on Saturday, a day after the port authority ended a year of repairs.",
    "budget.txt": "Council passes budget\n\nThe city council passed its budget for next "
    "year on Tuesday, raising spending on schools and buses.",
}


def _run(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args, "--index", str(index)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture()
def read_only_index(tmp_path: Path) -> Iterator[Path]:
    """A built index whose stories book was never written, seen read-only: through a
    read-only bind mount when running as root (root ignores file modes), else by
    taking away write permission."""
    from search.desk import Newsdesk

    built = tmp_path / "index"
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text)
    with Newsdesk(built) as desk:
        desk.add([str(tmp_path / name) for name in ARTICLES])
    (built / BOOK_NAME).unlink()  # so readers must work the stories out themselves
    if os.geteuid() != 0:
        for path in [built, *built.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        yield built
        for path in [built, *built.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
        return
    view = tmp_path / "view"
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(built), str(view)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_every_reader_works_on_a_read_only_index_and_writes_nothing(read_only_index: Path):
    before = _fingerprint(read_only_index)
    info = _run("info", "--json", index=read_only_index)
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["documents"] == 3
    asked = _run("ask", "--json", "When did the Porto harbour quay reopen?", index=read_only_index)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["found"] and "Friday" in answer["answer"][0]["text"]
    stories = _run("stories", "--json", "--min-reports", "2", index=read_only_index)
    assert stories.returncode == 0, stories.stderr
    (story,) = json.loads(stories.stdout)
    assert sorted(r["title"] for r in story["items"]) == [
        "Harbour quay reopens",
        "Porto quay draws crowds",
    ]
    docs = _run("docs", index=read_only_index)
    assert docs.returncode == 0 and "3 documents" in docs.stdout
    assert _fingerprint(read_only_index) == before
    assert not (read_only_index / BOOK_NAME).exists()


def test_a_write_to_a_read_only_index_is_one_line_naming_the_folder(
    read_only_index: Path, tmp_path: Path
):
    extra = tmp_path / "extra.txt"
    extra.write_text("Ferry strike ends\n\nThe ferry strike ended on Monday.")
    for args in (["index", str(extra)], ["remove", "does-not-matter"]):
        result = _run(*args, index=read_only_index)
        assert result.returncode != 0
        assert result.stderr.strip().splitlines() == [
            f"newsdesk: {read_only_index}: the index folder is read-only here; "
            "it can be searched but not changed"
        ]
