"""The personal-data registry (GDPR): every model holding personal data says here how to
export it and how to erase it.

``register`` is called by each app in ``AppConfig.ready``. ``export_subject`` gathers everything
about one account holder; ``erase_subject`` deletes or anonymises it, keeping what must be kept
(audit entries lose their IP address and author label but stay). A test walks every model and
fails when one with personal fields is neither registered nor declared free of personal data.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models

# Field names that, when present on a model, mean it holds personal data.
PERSONAL_FIELD_NAMES = frozenset(
    {
        "email",
        "first_name",
        "last_name",
        "full_name",
        "phone",
        "orcid",
        "idref",
        "bio",
        "birth_date",
        "ip_address",
        "gender",
        "photo",
    }
)


@dataclass(frozen=True)
class PersonalDataSpec:
    model: type[models.Model]
    # lookup from the model to the account holder ("user", "person__user"), or a function of
    # the user giving the filter (for rows that only carry the e-mail address, say)
    subject: str | Callable[[Any], dict[str, Any]]
    fields: tuple[str, ...]
    erase: Literal["delete", "anonymise"]
    anonymise: dict[str, Any | Callable[[models.Model], Any]] = field(default_factory=dict)
    lawful_basis: str = ""
    retention: str = ""


_registry: dict[type[models.Model], PersonalDataSpec] = {}
_declared_free: dict[type[models.Model], str] = {}


def register(
    model: type[models.Model],
    *,
    subject: str | Callable[[Any], dict[str, Any]],
    fields: Iterable[str],
    erase: Literal["delete", "anonymise"],
    anonymise: dict[str, Any] | None = None,
    lawful_basis: str,
    retention: str = "",
) -> None:
    _registry[model] = PersonalDataSpec(
        model=model,
        subject=subject,
        fields=tuple(fields),
        erase=erase,
        anonymise=anonymise or {},
        lawful_basis=lawful_basis,
        retention=retention,
    )


def declare_no_personal_data(model: type[models.Model], reason: str) -> None:
    """For a model whose fields look personal but are not (e.g. an institution's contact e-mail)."""
    _declared_free[model] = reason


def registered() -> dict[type[models.Model], PersonalDataSpec]:
    return dict(_registry)


def declared_free() -> dict[type[models.Model], str]:
    return dict(_declared_free)


def looks_personal(model: type[models.Model]) -> bool:
    from django.conf import settings

    for f in model._meta.get_fields():
        if f.name in PERSONAL_FIELD_NAMES and getattr(f, "concrete", False):
            return True
        is_link = getattr(f, "many_to_one", False) or getattr(f, "one_to_one", False)
        related = f.related_model if is_link and getattr(f, "concrete", False) else None
        if related is not None and related._meta.label == settings.AUTH_USER_MODEL:
            return True
    return False


def rows_of(spec: PersonalDataSpec, user: Any) -> models.QuerySet:
    lookup = spec.subject(user) if callable(spec.subject) else {spec.subject: user}
    return spec.model._default_manager.filter(**lookup)


def _value(obj: models.Model, name: str) -> Any:
    value = getattr(obj, name)
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "all") and callable(value.all):
        return [str(v) for v in value.all()]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def export_subject(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Everything the registry knows about ``user``, as JSON-ready data grouped by model."""
    out: dict[str, list[dict[str, Any]]] = {}
    for model, spec in sorted(_registry.items(), key=lambda kv: kv[0]._meta.label):
        rows = rows_of(spec, user)
        data = [{name: _value(obj, name) for name in spec.fields} for obj in rows]
        if data:
            out[model._meta.label] = data
    return out


def erase_subject(user: Any) -> dict[str, int]:
    """Delete or anonymise every registered row of ``user``; return the counts per model."""
    # Gather every row first: anonymising one row (a person's link to the account, say) must not
    # hide the rows that are found through it.
    gathered = [
        (model, spec, list(rows_of(spec, user)))
        for model, spec in _registry.items()
        if model._meta.label != user._meta.label  # the account itself is handled by the caller
    ]
    counts: dict[str, int] = {}
    for model, spec, rows in gathered:
        for obj in rows:
            if spec.erase == "delete":
                obj.delete()
            else:
                for name, value in spec.anonymise.items():
                    setattr(obj, name, value(obj) if callable(value) else value)
                obj.save()
        if rows:
            counts[model._meta.label] = len(rows)
    return counts


def register_core_models() -> None:
    from core.models import AuditEntry

    register(
        AuditEntry,
        subject="actor",
        fields=("created_at", "action", "target_label", "ip_address"),
        erase="anonymise",
        anonymise={"ip_address": None, "actor_label": "", "actor": None},
        lawful_basis="legal obligation (accountability of decisions)",
        retention="10 years",
    )
