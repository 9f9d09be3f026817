"""Minutes as a tree of items: every list item and paragraph line with its line number,
the headings above it, the heading and topic paragraph it sits under (raw, links kept)
and its parent item (pure). What the decisions and the mentions of pull requests are
read from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it.token import Token

from alesco.upstream.minutes.blocks import plain_text


@dataclass
class Item:
    """A list item or a paragraph line, with what encloses it."""

    text: str
    raw: str
    line: int
    headings: tuple[str, ...]
    heading_raw: str
    topic_raw: str
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)
    used: bool = False

    def descendants(self) -> Iterator[Item]:
        for child in self.children:
            yield child
            yield from child.descendants()

    def ancestors(self) -> Iterator[Item]:
        item = self.parent
        while item is not None:
            yield item
            item = item.parent

    def surroundings_raw(self) -> str:
        """The raw text of the part of the minutes this item sits in: its heading, the
        topic paragraph under it and the items above this one (their links included)."""
        return "\n".join([self.heading_raw, self.topic_raw, *(a.raw for a in self.ancestors())])


def read_items(tokens: list[Token]) -> list[Item]:
    """Every list item and paragraph line in document order, with its headings, the raw
    heading and topic paragraph it sits under, and its parent item."""
    items: list[Item] = []
    headings: dict[int, str] = {}
    heading_raw = topic_raw = ""
    stack: list[Item | None] = []  # open list items (None until their first paragraph)
    heading_level = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading_level = int(token.tag[1:])
        elif token.type == "inline" and heading_level:
            headings = {k: v for k, v in headings.items() if k < heading_level}
            headings[heading_level] = plain_text(token, soft=" ").strip()
            heading_raw, topic_raw, heading_level = token.content, "", 0
        elif token.type == "list_item_open":
            stack.append(None)
        elif token.type == "list_item_close":
            stack.pop()
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            start = (tokens[index - 1].map or [0, 0])[0]
            context = tuple(headings[level] for level in sorted(headings))
            if stack:
                if stack[-1] is not None:  # a later paragraph of the same item
                    stack[-1].text += " " + plain_text(token, soft=" ").strip()
                    stack[-1].raw += "\n" + token.content
                    continue
                parent = next((open_item for open_item in reversed(stack[:-1]) if open_item), None)
                item = Item(
                    plain_text(token, soft=" ").strip(),
                    token.content,
                    start + 1,
                    context,
                    heading_raw,
                    topic_raw,
                    parent,
                )
                if parent is not None:
                    parent.children.append(item)
                stack[-1] = item
                items.append(item)
                continue
            texts = plain_text(token, soft="\n").split("\n")
            raws = token.content.split("\n")
            for offset, text in enumerate(texts):
                raw = raws[offset] if offset < len(raws) else text
                items.append(
                    Item(text.strip(), raw, start + 1 + offset, context, heading_raw, topic_raw)
                )
            topic_raw = token.content
    return [item for item in items if item.text]
