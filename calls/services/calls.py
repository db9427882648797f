"""Setting up programmes and calls: texts, dates, form, documents, budget categories, rules,
criteria; the call's workflow (publish, close, archive); copying last year's call.

Once a call is published, every change to it or to one of its items is recorded as a
``CallChange`` (what, before, after, who, when, why) that the call's page shows to applicants.
"""

from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import (
    Call,
    CallChange,
    Programme,
)
from calls.services.common import apply, validate_model
from core.errors import InvalidInput, InvalidState, StaleVersion
from core.services import record_audit

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
