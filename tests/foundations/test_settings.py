"""Tests of alesco/settings.py: environment names, validation errors, secrets masked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from alesco.settings import Settings

README = Path(__file__).parent.parent.parent / "README.md"


def test_defaults_match_the_design():
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///./alesco.db"
    assert settings.github_repos == ("AlmaLinux/ALESCo",)
    assert settings.github_api_url == "https://api.github.com"
    assert settings.indico_category == 7
    assert settings.sync_interval == 300
    assert settings.github_token is None


def test_reads_the_environment(monkeypatch):
    monkeypatch.setenv("ALESCO_GITHUB_REPOS", " a/b , c/d ")
    monkeypatch.setenv("ALESCO_GITHUB_API_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_value")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@y/z")
    settings = Settings(_env_file=None)
    assert settings.github_repos == ("a/b", "c/d")
    assert settings.github_api_url == "http://127.0.0.1:9"
    assert settings.database_url == "postgresql+psycopg://x@y/z"
    assert settings.github_token is not None
    assert settings.github_token.get_secret_value() == "ghp_secret_value"


def test_empty_secret_means_unset(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "")
    monkeypatch.setenv("ALESCO_WEBHOOK_SECRET", "  ")
    settings = Settings(_env_file=None)
    assert settings.github_token is None
    assert settings.webhook_secret is None


def test_secrets_never_show_in_repr(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_value")
    monkeypatch.setenv("ALESCO_WEBHOOK_SECRET", "hook-secret")
    text = repr(Settings(_env_file=None)) + str(Settings(_env_file=None).model_dump())
    assert "ghp_secret_value" not in text
    assert "hook-secret" not in text


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ALESCO_GITHUB_REPOS", "not-a-repo"),
        ("ALESCO_GITHUB_REPOS", " , "),
        ("ALESCO_SYNC_INTERVAL", "-5"),
        ("ALESCO_INDICO_CATEGORY", "seven"),
        ("ALESCO_GITHUB_API_URL", "ftp://example.org"),
    ],
)
def test_bad_values_fail_naming_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None)
    assert variable in str(error.value)


def test_env_file_is_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("ALESCO_GITHUB_REPOS=x/y\n")
    monkeypatch.chdir(tmp_path)
    assert Settings().github_repos == ("x/y",)


def test_readme_documents_every_setting():
    readme = README.read_text()
    names = Settings(_env_file=None).environment_names
    assert len(names) == len(Settings.model_fields)
    for variable in names.values():
        assert re.search(rf"`{variable}`", readme), f"README does not document {variable}"
