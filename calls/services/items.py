"""The items of a call's set-up: form sections and fields, required documents, budget
categories, eligibility rules, evaluation criteria. Each save checks the version the editor
started from; once the call is published, every change is recorded as a ``CallChange``."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from calls.eligibility import registry
from calls.models import (
    BudgetCategory,
    Call,
    DocumentRequirement,
    EligibilityRule,
    EvaluationCriterion,
    FormField,
    FormSection,
)
from calls.services.calls import bump, record_call_change
from calls.services.common import apply, snapshot, validate_model
from core.errors import InvalidInput, InvalidState, StaleVersion
from core.models import AuditEntry
from core.services import record_audit

Item = TypeVar("Item", bound=models.Model)

ITEM_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    FormSection: ("title_fr", "title_en", "intro_fr", "intro_en", "order"),
    FormField: (
        "section",
        "key",
        "label_fr",
        "label_en",
        "help_fr",
        "help_en",
        "type",
        "required",
        "max_length",
        "choices",
        "min_value",
        "max_value",
        "document",
        "stage",
        "order",
    ),
    DocumentRequirement: (
        "label_fr",
        "label_en",
        "help_fr",
        "help_en",
        "allowed_types",
        "max_size_mb",
        "required",
        "stage",
        "order",
    ),
    BudgetCategory: ("label_fr", "label_en", "kind", "max_share", "max_per_item", "is_salary", "order"),
    EligibilityRule: ("code", "params", "stage", "order", "message"),
    EvaluationCriterion: (
        "label_fr",
        "label_en",
        "description_fr",
        "description_en",
        "weight",
        "scale_max",
        "order",
    ),
}


def _validate_item(item: models.Model, call: Call) -> None:
    validate_model(item)
    if isinstance(item, FormField):
        if item.type in (FormField.Type.CHOICE, FormField.Type.MULTIPLE_CHOICE):
            values = item.choice_values()
            if not values or len(values) != len(item.choices) or len(set(values)) != len(values):
                raise InvalidInput(
                    _(
                        "Un champ à choix demande une liste de choix distincts, chacun avec une valeur et un libellé."
                    ),
                    field="choices",
                )
        if item.min_value is not None and item.max_value is not None and item.min_value > item.max_value:
            raise InvalidInput(_("Le minimum dépasse le maximum."), field="min_value")
        for link in ("section", "document"):
            target = getattr(item, link)
            if target is not None and target.call_id != call.pk:
                raise InvalidInput(_("Cet élément appartient à un autre appel."), field=link)
    if isinstance(item, DocumentRequirement):
        allowed = list(item.allowed_types or [])
        if not allowed or set(allowed) - set(DocumentRequirement.FileType.values):
            raise InvalidInput(
                _("Choisissez les formats acceptés parmi : %(types)s.")
                % {"types": ", ".join(DocumentRequirement.FileType.values)},
                field="allowed_types",
            )
    if isinstance(item, EligibilityRule):
        definition = registry.get(item.code)
        if definition is None:
            raise InvalidInput(_("Règle inconnue : %(code)s.") % {"code": item.code}, field="code")
        item.params = definition.validate_params(item.params, call=call)


def _stale_item(item: models.Model) -> StaleVersion:
    """The refusal of a stale edit, naming who saved the item last and when, if the log says."""
    last = (
        AuditEntry.objects.filter(target_type=item._meta.label_lower, target_id=str(item.pk))
        .order_by("-created_at", "-id")
        .first()
    )
    values = {"label": str(item)}
    if last is not None and last.actor_label:
        values["who"] = last.actor_label
        values["when"] = formats.date_format(timezone.localtime(last.created_at), "SHORT_DATETIME_FORMAT")
        message = _(
            "« %(label)s » a été modifié par %(who)s le %(when)s, depuis que vous l'avez ouvert : "
            "vos changements n'ont pas été enregistrés pour ne pas écraser les siens."
        )
    else:
        message = _(
            "« %(label)s » a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert : "
            "vos changements n'ont pas été enregistrés pour ne pas écraser les siens."
        )
    return StaleVersion(message % values)


def _save_item(
    *,
    model: type[Item],
    call: Call,
    data: dict[str, Any],
    actor: Any,
    instance: Item | None,
    note: str,
    expected_version: int | None = None,
) -> Item:
    """Create an item of ``call`` or change ``instance``. The call's row and the item's are locked;
    an edit started from ``expected_version`` is refused (``StaleVersion``) if someone saved the
    item since; each real change bumps the item's version (and the call's)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status == Call.Status.ARCHIVED:
        raise InvalidState(_("Un appel archivé ne peut plus être modifié."))
    item = instance or model(call=call)
    if getattr(item, "call_id", None) != call.pk:
        raise InvalidInput(_("Cet élément appartient à un autre appel."))
    is_new = item.pk is None
    if not is_new:
        try:
            item.refresh_from_db(from_queryset=model._default_manager.select_for_update())
        except model.DoesNotExist as exc:  # type: ignore[attr-defined]
            raise InvalidState(_("Cet élément a été supprimé entre-temps par quelqu'un d'autre.")) from exc
        if expected_version is not None and item.version != expected_version:  # type: ignore[attr-defined]
            raise _stale_item(item)
    changes = apply(item, data, ITEM_FIELDS[model])
    _validate_item(item, call)
    if not is_new and not changes:
        return item
    if not is_new:
        item.version += 1  # type: ignore[attr-defined]
    item.save()
    bump(call)
    record_call_change(
        call=call,
        actor=actor,
        item=item,
        action="created" if is_new else "updated",
        before={} if is_new else {k: v[0] for k, v in changes.items()},
        after=snapshot(item, ITEM_FIELDS[model]) if is_new else {k: v[1] for k, v in changes.items()},
        note=note,
    )
    record_audit(
        action=f"calls.{model._meta.model_name}.{'created' if is_new else 'updated'}",
        actor=actor,
        target=item,
        data={"call": call.pk, "fields": sorted(changes)},
    )
    return item


def _item_saver(model: type[Item], doc: str) -> Callable[..., Item]:
    """The save service of one kind of item (all six share ``_save_item``)."""

    @transaction.atomic
    def save(
        *,
        call: Call,
        data: dict[str, Any],
        actor: Any,
        instance: Item | None = None,
        note: str = "",
        expected_version: int | None = None,
    ) -> Item:
        return _save_item(
            model=model,
            call=call,
            data=data,
            actor=actor,
            instance=instance,
            note=note,
            expected_version=expected_version,
        )

    save.__name__ = save.__qualname__ = f"save_{model._meta.model_name}"
    save.__doc__ = doc
    return save


save_form_section = _item_saver(FormSection, "Add or change a section of the application form.")
save_form_field = _item_saver(FormField, "Add or change a question of the application form.")
save_document_requirement = _item_saver(DocumentRequirement, "Add or change a required document.")
save_budget_category = _item_saver(BudgetCategory, "Add or change a budget category.")
save_eligibility_rule = _item_saver(
    EligibilityRule, "Add or change a rule; ``data['params']`` is checked against the rule's schema."
)
save_criterion = _item_saver(EvaluationCriterion, "Add or change an evaluation criterion.")


@transaction.atomic
def delete_call_item(*, item: models.Model, actor: Any, note: str = "") -> None:
    """Remove a section, field, required document, budget category, rule or criterion."""
    model = type(item)
    if model not in ITEM_FIELDS:
        raise InvalidInput(_("Cet élément ne peut pas être supprimé ainsi."))
    call = Call.objects.select_for_update().get(pk=item.call_id)  # type: ignore[attr-defined]
    if call.status == Call.Status.ARCHIVED:
        raise InvalidState(_("Un appel archivé ne peut plus être modifié."))
    before = snapshot(item, ITEM_FIELDS[model])
    label, pk = str(item), item.pk
    try:
        item.delete()
    except ProtectedError as exc:
        raise InvalidState(
            _("Des candidatures utilisent déjà cet élément : il ne peut plus être supprimé.")
        ) from exc
    item.pk = pk
    bump(call)
    record_call_change(
        call=call, actor=actor, item=item, action="deleted", before=before, after={}, note=note
    )
    record_audit(
        action=f"calls.{model._meta.model_name}.deleted",
        actor=actor,
        target=call,
        data={"id": pk, "label": label},
    )


def _siblings(item: models.Model) -> list[models.Model]:
    """The items ``item`` is ordered among: same call and kind (and same section for a field)."""
    model = type(item)
    siblings = model._default_manager.filter(call_id=item.call_id)  # type: ignore[attr-defined]
    if isinstance(item, FormField):
        siblings = siblings.filter(section_id=item.section_id)
    return list(siblings.order_by("order", "pk"))


@transaction.atomic
def move_call_item(*, item: models.Model, direction: str, actor: Any, note: str = "") -> None:
    """Move a section, field, required document, budget category, rule or criterion one place up
    or down among its siblings; the orders are renumbered 0, 1, 2… through ``_save_item`` (so
    that a change after publication is recorded)."""
    model = type(item)
    if model not in ITEM_FIELDS or direction not in ("up", "down"):
        raise InvalidInput(_("Déplacement impossible."))
    siblings = _siblings(item)
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    call = Call.objects.get(pk=item.call_id)  # type: ignore[attr-defined]
    for position, sibling in enumerate(siblings):
        if sibling.order != position:  # type: ignore[attr-defined]
            _save_item(
                model=model, call=call, data={"order": position}, actor=actor, instance=sibling, note=note
            )
