"""The main menu, filled by the apps themselves so that ``core`` imports none of them.

Each app registers its entries in ``AppConfig.ready``; an entry shows only to users for whom its
predicate is true, so nobody sees a link to a page they cannot open.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    order: int = 100
    visible: Callable[[Any], bool] = lambda user: True
    section: str = "main"  # "main" or "staff"


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if any(existing.url_name == item.url_name for existing in _items):
        return
    _items.append(item)
    _items.sort(key=lambda i: i.order)


def navigation_for(user: Any, path: str = "") -> dict[str, list[dict[str, Any]]]:
    """The entries ``user`` may see; the one whose address is the longest prefix of ``path`` is
    marked current."""
    menu: dict[str, list[dict[str, Any]]] = {"main": [], "staff": []}
    entries = [
        {"label": str(item.label), "url": reverse(item.url_name), "current": False, "section": item.section}
        for item in _items
        if item.visible(user)
    ]
    matching = [e for e in entries if path.startswith(e["url"]) and e["url"] != "/"]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["current"] = True
    for entry in entries:
        menu[entry.pop("section")].append(entry)
    return menu


@dataclass(frozen=True)
class HomeBlock:
    """A section of the home page, provided by a domain app (template + context function)."""

    template: str
    context: Callable[[Any], dict[str, Any]]
    order: int = 100


_home_blocks: list[HomeBlock] = []


def register_home_block(block: HomeBlock) -> None:
    if any(existing.template == block.template for existing in _home_blocks):
        return
    _home_blocks.append(block)
    _home_blocks.sort(key=lambda b: b.order)


def home_blocks_for(user: Any) -> list[dict[str, Any]]:
    return [{"template": b.template, **b.context(user)} for b in _home_blocks]
