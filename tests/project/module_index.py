"""The module index of docs/architecture.md, written from the code: every module of the
packages, with the first sentence of its docstring. `python -m tests.project.module_index`
rewrites the block in place; tests/project/test_docs.py fails when it is stale."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("index", "search", "ui", "eval")
ARCHITECTURE = ROOT / "docs" / "architecture.md"
BEGIN = "<!-- module index: written by `python -m tests.project.module_index`; do not edit -->"
END = "<!-- end of module index -->"


def first_sentence(path: Path) -> str:
    docstring = ast.get_docstring(ast.parse(path.read_text(), str(path))) or ""
    text = " ".join(docstring.split())
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence.replace("|", "\\|")


def modules() -> list[Path]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name != "__init__.py" or first_sentence(path):
                found.append(path)
    return sorted(found, key=lambda p: (str(p.parent.relative_to(ROOT)), p.name))


def block() -> str:
    lines = [BEGIN, ""]
    folder = None
    for path in modules():
        relative = path.relative_to(ROOT)
        if relative.parent != folder:
            folder = relative.parent
            lines += ["", f"### `{folder}/`", "", "| module | what it is for |", "|---|---|"]
        lines.append(f"| `{relative.name}` | {first_sentence(path) or '—'} |")
    return "\n".join([*lines, "", END])


def current_block(text: str) -> str | None:
    start, end = text.find(BEGIN), text.find(END)
    return None if start < 0 or end < 0 else text[start : end + len(END)]


def main() -> None:
    text = ARCHITECTURE.read_text()
    old = current_block(text)
    if old is None:
        text = text.rstrip("\n") + "\n\n## Every module\n\n" + block() + "\n"
    else:
        text = text.replace(old, block())
    ARCHITECTURE.write_text(text)
    print(f"wrote the module index of {ARCHITECTURE.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
