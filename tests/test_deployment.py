"""The production files say what the code does: every command in docker-compose.yml and
the Dockerfile is one the CLI accepts, every variable they set is one the settings read,
and the shape is the one promised (replicas that only serve, one worker, secrets from the
environment, a non-root image with a healthcheck)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from alesco.cli import _parser
from alesco.settings import Settings

ROOT = Path(__file__).parent.parent
SECRETS = ("GITHUB_TOKEN", "ALESCO_WEBHOOK_SECRET")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def alesco_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("command", [""])[0] == "alesco"
    }


def test_every_command_is_one_the_cli_accepts(compose):
    services = alesco_services(compose)
    assert set(services) == {"api", "ingest"}
    for name, service in services.items():
        try:
            _parser().parse_args(service["command"][1:])
        except SystemExit:
            pytest.fail(f"{name}: `{' '.join(service['command'])}` is not a valid alesco command")


def test_every_variable_set_is_one_the_settings_read(compose):
    read = set(Settings(_env_file=None).environment_names.values())
    for name, service in alesco_services(compose).items():
        unknown = set(service["environment"]) - read
        assert unknown == set(), f"{name} sets variables nothing reads: {sorted(unknown)}"
        assert "DATABASE_URL" in service["environment"]
        assert service["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")


def test_every_setting_can_be_set_through_compose(compose):
    """The README says every variable of its Configuration can be set for compose."""
    read = set(Settings(_env_file=None).environment_names.values())
    passed = {name for s in alesco_services(compose).values() for name in s["environment"]}
    assert read - passed == set()


def test_replicas_only_serve_and_one_worker_ingests(compose):
    api, ingest = compose["services"]["api"], compose["services"]["ingest"]
    arguments = _parser().parse_args(api["command"][1:])
    assert (arguments.command, arguments.no_ingest) == ("serve", True)
    assert api["deploy"]["replicas"] >= 2
    worker = _parser().parse_args(ingest["command"][1:])
    assert (worker.command, worker.once) == ("ingest", False)  # loops, not one round
    assert ingest.get("deploy", {}).get("replicas", 1) == 1


def test_secrets_come_from_the_environment_only(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    for service in alesco_services(compose).values():
        for name, value in service["environment"].items():
            if name in SECRETS:
                assert value == "${" + name + ":-}", (name, value)
            if name == "DATABASE_URL":
                assert "${POSTGRES_PASSWORD:?" in value, "the password is never a default"
    assert "password" not in re.sub(r"\$\{[^}]*\}", "", text).lower().replace(
        "postgres_password", ""
    )


def test_the_image_runs_unprivileged_with_a_healthcheck():
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")  # join continued lines
    lines = [line.strip() for line in text.splitlines()]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users, "the image must not run as root"
    assert users[-1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK ") for line in lines)
    [command] = [line for line in lines if line.startswith("CMD ")]
    argv = yaml.safe_load(command.removeprefix("CMD "))  # the exec form is a JSON list
    assert argv[0] == "alesco"
    assert _parser().parse_args(argv[1:]).command == "serve"
    assert "/healthz" in " ".join(lines)


def test_the_healthcheck_path_exists():
    from api.app import create_app
    from tests.conftest import make_settings

    routes = {
        getattr(route, "path", None) for route in create_app(make_settings(), None).app.app.routes
    }  # type: ignore[arg-type]
    assert "/healthz" in routes
