"""The architecture holds: `api` and `ingest` never import each other, and the shared
`alesco` package imports neither, except its composition root `alesco/cli.py`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FORBIDDEN = {"api": {"ingest"}, "ingest": {"api"}, "alesco": {"api", "ingest"}}
COMPOSITION_ROOT = ROOT / "alesco" / "cli.py"


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_respect_the_layers(package):
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if path == COMPOSITION_ROOT:
            continue
        wrong = imported_packages(path) & FORBIDDEN[package]
        if wrong:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert offenders == []


def test_the_checker_sees_imports():
    """Guard against a vacuous pass: the composition root does import both sides."""
    assert {"api", "ingest"} <= imported_packages(COMPOSITION_ROOT)


def test_no_module_reads_the_environment_except_settings():
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("alesco", "api", "ingest")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "settings.py"
        and ("os.environ" in path.read_text() or "getenv" in path.read_text())
    ]
    assert offenders == []
