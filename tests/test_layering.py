"""The architecture holds, as the folders draw it.

Between packages: `api` and `ingest` never import each other, and `alesco` imports neither,
except its composition root `alesco/cli.py`. Inside each package, a folder imports only the
folders below it (each `__init__.py` says which); the pure folders do no I/O and read no
clock; storage never imports the HTTP layer. Each folder's top level stays small enough to
read at a glance, and says its job.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("alesco", "api", "ingest")
FORBIDDEN = {"api": {"ingest"}, "ingest": {"api"}, "alesco": {"api", "ingest"}}
COMPOSITION_ROOT = ROOT / "alesco" / "cli.py"
# Modules at a package's top level that may import any of its folders.
ROOTS = {"alesco": {"cli"}, "api": {"app"}, "ingest": {"worker"}}

# Within a package, the folders (and "top": the modules at the package's top level) each
# folder may import, besides itself. Read bottom-up, this is the architecture.
ALLOWED = {
    "alesco": {
        "top": set(),  # foundations: settings, errors, logs, timestamps, safe_json
        "upstream": {"top"},
        "domain": {"top", "upstream"},
        "database": {"top"},
        "storage": {"top", "upstream", "domain", "database"},
        "read": {"top", "upstream", "domain", "database", "storage"},
        "data": set(),
    },
    "api": {
        "formats": set(),
        "top": {"formats"},
        "edge": {"top", "formats"},
        "openapi": {"formats"},
        "routes": {"top", "formats"},
        "service": {"top", "formats", "openapi"},
        "graphql": {"top", "formats"},
        "static": set(),
    },
    "ingest": {"top": set(), "clients": set(), "syncs": {"clients"}},
}
PURE = ("alesco/upstream", "alesco/domain")
# Modules that reach a database, the network, other processes or threads.
DOES_IO = {
    "alembic", "asyncio", "httpx", "psycopg", "requests", "socket", "sqlalchemy", "sqlmodel",
    "starlette", "strawberry", "subprocess", "threading", "urllib.request", "uvicorn",
}  # fmt: skip
READS_THE_CLOCK = re.compile(r"\.now\(|\.today\(|\butcnow\(|\btime\.time\(|\bmonotonic\(")
HTTP_LAYER = {"api", "starlette", "strawberry", "uvicorn", "httpx"}
MAX_TOP_LEVEL_MODULES = 10
MAX_LINES = 400
LONG_MODULE_REASON = "Why this module is long:"


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name a file imports, in full (`alesco.read.queries`)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imported_packages(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def folder_of(package: str, parts: tuple[str, ...]) -> str:
    """The layer a module belongs to: its first folder inside the package, or "top"."""
    folders = ALLOWED[package]
    return parts[1] if len(parts) > 2 and parts[1] in folders else "top"


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_respect_the_layers(package):
    offenders = []
    for path in python_files(package):
        if path == COMPOSITION_ROOT:
            continue
        wrong = imported_packages(path) & FORBIDDEN[package]
        if wrong:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert offenders == []


@pytest.mark.parametrize("package", PACKAGES)
def test_folders_import_only_the_folders_below_them(package):
    offenders = []
    for path in python_files(package):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if len(parts) == 2 and parts[1] in ROOTS[package]:
            continue
        own = folder_of(package, parts)
        allowed = ALLOWED[package][own] | {own}
        for name in imported_modules(path):
            target = tuple(name.split("."))
            if target[0] != package:
                continue
            # `from alesco import __version__` names the package itself: its top level.
            layer = folder_of(package, (*target, "")) if len(target) > 1 else "top"
            if len(target) == 2 and target[1] in ROOTS[package]:
                layer = target[1]
            if layer not in allowed:
                offenders.append(f"{path.relative_to(ROOT)} ({own}) imports {name} ({layer})")
    assert offenders == []


def test_every_folder_is_in_the_map():
    """A new folder must be placed in ALLOWED (and so in the architecture) to exist."""
    unplaced = [
        f"{package}/{folder.name}"
        for package in PACKAGES
        for folder in (ROOT / package).iterdir()
        if folder.is_dir() and folder.name != "__pycache__" and folder.name not in ALLOWED[package]
    ]
    assert unplaced == []


@pytest.mark.parametrize("folder", PURE)
def test_pure_folders_do_no_io_and_read_no_clock(folder):
    offenders = []
    for path in python_files(folder):
        io = {
            name
            for name in imported_modules(path)
            for module in DOES_IO
            if name == module or name.startswith(f"{module}.")
        }
        if io:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(io)}")
        if READS_THE_CLOCK.search(path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)} reads the clock")
    assert offenders == []


@pytest.mark.parametrize("folder", ["alesco/database", "alesco/storage", "alesco/read"])
def test_storage_never_imports_the_http_layer(folder):
    offenders = [
        f"{path.relative_to(ROOT)} imports {sorted(imported_packages(path) & HTTP_LAYER)}"
        for path in python_files(folder)
        if imported_packages(path) & HTTP_LAYER
    ]
    assert offenders == []


def package_folders() -> list[Path]:
    return sorted(
        path.parent
        for package in PACKAGES
        for path in (ROOT / package).rglob("__init__.py")
        if "versions" not in path.parts
    )


def test_each_folder_top_level_stays_small():
    crowded = {
        str(folder.relative_to(ROOT)): count
        for folder in package_folders()
        if (count := len([p for p in folder.glob("*.py") if p.name != "__init__.py"]))
        > MAX_TOP_LEVEL_MODULES
    }
    assert crowded == {}


def test_each_folder_says_its_job_and_what_it_may_import():
    silent = []
    for folder in package_folders():
        docstring = ast.get_docstring(ast.parse((folder / "__init__.py").read_text())) or ""
        layered = folder.name in ALLOWED.get(folder.parent.name, {}) or folder.name in PACKAGES
        if not docstring or (layered and "import" not in docstring):
            silent.append(str(folder.relative_to(ROOT)))
    assert silent == []


def test_long_modules_say_why():
    unexplained = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for package in PACKAGES
        for path in python_files(package)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
        and LONG_MODULE_REASON not in (ast.get_docstring(ast.parse(path.read_text())) or "")
    ]
    assert unexplained == []


def test_the_checker_sees_imports():
    """Guard against a vacuous pass: the checkers see what the code imports."""
    assert {"api", "ingest"} <= imported_packages(COMPOSITION_ROOT)
    assert "alesco.upstream.github_records" in imported_modules(
        ROOT / "alesco" / "domain" / "lifecycle.py"
    )
    assert "sqlmodel" in imported_packages(ROOT / "alesco" / "database" / "models.py")
    assert READS_THE_CLOCK.search("datetime.now(UTC)")
    assert folder_of("api", ("api", "edge", "cache")) == "edge"
    assert folder_of("api", ("api", "params")) == "top"


def test_no_module_reads_the_environment_except_settings():
    offenders = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path.name != "settings.py"
        and ("os.environ" in path.read_text() or "getenv" in path.read_text())
    ]
    assert offenders == []
