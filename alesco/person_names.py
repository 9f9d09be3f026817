"""How a person named in minutes is compared with the roster (pure).

Minutes write people with extras around the name: an affiliation or role
(`Neal Gompa - Velocity Limitless`, `Dmitri Ivanov, Chair emeritus`), a login in
parentheses and meetbot's count of lines said (`Neal Gompa (ngompa) 45`), an honorific
(`Dr. Lucía Fernández`), accents or not (`Lucia Fernandez`). The parser keeps the line as
written; `spellings` lists what to try against the roster, most literal first, so that a
roster name containing a comma or a dash still matches whole before any cut.

Someone the roster does not know is served as `display_name`: without the affiliation after
a dash and without counts and parenthesised logins, but with any part after a comma kept,
since "Lind, Michel" is a name written surname first as often as "Michel Lind, Fedora" is a
name and a role; keeping the role is the smaller loss.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Where a trailing affiliation or role starts: a spaced dash of any kind, or a bar.
_AFFILIATION = re.compile(r"\s+[-\u2013\u2014]+\s+|\s+\|\s+")
_COMMA = re.compile(r"\s*,\s+")
_COUNT = re.compile(r"\s*\(?\d+\)?\s*$")  # meetbot's "(lines said)"
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_HONORIFIC = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx)\.?\s+", re.I)
_LOGIN = re.compile(r"^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")


def name_key(name: str) -> str:
    """How a name is compared: case, accents, spacing and a GitHub `@` before a login do
    not count ("Lucia Fernandez" is "Lucía Fernández")."""
    decomposed = unicodedata.normalize("NFKD", name.strip().removeprefix("@"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _unmarked(name: str) -> str:
    return " ".join(name.strip().strip("*_").split())


def display_name(name: str) -> str:
    """The name as served when the roster does not know it: the line up to an affiliation
    after a dash, without a count of lines said or a parenthesised login."""
    text = _COUNT.sub("", _unmarked(name))
    text = _AFFILIATION.split(text, maxsplit=1)[0]
    text = " ".join(_PARENTHESISED.sub(" ", text).split())
    return text or _unmarked(name)


def spellings(name: str) -> Iterator[str]:
    """What to look up for one written name, most literal first: the whole line, then
    without a count, an affiliation after a dash or comma, parenthesised parts, an
    honorific; "Gompa, Neal" is tried as "Neal Gompa" too."""
    text = _unmarked(name)
    yield text
    text = _COUNT.sub("", text)
    yield text
    head = _AFFILIATION.split(text, maxsplit=1)[0]
    yield head
    parts = _COMMA.split(head)
    if len(parts) == 2 and all(len(part.split()) == 1 for part in parts):
        yield f"{parts[1]} {parts[0]}"
    bare = " ".join(_PARENTHESISED.sub(" ", parts[0]).split())
    yield bare
    yield _HONORIFIC.sub("", bare)


def logins(name: str) -> Iterator[str]:
    """Parenthesised parts of a written name that could be GitHub logins: `(ngompa)`."""
    for part in _PARENTHESISED.findall(name):
        if _LOGIN.match(part.strip()):
            yield part.strip()
