"""One frozen `Settings`, built at start-up from the environment, `.env` and defaults.

No other module reads `os.environ`: everything configurable arrives through this object.
The README's configuration table lists every field (a test keeps them in step).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_PATTERN = r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """Typed configuration; invalid values fail at start-up with the variable's name."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, populate_by_name=True
    )

    database_url: str = Field(
        default="sqlite:///./alesco.db",
        validation_alias=_env("DATABASE_URL"),
        description="Any SQLAlchemy URL; postgresql+psycopg://... in production.",
    )
    github_repos: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("AlmaLinux/ALESCo",),
        validation_alias=_env("ALESCO_GITHUB_REPOS"),
        description="Comma-separated owner/name repositories whose pull requests are proposals.",
    )
    github_api_url: str = Field(
        default="https://api.github.com",
        validation_alias=_env("ALESCO_GITHUB_API_URL"),
        description="GitHub REST base URL (GitHub Enterprise, or a fake in tests).",
    )
    github_token: SecretStr | None = Field(
        default=None,
        validation_alias=_env("GITHUB_TOKEN"),
        description="Optional token; raises the rate limit. Never logged or served.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        validation_alias=_env("ALESCO_WEBHOOK_SECRET"),
        description="Enables POST /webhooks/github (HMAC-SHA256).",
    )
    indico_url: str = Field(
        default="https://events.almalinux.org",
        validation_alias=_env("ALESCO_INDICO_URL"),
        description="Indico base URL.",
    )
    indico_category: int = Field(
        default=7,
        validation_alias=_env("ALESCO_INDICO_CATEGORY"),
        description="Indico category holding the committee's meetings.",
    )
    meetings_ics_url: str | None = Field(
        default=None,
        validation_alias=_env("ALESCO_MEETINGS_ICS_URL"),
        description="An iCalendar URL to read meetings from instead of the Indico export.",
    )
    minutes_repo: str = Field(
        default="AlmaLinux/wiki",
        validation_alias=_env("ALESCO_MINUTES_REPO"),
        description="Repository holding the meeting minutes.",
    )
    minutes_path: str = Field(
        default="docs/alesco/meeting-minutes",
        validation_alias=_env("ALESCO_MINUTES_PATH"),
        description="Folder of the minutes inside ALESCO_MINUTES_REPO.",
    )
    roster: str | None = Field(
        default=None,
        validation_alias=_env("ALESCO_ROSTER"),
        description="Path or URL of the roster YAML; unset means the bundled roster.",
    )
    sync_interval: float = Field(
        default=300.0,
        gt=0,
        validation_alias=_env("ALESCO_SYNC_INTERVAL"),
        description="Seconds between polls of the upstreams.",
    )
    retry_attempts: int = Field(
        default=3,
        ge=1,
        le=10,
        validation_alias=_env("ALESCO_RETRY_ATTEMPTS"),
        description="Tries per upstream request on 5xx, timeouts and broken connections.",
    )
    http_timeout: float = Field(
        default=20.0,
        gt=0,
        validation_alias=_env("ALESCO_HTTP_TIMEOUT"),
        description="Seconds before any single upstream request is abandoned.",
    )

    public_url: str | None = Field(
        default=None,
        validation_alias=_env("ALESCO_PUBLIC_URL"),
        description="The API's public base URL, for the absolute links it serves "
        "(Link headers, the index, the Atom feed); unset: the request's own Host.",
    )

    @field_validator("github_repos", mode="before")
    @classmethod
    def _split_repos(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("github_repos")
    @classmethod
    def _check_repos(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one owner/name repository is required")
        for repo in value:
            if not re.match(REPO_PATTERN, repo):
                raise ValueError(f"{repo!r} is not an owner/name repository")
        return value

    @field_validator(
        "github_token", "webhook_secret", "roster", "meetings_ics_url", "public_url", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`GITHUB_TOKEN=` (as compose writes an unset variable) means no token, not ""."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("minutes_repo")
    @classmethod
    def _check_minutes_repo(cls, value: str) -> str:
        if not re.match(REPO_PATTERN, value):
            raise ValueError(f"{value!r} is not an owner/name repository")
        return value

    @field_validator("github_api_url", "indico_url", "meetings_ics_url", "public_url")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        # Base URLs lose a trailing slash (paths are appended); a feed URL is kept verbatim.
        return value if info.field_name == "meetings_ics_url" else value.rstrip("/")

    @property
    def environment_names(self) -> dict[str, str]:
        """Map of field name to its environment variable, for docs and checks."""
        names: dict[str, str] = {}
        for name, field in type(self).model_fields.items():
            alias = field.validation_alias
            if isinstance(alias, AliasChoices):
                names[name] = str(alias.choices[0])
        return names
