"""The docs match the code: the module index of docs/architecture.md is the one the
code writes, and every file the docs and README name exists."""

from __future__ import annotations

import re

from tests.project.module_index import ARCHITECTURE, ROOT, block, current_block

# `index/derived/builder.py`, `benchmarks/bench_stories.py`, `search/`, or a bare
# `builder.py` in a table of one folder's files.
_NAMED = re.compile(r"`((?:[\w.-]+/)*[\w.-]+\.(?:py|md|json|jsonl|txt|toml)|(?:[\w-]+/)+)`")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Names the docs use for files of the user's index folder or machine, not of the repo.
# files of a model package or of an evaluation set's layout and report.
OUTSIDE = {
    "manifest.json",
    "rows.json",
    "bm25.json",
    "shards.json",
    "stories.json",
    "collection.json",
    "tokenizer.json",
    "meta.json",
    "corpus.jsonl",
    "queries.jsonl",
    "corpus/",
    "report.md",
    "report.json",
    "per_query.jsonl",
}


def test_the_module_index_is_written_from_the_code():
    text = ARCHITECTURE.read_text()
    assert current_block(text) == block(), "run: python -m tests.project.module_index"


def test_every_file_the_docs_name_exists():
    repo_files = [p for p in ROOT.rglob("*") if ".git" not in p.parts and ".ci" not in p.parts]
    names = {p.name for p in repo_files}
    folders = {p.name + "/" for p in repo_files if p.is_dir()}
    missing = []
    for doc in DOCS:
        for match in _NAMED.finditer(doc.read_text()):
            named = match.group(1)
            if named in OUTSIDE or named.startswith(("~", "/")):
                continue
            if named.endswith("/") and named.count("/") == 1:
                exists = named in folders  # a room named inside its package's table
            else:
                exists = (ROOT / named).exists() if "/" in named else named in names
            if not exists:
                missing.append(f"{doc.relative_to(ROOT)}: {named}")
    assert not missing, "named in the docs but not in the repo:\n" + "\n".join(missing)
