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
class PageSection:
    """A section that a later domain adds to a page of an earlier one (the home page, a person's
    page…), so the earlier app never imports the later one. ``context(obj, user)`` gives the
    template's context; ``obj`` is the page's object (None on the home page)."""

    slot: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int = 100


_sections: dict[str, list[PageSection]] = {}


def register_section(section: PageSection) -> None:
    sections = _sections.setdefault(section.slot, [])
    if any(existing.template == section.template for existing in sections):
        return
    sections.append(section)
    sections.sort(key=lambda s: s.order)


def sections_for(slot: str, obj: Any, user: Any) -> list[dict[str, Any]]:
    return [{"template": s.template, **s.context(obj, user)} for s in _sections.get(slot, [])]
