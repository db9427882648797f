"""Helpers shared by the services of calls: JSON-ready values, validation through the model's own
validators, Paris time for input."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from calls.models import PARIS
from core.errors import InvalidInput


def as_json(value: Any) -> Any:
    """A value as it is stored in change logs and audit data."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return value.astimezone(PARIS).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else str(value)
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


def snapshot(instance: models.Model, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: as_json(getattr(instance, name)) for name in names}


def aware(value: Any) -> Any:
    """A naive datetime typed in a form is Paris wall-clock time."""
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return value.replace(tzinfo=PARIS)
    return value


def validate_model(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's field validators and constraints; raise the first problem as InvalidInput."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        errors = getattr(exc, "message_dict", {"__all__": exc.messages})
        name, messages = next(iter(errors.items()))
        label = ""
        if name not in ("__all__", None):
            try:
                label = str(getattr(instance._meta.get_field(name), "verbose_name", ""))
            except Exception:  # noqa: BLE001 - a constraint name, not a field
                label = ""
        text = f"{label.capitalize()} : {messages[0]}" if label else str(messages[0])
        raise InvalidInput(text, field=None if name == "__all__" else name) from exc


def apply(
    instance: models.Model, data: dict[str, Any], allowed: tuple[str, ...]
) -> dict[str, tuple[Any, Any]]:
    """Set the allowed keys of ``data`` on ``instance``; return {field: (before, after)} of changes."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise InvalidInput(f"Champs inconnus : {', '.join(unknown)}.", field=unknown[0])
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in data.items():
        value = aware(value)
        is_link = isinstance(instance._meta.get_field(name), models.ForeignKey)
        before = getattr(instance, f"{name}_id") if is_link else getattr(instance, name)
        after = value.pk if is_link and isinstance(value, models.Model) else value
        if instance.pk is None or as_json(before) != as_json(after):
            changes[name] = (as_json(before), as_json(after))
        setattr(instance, name if not is_link or isinstance(value, models.Model) else f"{name}_id", value)
    return changes
