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

    # Limits for facing the public internet (`api.server`): defaults in line with nginx's
    # (large_client_header_buffers 4 8k, client_header_timeout 60s, keepalive_timeout 75s,
    # client_body_timeout 60s, worker_connections 1024).
    max_request_line: int = Field(
        default=8192,
        ge=256,
        validation_alias=_env("ALESCO_MAX_REQUEST_LINE"),
        description="Bytes of the request line (method, target, version); longer: 414.",
    )
    max_header_bytes: int = Field(
        default=32768,
        ge=1024,
        validation_alias=_env("ALESCO_MAX_HEADER_BYTES"),
        description="Bytes of all request header fields together; more: 431.",
    )
    header_timeout: float = Field(
        default=60.0,
        gt=0,
        validation_alias=_env("ALESCO_HEADER_TIMEOUT"),
        description="Seconds a connection has to send a request's whole head (from its "
        "first byte, or from the connection's start); then 408 and closed.",
    )
    keepalive_timeout: int = Field(
        default=75,
        gt=0,
        validation_alias=_env("ALESCO_KEEPALIVE_TIMEOUT"),
        description="Seconds an idle keep-alive connection is kept between requests.",
    )
    body_timeout: float = Field(
        default=60.0,
        gt=0,
        validation_alias=_env("ALESCO_BODY_TIMEOUT"),
        description="Seconds a request's body may take to arrive whole; then 408 and closed.",
    )
    max_pipelined: int = Field(
        default=16,
        ge=1,
        validation_alias=_env("ALESCO_MAX_PIPELINED"),
        description="Requests queued on one connection before it is read no further "
        "until answers drain.",
    )
    max_connections: int = Field(
        default=1024,
        ge=8,
        validation_alias=_env("ALESCO_MAX_CONNECTIONS"),
        description="Open connections per process; past it, the connection that has been "
        "slowest to send a request is closed to make room.",
    )
    max_concurrent_requests: int = Field(
        default=64,
        ge=1,
        validation_alias=_env("ALESCO_MAX_CONCURRENT_REQUESTS"),
        description="Requests computed at once per process (cache hits aside); more: 503 "
        "with Retry-After.",
    )
    max_graphql_body: int = Field(
        default=256 * 1024,
        ge=1024,
        validation_alias=_env("ALESCO_MAX_GRAPHQL_BODY"),
        description="Bytes of a POST /graphql body; more: 413 before it is read.",
    )
    max_webhook_body: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        validation_alias=_env("ALESCO_MAX_WEBHOOK_BODY"),
        description="Bytes of a POST /webhooks/github body; more: 413 before it is read.",
    )
    graphql_max_cost: int = Field(
        default=20_000,
        ge=100,
        validation_alias=_env("ALESCO_GRAPHQL_MAX_COST"),
        description="Static cost budget of one GraphQL operation (fields times list sizes).",
    )
    graphql_timeout: float = Field(
        default=2.0,
        gt=0,
        validation_alias=_env("ALESCO_GRAPHQL_TIMEOUT"),
        description="Seconds one GraphQL execution may run; then an error, and it stops.",
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
