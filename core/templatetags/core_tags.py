from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def page_sections(context: Any, slot: str, obj: Any = None) -> str:
    """Render the sections other apps registered for ``slot`` (see ``core.navigation``)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from core.navigation import sections_for

    request = context.get("request")
    user = getattr(request, "user", None)
    parts = [
        render_to_string(section["template"], {**section, "block": section, "object": obj}, request=request)
        for section in sections_for(slot, obj, user)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, escaped by the template engine


@register.filter
def when(value: Any, precision: str = "minutes") -> str:
    """A date-time in Paris time, written the way the current language writes it:
    « lundi 15 mars 2027 à 12:00 » / "Monday 15 March 2027, 12:00". ``precision`` may be
    "seconds" (receipts, deadlines) or "day"."""
    from django.utils import timezone, translation
    from django.utils.dateformat import format as date_format

    if not value:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    french = (translation.get_language() or "fr").startswith("fr")
    day = "l j F Y"
    if precision == "day":
        return date_format(value, day)
    time = "H:i:s" if precision == "seconds" else "H:i"
    return date_format(value, f"{day} \\à {time}" if french else f"{day}, {time}")
