"""The README's API examples, run as written (with curl) against the default server: the
bundled snapshot, offline, as the first of the README's two commands starts it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.processes import base_env, serving

README = Path(__file__).parent.parent / "README.md"
DEFAULT_BASE = "http://127.0.0.1:8000"


def api_examples() -> str:
    section = README.read_text().split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return block


def test_the_examples_are_all_there():
    examples = api_examples()
    assert examples.count("curl ") >= 15
    assert DEFAULT_BASE in examples


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_curl_examples_work_against_the_default_server(tmp_path):
    env = base_env(ALESCO_GITHUB_API_URL="http://127.0.0.1:9")  # offline: nothing there
    with serving(env=env, cwd=tmp_path) as base:
        # Every curl fails the script on an HTTP error (>= 400), as a user would notice.
        script = (
            "set -euo pipefail\n"
            'curl() { command curl --fail --silent --show-error "$@"; echo; }\n'
            + api_examples().replace(DEFAULT_BASE, base)
        )
        result = subprocess.run(
            ["bash", "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    output = result.stdout
    assert "HTTP/1.1 304 Not Modified" in output
    assert '"number":15' in output.replace(" ", "")
    assert "BEGIN:VCALENDAR" in (tmp_path / "alesco.ics").read_text()
    assert 'alesco_sync_runs_total{outcome="success",source="github"}' in output
