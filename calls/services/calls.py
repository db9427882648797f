"""Setting up programmes and calls: texts, dates, form, documents, budget categories, rules,
criteria; the call's workflow (publish, close, archive); copying last year's call.

Once a call is published, every change to it or to one of its items is recorded as a
``CallChange`` (what, before, after, who, when, why) that the call's page shows to applicants.
"""

from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F, ProtectedError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.eligibility import registry
from calls.models import (
    BudgetCategory,
    Call,
    CallChange,
    DocumentRequirement,
    EligibilityRule,
    EvaluationCriterion,
    FormField,
    FormSection,
    Programme,
)
from calls.services.common import apply, snapshot, validate_model
from core.errors import InvalidInput, InvalidState, StaleVersion
from core.models import AuditEntry
from core.services import record_audit

Item = TypeVar("Item", bound=models.Model)

PROGRAMME_FIELDS = ("name_fr", "name_en", "description_fr", "description_en", "kind", "is_active")
CALL_FIELDS = (
    "programme",
    "year",
    "title_fr",
    "title_en",
    "summary_fr",
    "summary_en",
    "text_fr",
    "text_en",
    "contact_email",
    "budget_envelope",
    "ceiling_per_project",
    "duration_min_months",
    "duration_max_months",
    "stages",
    "opens_at",
    "closes_at",
    "full_stage_closes_at",
    "salaries_allowed",
)
# What may not change once applicants have seen the call: it would change how they apply.
FROZEN_AFTER_PUBLICATION = ("programme", "stages")
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
STALE = gettext_lazy(
    "Cet appel a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. "
    "Rechargez la page pour voir sa version actuelle, puis refaites vos changements."
)


# --- programmes ----------------------------------------------------------------------------


@transaction.atomic
def save_programme(
    *,
    data: dict[str, Any],
    actor: Any,
    instance: Programme | None = None,
    expected_version: int | None = None,
) -> Programme:
    """Create a programme, or update ``instance`` if nobody saved it since ``expected_version``."""
    programme = instance or Programme()
    if programme.pk and expected_version is not None and programme.version != expected_version:
        raise StaleVersion(STALE)
    is_new = programme.pk is None
    changes = apply(programme, data, PROGRAMME_FIELDS)
    validate_model(programme)
    if not is_new:
        updated = Programme.objects.filter(pk=programme.pk, version=programme.version).update(
            version=F("version") + 1
        )
        if not updated:
            raise StaleVersion(STALE)
        programme.version += 1
    programme.save()
    record_audit(
        action=f"calls.programme.{'created' if is_new else 'updated'}",
        actor=actor,
        target=programme,
        data={"fields": sorted(changes)},
    )
    return programme


# --- calls ---------------------------------------------------------------------------------


def _validate_call(call: Call) -> None:
    if not call.title_fr.strip():
        raise InvalidInput(_("Le titre en français est obligatoire."), field="title_fr")
    if call.opens_at and call.closes_at and call.opens_at >= call.closes_at:
        raise InvalidInput(_("L'ouverture doit précéder la date limite."), field="closes_at")
    if (
        call.is_two_stage
        and call.full_stage_closes_at
        and call.closes_at
        and call.full_stage_closes_at <= call.closes_at
    ):
        raise InvalidInput(
            _("La date limite des dossiers complets doit suivre celle des lettres d'intention."),
            field="full_stage_closes_at",
        )
    if (
        call.budget_envelope is not None
        and call.ceiling_per_project is not None
        and call.ceiling_per_project > call.budget_envelope
    ):
        raise InvalidInput(
            _("Le plafond par projet dépasse l'enveloppe de l'appel."), field="ceiling_per_project"
        )
    low, high = call.duration_min_months, call.duration_max_months
    if low is not None and high is not None and low > high:
        raise InvalidInput(_("La durée minimale dépasse la durée maximale."), field="duration_min_months")
    validate_model(call)


def record_call_change(
    *,
    call: Call,
    actor: Any,
    item: models.Model,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str = "",
) -> CallChange | None:
    """Record a change made after publication (nothing is recorded while the call is a draft)."""
    if not call.is_published or (action == "updated" and before == after):
        return None
    change = CallChange.objects.create(
        call=call,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        object_type=item._meta.model_name or "",
        object_id=item.pk,
        object_label=str(item)[:255],
        action=action,
        before=before,
        after=after,
        note=note,
    )
    record_audit(
        action="calls.call.changed_after_publication",
        actor=actor,
        target=call,
        data={
            "object": item._meta.model_name,
            "id": item.pk,
            "action": action,
            "fields": sorted(set(before) | set(after)),
        },
    )
    return change


def bump(call: Call) -> None:
    Call.objects.filter(pk=call.pk).update(version=F("version") + 1, updated_at=timezone.now())
    call.version += 1


@transaction.atomic
def create_call(*, programme: Programme, data: dict[str, Any], actor: Any) -> Call:
    """A new call in draft. ``data`` holds ``CALL_FIELDS``; naive datetimes are Paris time."""
    call = Call(programme=programme)
    apply(call, {k: v for k, v in data.items() if k != "programme"}, CALL_FIELDS)
    _validate_call(call)
    call.save()
    record_audit(action="calls.call.created", actor=actor, target=call, data={"programme": programme.pk})
    return call


@transaction.atomic
def update_call(
    *, call: Call, data: dict[str, Any], actor: Any, expected_version: int | None = None, note: str = ""
) -> Call:
    """Change a call's fields. After publication the change is recorded (``CallChange``) and the
    programme and number of stages can no longer change."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if expected_version is not None and call.version != expected_version:
        raise StaleVersion(STALE)
    if call.status == Call.Status.ARCHIVED:
        raise InvalidState(_("Un appel archivé ne peut plus être modifié."))
    changes = apply(call, data, CALL_FIELDS)
    frozen = [name for name in FROZEN_AFTER_PUBLICATION if name in changes]
    if call.is_published and frozen:
        raise InvalidState(
            _("Une fois l'appel publié, le programme et le nombre d'étapes ne peuvent plus changer."),
            field=frozen[0],
        )
    if not changes:
        return call
    _validate_call(call)
    call.version += 1
    call.save()
    record_call_change(
        call=call,
        actor=actor,
        item=call,
        action="updated",
        before={k: v[0] for k, v in changes.items()},
        after={k: v[1] for k, v in changes.items()},
        note=note,
    )
    record_audit(action="calls.call.updated", actor=actor, target=call, data={"fields": sorted(changes)})
    return call


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


@transaction.atomic
def save_form_section(
    *,
    call: Call,
    data: dict[str, Any],
    actor: Any,
    instance: FormSection | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> FormSection:
    return _save_item(
        model=FormSection,
        call=call,
        data=data,
        actor=actor,
        instance=instance,
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def save_form_field(
    *,
    call: Call,
    data: dict[str, Any],
    actor: Any,
    instance: FormField | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> FormField:
    return _save_item(
        model=FormField,
        call=call,
        data=data,
        actor=actor,
        instance=instance,
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def save_document_requirement(
    *,
    call: Call,
    data: dict[str, Any],
    actor: Any,
    instance: DocumentRequirement | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> DocumentRequirement:
    return _save_item(
        model=DocumentRequirement,
        call=call,
        data=data,
        actor=actor,
        instance=instance,
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def save_budget_category(
    *,
    call: Call,
    data: dict[str, Any],
    actor: Any,
    instance: BudgetCategory | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> BudgetCategory:
    return _save_item(
        model=BudgetCategory,
        call=call,
        data=data,
        actor=actor,
        instance=instance,
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def save_eligibility_rule(
    *,
    call: Call,
    data: dict[str, Any],
    actor: Any,
    instance: EligibilityRule | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> EligibilityRule:
    """Add or change a rule; ``data["params"]`` is checked against the rule's schema."""
    return _save_item(
        model=EligibilityRule,
        call=call,
        data=data,
        actor=actor,
        instance=instance,
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def save_criterion(
    *,
    call: Call,
    data: dict[str, Any],
    actor: Any,
    instance: EvaluationCriterion | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> EvaluationCriterion:
    return _save_item(
        model=EvaluationCriterion,
        call=call,
        data=data,
        actor=actor,
        instance=instance,
        note=note,
        expected_version=expected_version,
    )


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
