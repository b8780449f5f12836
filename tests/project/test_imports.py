"""The import rules of the house, checked on the code's syntax trees (imports inside
functions count): arrows run index → search → ui / eval; ui/ reaches index/ and
search/ only through the `Newsdesk` facade and the shared records and errors named
below; inside index/, derived/ never imports shards/; no two modules import each other,
directly or round a longer loop."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("index", "search", "ui", "eval")
# What ui/ may import from index/ and search/: the facade and the records and errors
# that cross the boundary.
UI_MAY_IMPORT = {
    "search.desk": {"Newsdesk", "AnswerPolicy", "RayOptions", "MAX_K"},
    "search.types": None,  # every record: Answer, Passage, Story, Filters, ...
    "index.errors": None,
    "index.documents": None,
    "index.batch": {"IngestReport", "SourceReport"},
    "index.ingest.pipeline": {"SourceResult"},
}
# Layers: a module may import its own layer or one below.
LAYER = {"index": 0, "search": 1, "ui": 2, "eval": 2}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Module -> [(imported module, names imported from it)] for our own packages."""
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            edges = found.setdefault(_module_name(path), [])
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    edges.append((node.module, tuple(a.name for a in node.names)))
                elif isinstance(node, ast.Import):
                    edges += [(a.name, ()) for a in node.names]
    return {
        module: [(t, n) for t, n in edges if t.split(".")[0] in PACKAGES]
        for module, edges in found.items()
    }


def _target(imported: str, names: tuple[str, ...], modules: set[str]) -> list[str]:
    """`from index.derived import live` names a module; `from a.b import C` names a.b."""
    submodules = [f"{imported}.{n}" for n in names if f"{imported}.{n}" in modules]
    return submodules or [imported]


def test_arrows_run_from_index_to_search_to_ui_and_eval():
    upward = [
        f"{module} -> {imported}"
        for module, edges in _imports().items()
        for imported, _ in edges
        if LAYER[imported.split(".")[0]] > LAYER[module.split(".")[0]]
        or {module.split(".")[0], imported.split(".")[0]} == {"ui", "eval"}
        and module.split(".")[0] == "eval"
    ]
    assert not upward, "imports against the flow:\n" + "\n".join(upward)


def test_ui_reaches_index_and_search_only_through_the_facade_and_records():
    reach_ins = []
    for module, edges in _imports().items():
        if not module.startswith("ui"):
            continue
        for imported, names in edges:
            if imported.split(".")[0] not in ("index", "search"):
                continue
            allowed = UI_MAY_IMPORT.get(imported, set())
            if allowed is not None and not set(names) <= allowed:
                reach_ins.append(f"{module} -> {imported} {sorted(set(names) - allowed)}")
    assert not reach_ins, "ui/ reaching past the facade:\n" + "\n".join(reach_ins)


def test_derived_never_imports_shards():
    wrong = [
        f"{module} -> {imported}"
        for module, edges in _imports().items()
        if module.startswith("index.derived")
        for imported, _ in edges
        if imported.startswith("index.shards")
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    edges = _imports()
    modules = set(edges)
    graph = {
        module: {t for imported, names in targets for t in _target(imported, names, modules)}
        & modules
        for module, targets in edges.items()
    }
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of two or more modules (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other == node:
                continue
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
