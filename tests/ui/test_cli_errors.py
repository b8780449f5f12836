"""Bad arguments and hostile queries on the command line: one line on stderr naming the
value, a non-zero status, never a traceback; output that cannot drive the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from search.types import Filters

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]


def _run(*args, index: Path, shell: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSDESK_INDEX": str(index), "PYTHONPATH": str(ROOT)}
    if shell is not None:
        return subprocess.run(shell, shell=True, capture_output=True, env=env, timeout=300)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args], capture_output=True, env=env, timeout=300
    )


def _one_line_error(result: subprocess.CompletedProcess, says: str) -> None:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0
    assert "Traceback" not in err
    assert any(says in line for line in err.splitlines()), err  # on one line


@pytest.mark.parametrize(
    "args,says",
    [
        (["ask", "-k", "0", "q"], "must be a whole number from 1 to 100, not '0'"),
        (["ask", "-k", "-1", "q"], "must be a whole number from 1 to 100, not '-1'"),
        (["ask", "-k", "1000000", "q"], "not '1000000'"),
        (["ask", "--since", "0001-01-01T00:00+05:00", "q"], "not a usable date"),
        (["ask", "--until", "someday", "q"], "not a usable date: 'someday'"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(tmp_path: Path, args, says):
    result = _run(*args, index=tmp_path / "never-created")
    _one_line_error(result, says)
    assert not (tmp_path / "never-created").exists()


def test_errors_name_the_value(demo_desk, tmp_path: Path):
    index = demo_desk.index_dir
    _one_line_error(
        _run("ask", "--since", "2021-01-01", "--until", "2020-01-01", "q", index=index),
        "the date range is inverted",
    )
    _one_line_error(_run("ask", "x" * 100_000, index=index), "the question is 100,000 characters")
    _one_line_error(_run("remove", "nope", index=index), "no stored document with id nope")
    _one_line_error(_run("docs", "--index", "/etc/passwd", index=index), "/etc/passwd")


def test_odd_queries_are_answered_without_error(demo_desk):
    index = demo_desk.index_dir
    for question in ["?!?...", "华为 芯片", "هواوي", "🚢🚢 ports", "\udced\udca0 Huawei"]:
        result = _run("ask", "--json", question, index=index)
        assert result.returncode == 0, result.stderr.decode()
        assert "question" in json.loads(result.stdout)
    far = _run("ask", "--until", "9999-12-31", "--json", "Huawei", index=index)
    assert far.returncode == 0 and json.loads(far.stdout)["passages"]


def test_filter_values_with_sql_wildcards_are_not_patterns(demo_desk):
    from index.errors import NoMatch

    for value in ("%", "_", "Caixin Globa_", "C%"):
        for filters in (Filters(sources=(value,)), Filters(authors=(value,))):
            with pytest.raises(NoMatch, match="in the archive matches"):
                demo_desk.search("Huawei", k=5, filters=filters)
    # Punctuation around a name is ignored, never read as a wildcard.
    caixin = demo_desk.search("Huawei", k=5, filters=Filters(sources=("%Caixin%",)))
    assert caixin and {p.document.source for p in caixin} == {"Caixin Global"}
    assert demo_desk.search("Huawei", k=5, filters=Filters(sources=("caixin global",)))


def test_a_closed_pipe_ends_quietly(demo_desk):
    index = demo_desk.index_dir
    result = _run(index=index, shell=f"{sys.executable} -m ui.cli docs | head -c 20")
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr and b"BrokenPipe" not in result.stderr


def test_file_names_and_errors_cannot_drive_the_terminal(tmp_path: Path):
    evil = tmp_path / "evil\x1b[2J\nname.txt"
    evil.write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text(
        "Quay reopens\n\nThe old quay reopened on Friday after repairs that took a year."
    )
    result = _run("ingest", str(tmp_path), index=tmp_path / "ix")
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 1
    assert "\x1b" not in out + err
    assert "evil\\x1b[2J\\nname.txt: empty file" in err  # errors on stderr, escaped
    assert "error:" not in out and "Quay reopens" in out


def test_a_folder_that_is_not_an_index_is_never_filled_with_one(tmp_path: Path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("a reporter's own notes")
    for command in (["info"], ["ask", "Who chairs the House Foreign Affairs Committee?"]):
        result = _run(*command, index=folder)
        assert result.returncode == 2, result.stderr
        assert b"not a newsdesk index and not empty" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
