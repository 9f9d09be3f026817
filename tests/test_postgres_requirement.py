"""CI must fail, not skip, when PostgreSQL is unreachable; a laptop may skip, visibly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:9/test"  # nothing listens on port 9


def run_postgres_tests(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ALESCO_")}
    environment |= {"ALESCO_TEST_POSTGRES_URL": UNREACHABLE, **env}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests/database/test_migrations.py",
            "-k",
            "postgresql",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("required", "exit_code", "word"),
    [("1", 1, "failed"), ("0", 0, "skipped")],
    ids=["required-fails", "optional-skips"],
)
def test_unreachable_postgres(required, exit_code, word):
    result = run_postgres_tests(ALESCO_REQUIRE_POSTGRES=required)
    assert result.returncode == exit_code, result.stdout
    assert word in result.stdout
    assert "127.0.0.1:9" in result.stdout
    assert "is unreachable" in result.stdout
