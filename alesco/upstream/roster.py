"""The committee roster: a YAML file of members, validated, with errors at file and line.

    members:
      - name: Andrew Lukoshko          # required, unique
        github: andrewlukoshko         # GitHub login, unique
        title: AlmaLinux Lead Architect
        affiliation: CloudLinux
        avatar: https://...            # optional; default https://github.com/{github}.png
        joined: 2024-05-08             # optional dates (YYYY-MM-DD)
        left: null
        aliases: [Andrew]              # other spellings used in minutes
        chair_terms:
          - {from: 2025-08-20, to: 2026-03-12}   # `to` null: still chair

Unknown keys are errors (a typo must not silently drop a value). Every problem is reported
as `roster.yaml:12: members[2].joined: ...`, all of them at once.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from alesco.errors import ParseError

GITHUB_LOGIN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"


class RosterError(ParseError):
    """The roster file is not valid; `problems` holds one `file:line: message` each."""

    reason = "invalid_roster"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ChairTerm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    starts_on: date = Field(alias="from")
    ends_on: date | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> ChairTerm:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("a chair term cannot end before it starts")
        return self

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


class RosterMember(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    github: str | None = Field(default=None, pattern=GITHUB_LOGIN)
    title: str | None = None
    affiliation: str | None = None
    avatar: str | None = Field(default=None, pattern=r"^https?://")
    joined: date | None = None
    left: date | None = None
    aliases: tuple[str, ...] = ()
    chair_terms: tuple[ChairTerm, ...] = ()

    @model_validator(mode="after")
    def _dates(self) -> RosterMember:
        if self.joined and self.left and self.left < self.joined:
            raise ValueError("left is before joined")
        return self

    @property
    def avatar_url(self) -> str | None:
        if self.avatar:
            return self.avatar
        return f"https://github.com/{self.github}.png" if self.github else None

    def is_current(self, today: date) -> bool:
        started = self.joined is None or self.joined <= today
        return started and (self.left is None or today < self.left)

    def is_chair(self, today: date) -> bool:
        return any(term.covers(today) for term in self.chair_terms)

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling that identifies this member in minutes."""
        return (self.name, *self.aliases, *((self.github,) if self.github else ()))


class RosterFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    members: tuple[RosterMember, ...]

    @model_validator(mode="after")
    def _unique(self) -> RosterFile:
        for field in ("name", "github"):
            seen: set[str] = set()
            for member in self.members:
                value = getattr(member, field)
                if value is not None and value.lower() in seen:
                    raise ValueError(f"{field} {value!r} appears twice")
                if value is not None:
                    seen.add(value.lower())
        return self


class _DatesAsTextLoader(yaml.SafeLoader):
    """Safe YAML, dates left as text for pydantic to check: PyYAML's own timestamp
    constructor raises a bare ValueError on `2026-13-45`, with no line, and stops there."""


def _date_as_text(loader: _DatesAsTextLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]  # a ScalarNode


_DatesAsTextLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def _node_at(root: yaml.Node | None, location: tuple[int | str, ...]) -> yaml.Node | None:
    """The YAML node a validation error points at, as deep as the document goes."""
    node = root
    for step in location:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == step), node)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else node
        else:
            break
    return node


def _where(location: tuple[int | str, ...]) -> str:
    text = ""
    for step in location:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def parse_roster(text: str, source: str) -> tuple[RosterMember, ...]:
    """Validate roster YAML; raises RosterError listing every problem at `source:line`."""
    try:
        data = yaml.load(text, Loader=_DatesAsTextLoader)  # noqa: S506 (a SafeLoader)
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise RosterError([f"{source}{line}: not valid YAML: {problem}"]) from error
    if isinstance(data, list):  # a bare list of members is accepted too
        data, root = (
            {"members": data},
            yaml.MappingNode(
                "tag:yaml.org,2002:map",
                [(yaml.ScalarNode("tag:yaml.org,2002:str", "members"), root)],
            ),
        )
    if not isinstance(data, dict):
        raise RosterError([f"{source}:1: expected a mapping with a `members` list"])
    try:
        return RosterFile.model_validate(data).members
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            location = tuple(
                step
                for step in issue["loc"]
                if not isinstance(step, str) or not step.startswith("function-")
            )
            node = _node_at(root, location)
            number = node.start_mark.line + 1 if node is not None else 1
            message = re.sub(r"^Value error, ", "", issue["msg"])
            where = _where(location)
            problems.append(f"{source}:{number}: {where + ': ' if where else ''}{message}")
        raise RosterError(problems) from error


BUNDLED_ROSTER = "roster.yaml"


def bundled_roster_text() -> str:
    """The roster shipped in the package (`alesco/data/roster.yaml`)."""
    return resources.files("alesco.data").joinpath(BUNDLED_ROSTER).read_text()
