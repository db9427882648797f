"""Setting up calls: validation, workflow transitions, change log after publication, copy."""

import datetime as dt
from decimal import Decimal

import pytest

from calls import services
from calls.models import PARIS, Call, CallChange, EligibilityRule, FormField, paris_datetime
from calls.tests.factories import (
    BudgetCategoryFactory,
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
    FormFieldFactory,
    ProgrammeFactory,
)
from core.errors import InvalidInput, InvalidState, StaleVersion
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _naive(*args: int) -> dt.datetime:
    """What a form gives for a typed date and time: a naive datetime, Paris wall-clock time."""
    return dt.datetime(*args)  # noqa: DTZ001 - on purpose


def _draft(**data):  # type: ignore[no-untyped-def]
    return services.create_call(
        programme=ProgrammeFactory(),
        data={
            "year": 2027,
            "title_fr": "Émergence 2027",
            "summary_fr": "Projets exploratoires.",
            "opens_at": _naive(2027, 1, 5, 9, 0),
            "closes_at": _naive(2027, 3, 15, 12, 0),
            **data,
        },
        actor=None,
    )


def test_create_call_reads_naive_datetimes_as_paris_time(staff):
    call = _draft()
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
    assert call.closes_at == dt.datetime(2027, 3, 15, 11, 0, tzinfo=dt.UTC)  # noon in winter = 11:00 UTC
    assert AuditEntry.objects.filter(action="calls.call.created", target_id=str(call.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title_fr": "  "}, "title_fr"),
        ({"closes_at": _naive(2027, 1, 1, 12, 0)}, "closes_at"),
        ({"ceiling_per_project": Decimal(50000), "budget_envelope": Decimal(10000)}, "ceiling_per_project"),
        ({"duration_min_months": 36, "duration_max_months": 24}, "duration_min_months"),
        ({"stages": 2, "full_stage_closes_at": _naive(2027, 3, 1, 12, 0)}, "full_stage_closes_at"),
        ({"year": 1900}, "year"),
    ],
)
def test_call_validation(data, field):
    with pytest.raises(InvalidInput) as error:
        _draft(**data)
    assert error.value.field == field


def test_workflow_transitions_check_the_current_state(staff):
    call = _draft()
    with pytest.raises(InvalidState):
        services.close_call(call=call, actor=staff)
    with pytest.raises(InvalidState):
        services.archive_call(call=call, actor=staff)
    call = services.publish_call(call=call, actor=staff)
    assert call.status == Call.Status.PUBLISHED and call.published_at
    with pytest.raises(InvalidState):
        services.publish_call(call=call, actor=staff)
    with pytest.raises(InvalidState, match="n'est pas passée"):
        services.close_call(call=call, actor=staff, now=call.closes_at)
    call = services.close_call(call=call, actor=staff, now=call.closes_at + dt.timedelta(seconds=1))
    assert call.status == Call.Status.CLOSED
    call = services.archive_call(call=call, actor=staff)
    assert call.status == Call.Status.ARCHIVED
    with pytest.raises(InvalidState):
        services.update_call(call=call, data={"title_fr": "Autre"}, actor=staff)
    actions = set(AuditEntry.objects.filter(target_id=str(call.pk)).values_list("action", flat=True))
    assert {"calls.call.published", "calls.call.closed", "calls.call.archived"} <= actions


def test_publication_lists_what_is_missing(staff):
    call = services.create_call(
        programme=ProgrammeFactory(), data={"year": 2027, "title_fr": "Sans dates", "stages": 2}, actor=staff
    )
    EligibilityRule.objects.create(call=call, code="lead_time", params={"field": "nope", "months": 2})
    with pytest.raises(InvalidState) as error:
        services.publish_call(call=call, actor=staff)
    message = error.value.message
    assert "texte de l'appel" in message and "dates d'ouverture" in message and "dossiers complets" in message
    assert "pas de champ « nope »" in message


def test_changes_after_publication_are_recorded_and_shown(staff):
    call = _draft()
    services.update_call(call=call, data={"summary_fr": "Nouveau résumé"}, actor=staff)
    assert not CallChange.objects.exists()  # a draft changes silently
    services.publish_call(call=call, actor=staff)
    new_deadline = paris_datetime(dt.date(2027, 3, 22))
    call = services.update_call(
        call=call, data={"closes_at": new_deadline}, actor=staff, note="Report d'une semaine"
    )
    rule = services.save_eligibility_rule(
        call=call, data={"code": "min_teams", "params": {"count": 2}}, actor=staff
    )
    services.save_eligibility_rule(call=call, data={"params": {"count": 3}}, actor=staff, instance=rule)
    services.delete_call_item(item=rule, actor=staff)
    changes = list(CallChange.objects.filter(call=call).order_by("pk"))
    assert [(c.object_type, c.action) for c in changes] == [
        ("call", "updated"),
        ("eligibilityrule", "created"),
        ("eligibilityrule", "updated"),
        ("eligibilityrule", "deleted"),
    ]
    deadline = changes[0]
    assert deadline.changed_by == staff and deadline.note == "Report d'une semaine"
    assert deadline.before["closes_at"].startswith("2027-03-15T12:00:00+01:00")
    assert deadline.after["closes_at"].startswith("2027-03-22T12:00:00+01:00")
    assert deadline.rows() == [("date limite", "15/03/2027 12:00:00", "22/03/2027 12:00:00")]
    assert changes[2].before == {"params": {"count": 2}} and changes[2].after == {"params": {"count": 3}}


def test_structure_cannot_change_after_publication(staff):
    call = CallFactory()
    with pytest.raises(InvalidState):
        services.update_call(call=call, data={"stages": 2}, actor=staff)


def test_stale_call_version(staff):
    call = _draft()
    services.update_call(call=call, data={"title_fr": "A"}, actor=staff, expected_version=call.version)
    with pytest.raises(StaleVersion):
        services.update_call(call=call, data={"title_fr": "B"}, actor=staff, expected_version=call.version)


def test_item_validation(staff):
    call = _draft()
    with pytest.raises(InvalidInput) as error:
        services.save_form_field(call=call, data={"key": "Titre du projet", "label_fr": "Titre"}, actor=staff)
    assert error.value.field == "key"
    services.save_form_field(call=call, data={"key": "summary", "label_fr": "Résumé"}, actor=staff)
    with pytest.raises(InvalidInput):
        services.save_form_field(call=call, data={"key": "summary", "label_fr": "Encore"}, actor=staff)
    with pytest.raises(InvalidInput) as error:
        services.save_form_field(
            call=call,
            data={"key": "theme", "label_fr": "Thème", "type": FormField.Type.CHOICE, "choices": []},
            actor=staff,
        )
    assert error.value.field == "choices"
    with pytest.raises(InvalidInput) as error:
        services.save_document_requirement(
            call=call, data={"label_fr": "CV", "allowed_types": ["exe"]}, actor=staff
        )
    assert error.value.field == "allowed_types"
    with pytest.raises(InvalidInput):
        services.save_budget_category(
            call=call, data={"label_fr": "X", "max_share": Decimal(150)}, actor=staff
        )
    with pytest.raises(InvalidInput) as error:
        services.save_eligibility_rule(call=call, data={"code": "astrology"}, actor=staff)
    assert error.value.field == "code"
    with pytest.raises(InvalidInput) as error:
        services.save_eligibility_rule(
            call=call, data={"code": "lead_time", "params": {"field": "start", "months": 4}}, actor=staff
        )
    assert "pas de champ « start »" in error.value.message


def test_copy_call_shifts_dates_in_paris_time_and_copies_the_configuration(staff):
    # 2026: noon on 30 March is summer time (10:00 UTC); 2027: the change is on 28 March.
    source = CallFactory(
        year=2026,
        title_fr="Émergence 2026",
        opens_at=paris_datetime(dt.date(2026, 1, 10), dt.time(9, 0)),
        closes_at=paris_datetime(dt.date(2026, 3, 30)),
        status=Call.Status.CLOSED,
    )
    field = FormFieldFactory(call=source, key="start", type=FormField.Type.DATE)
    requirement = DocumentRequirementFactory(call=source)
    FormFieldFactory(call=source, key="cv", type=FormField.Type.FILE, document=requirement)
    BudgetCategoryFactory(call=source, max_share=Decimal(50))
    EligibilityRuleFactory(call=source, code="lead_time", params={"field": field.key, "months": 4})
    copy = services.copy_call(source=source, actor=staff, years=1)
    assert copy.status == Call.Status.DRAFT and copy.copied_from == source and copy.year == 2027
    assert copy.title_fr == "Émergence 2027"
    assert copy.closes_at.astimezone(PARIS).time() == dt.time(12, 0)
    assert copy.closes_at.astimezone(PARIS).date() == dt.date(2027, 3, 30)
    assert copy.fields.count() == 2 and copy.budget_categories.get().max_share == Decimal(50)
    assert copy.fields.get(key="cv").document.call == copy
    assert copy.rules.get().params == {"field": "start", "months": 4}
    assert not copy.applications.exists()
    assert services.publication_problems(copy) == []


def test_shift_years_from_29_february():
    moment = paris_datetime(dt.date(2028, 2, 29))
    assert services.workflow.shift_years(moment, 1) == paris_datetime(dt.date(2029, 2, 28))
