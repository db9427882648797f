"""A call's documents to download, its workflow (publish, close, archive) and the copy of last
year's call."""

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls import uploads
from calls.eligibility import registry
from calls.models import (
    PARIS,
    BudgetCategory,
    Call,
    CallDocument,
    DocumentRequirement,
    EligibilityRule,
    EvaluationCriterion,
    FormField,
    FormSection,
)
from calls.services.calls import CALL_FIELDS, bump, record_call_change
from calls.services.items import ITEM_FIELDS
from core.errors import InvalidInput, InvalidState
from core.services import record_audit


def add_call_document(
    *, call: Call, upload: Any, title_fr: str, actor: Any, title_en: str = "", note: str = ""
) -> CallDocument:
    """Attach a document to download from the call's page (PDF, Word, Excel, OpenDocument)."""
    if not title_fr.strip():
        raise InvalidInput(_("Le titre est obligatoire."), field="title_fr")
    checked = uploads.check_upload(
        upload, allowed_types=["pdf", "docx", "xlsx", "odt"], max_bytes=20 * 1024 * 1024
    )
    name = uploads.store(upload, uploads.call_document_name(call_id=call.pk, file_type=checked.file_type))
    try:
        with transaction.atomic():
            document = CallDocument.objects.create(
                call=call,
                title_fr=title_fr.strip(),
                title_en=title_en.strip(),
                file=name,
                original_name=checked.original_name,
                size=checked.size,
                content_type=checked.content_type,
                sha256=checked.sha256,
                order=call.documents.count(),
            )
            bump(call)
            record_call_change(
                call=call,
                actor=actor,
                item=document,
                action="created",
                before={},
                after={"title_fr": document.title_fr, "sha256": checked.sha256},
                note=note,
            )
            record_audit(
                action="calls.calldocument.created",
                actor=actor,
                target=document,
                data={"sha256": checked.sha256},
            )
    except BaseException:
        uploads.private_storage().delete(name)
        raise
    return document


@transaction.atomic
def remove_call_document(*, document: CallDocument, actor: Any, note: str = "") -> None:
    call, name, pk = document.call, document.file.name or "", document.pk
    before = {"title_fr": document.title_fr, "sha256": document.sha256}
    document.delete()
    document.pk = pk
    transaction.on_commit(lambda: uploads.private_storage().delete(name))
    record_call_change(
        call=call, actor=actor, item=document, action="deleted", before=before, after={}, note=note
    )
    record_audit(action="calls.calldocument.deleted", actor=actor, target=call, data={"id": pk})


# --- the call's workflow -------------------------------------------------------------------


def publication_problems(call: Call) -> list[str]:
    """What prevents publishing ``call`` (empty when it is ready)."""
    problems = []
    if not call.title_fr.strip():
        problems.append(_("le titre en français manque"))
    if not call.summary_fr.strip() and not call.text_fr.strip():
        problems.append(_("le texte de l'appel manque"))
    if call.opens_at is None or call.closes_at is None:
        problems.append(_("les dates d'ouverture et de clôture manquent"))
    if call.is_two_stage and call.full_stage_closes_at is None:
        problems.append(_("la date limite des dossiers complets manque"))
    for rule in call.rules.all():
        definition = registry.get(rule.code)
        if definition is None:
            problems.append(_("règle inconnue : %(code)s") % {"code": rule.code})
            continue
        try:
            definition.validate_params(rule.params, call=call)
        except InvalidInput as exc:
            problems.append(exc.message)
    return problems


@transaction.atomic
def publish_call(*, call: Call, actor: Any) -> Call:
    """Draft → published: the call appears on the public pages and opens at ``opens_at``."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != Call.Status.DRAFT:
        raise InvalidState(_("Seul un appel en préparation peut être publié."))
    problems = publication_problems(call)
    if problems:
        raise InvalidState(
            _("L'appel ne peut pas être publié : %(problems)s.") % {"problems": " ; ".join(problems)}
        )
    call.status, call.published_at = Call.Status.PUBLISHED, timezone.now()
    call.version += 1
    call.save(update_fields=["status", "published_at", "version", "updated_at"])
    record_audit(action="calls.call.published", actor=actor, target=call)
    return call


@transaction.atomic
def close_call(*, call: Call, actor: Any, now: dt.datetime | None = None) -> Call:
    """Published → closed, once the last deadline has passed (submissions are refused after the
    deadline anyway; closing says the intake is over and lets the evaluation start)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    now = now or timezone.now()
    if call.status != Call.Status.PUBLISHED:
        raise InvalidState(_("Seul un appel publié peut être clos."))
    deadline = call.final_deadline
    if deadline is not None and now <= deadline:
        raise InvalidState(
            _(
                "La date limite (%(deadline)s, heure de Paris) n'est pas passée : l'appel ne peut pas encore être clos."
            )
            % {"deadline": deadline.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")}
        )
    call.status, call.closed_at = Call.Status.CLOSED, now
    call.version += 1
    call.save(update_fields=["status", "closed_at", "version", "updated_at"])
    record_audit(action="calls.call.closed", actor=actor, target=call)
    return call


@transaction.atomic
def archive_call(*, call: Call, actor: Any) -> Call:
    """Closed → archived: kept for the record, no longer changed."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != Call.Status.CLOSED:
        raise InvalidState(_("Seul un appel clos peut être archivé."))
    call.status = Call.Status.ARCHIVED
    call.version += 1
    call.save(update_fields=["status", "version", "updated_at"])
    record_audit(action="calls.call.archived", actor=actor, target=call)
    return call


# --- copying last year's call --------------------------------------------------------------


def shift_years(moment: dt.datetime | None, years: int) -> dt.datetime | None:
    """The same Paris wall-clock time ``years`` later (noon stays noon; 29 February → 28)."""
    if moment is None:
        return None
    local = moment.astimezone(PARIS)
    year = local.year + years
    day = min(local.day, 28) if (local.month, local.day) == (2, 29) else local.day
    return dt.datetime(year, local.month, day, local.hour, local.minute, local.second, tzinfo=PARIS)


def _values(obj: models.Model, model: type[models.Model], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in ITEM_FIELDS[model] if name not in skip}


@transaction.atomic
def copy_call(*, source: Call, actor: Any, years: int = 1) -> Call:
    """A new draft call made from ``source``: texts, amounts, form, documents required, budget
    categories, rules and criteria; dates moved by ``years`` (Paris time); the year in the titles
    replaced. Applications and downloadable documents are not copied."""
    if years < 0 or years > 10:
        raise InvalidInput(_("Décalage d'années invalide."), field="years")
    old, new = str(source.year), str(source.year + years)
    call = Call.objects.create(
        **{
            name: getattr(source, name)
            for name in CALL_FIELDS
            if name not in ("opens_at", "closes_at", "full_stage_closes_at", "year")
        },
        year=source.year + years,
        opens_at=shift_years(source.opens_at, years),
        closes_at=shift_years(source.closes_at, years),
        full_stage_closes_at=shift_years(source.full_stage_closes_at, years),
        copied_from=source,
    )
    if years:
        call.title_fr, call.title_en = source.title_fr.replace(old, new), source.title_en.replace(old, new)
        call.save(update_fields=["title_fr", "title_en"])
    sections = {}
    for section in source.sections.all():
        sections[section.pk] = FormSection.objects.create(call=call, **_values(section, FormSection))
    documents = {}
    for requirement in source.documents_required.all():
        documents[requirement.pk] = DocumentRequirement.objects.create(
            call=call, **_values(requirement, DocumentRequirement)
        )
    for field in source.fields.all():
        FormField.objects.create(
            call=call,
            **_values(field, FormField, skip=("section", "document")),
            section=sections.get(field.section_id or 0),
            document=documents.get(field.document_id or 0),
        )
    BudgetCategory.objects.bulk_create(
        [BudgetCategory(call=call, **_values(c, BudgetCategory)) for c in source.budget_categories.all()]
    )
    EligibilityRule.objects.bulk_create(
        [EligibilityRule(call=call, **_values(r, EligibilityRule)) for r in source.rules.all()]
    )
    EvaluationCriterion.objects.bulk_create(
        [EvaluationCriterion(call=call, **_values(c, EvaluationCriterion)) for c in source.criteria.all()]
    )
    record_audit(
        action="calls.call.copied", actor=actor, target=call, data={"source": source.pk, "years": years}
    )
    return call
