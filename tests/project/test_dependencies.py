"""Every third-party package the code imports is declared in pyproject.toml, so a fresh
install has it (dateparser once arrived only through trafilatura)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("index", "search", "ui", "eval")
LOCAL = {*PACKAGES, "tests", "benchmarks"}
# Imported only inside the optional `ray` extra's code paths, which declare them there.
EXTRAS = ("ray",)


def _imported_modules() -> dict[str, set[str]]:
    """Top-level module name -> the files importing it (imports inside functions too)."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in EXTRAS:
        requirements += project["optional-dependencies"][extra]
    return {_normalise(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requirements}


def test_every_imported_third_party_package_is_declared():
    distributions = packages_distributions()
    declared = _declared()
    undeclared = {}
    for module, files in _imported_modules().items():
        if module in LOCAL or module in sys.stdlib_module_names or module == "__future__":
            continue
        owners = {_normalise(d) for d in distributions.get(module, [module])}
        if not owners & declared:
            undeclared[module] = sorted(files)
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
