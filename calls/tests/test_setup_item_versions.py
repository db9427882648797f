"""The version check on what is configured on a call (sections, fields, required documents, budget
categories, eligibility rules, evaluation criteria): two secretariat members editing the same item
never overwrite each other silently. Services, the web form, and a real race in threads."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import staff_user
from calls import services
from calls.models import Call, CallChange, EligibilityRule, EvaluationCriterion, FormField, FormSection
from calls.tests.factories import (
    BudgetCategoryFactory,
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
    FormFieldFactory,
)
from calls.tests.test_concurrency import race
from core.errors import InvalidState, StaleVersion
from core.models import AuditEntry


def _draft() -> Call:
    return CallFactory(status=Call.Status.DRAFT, published_at=None)


def _section(call: Call) -> FormSection:
    return FormSection.objects.create(call=call, title_fr="Le projet", intro_fr="Présentez le projet.")


def _criterion(call: Call) -> EvaluationCriterion:
    return EvaluationCriterion.objects.create(call=call, label_fr="Originalité")


# (kind, service, make an item, a change of one field, the field)
KINDS: list[tuple[str, Callable[..., Any], Callable[[Call], Any], dict[str, Any], str]] = [
    ("sections", services.save_form_section, _section, {"title_fr": "Le projet en bref"}, "title_fr"),
    (
        "fields",
        services.save_form_field,
        lambda call: FormFieldFactory(call=call, label_fr="Résumé"),
        {"label_fr": "Résumé du projet"},
        "label_fr",
    ),
    (
        "documents",
        services.save_document_requirement,
        lambda call: DocumentRequirementFactory(call=call),
        {"max_size_mb": 5},
        "max_size_mb",
    ),
    (
        "budget",
        services.save_budget_category,
        lambda call: BudgetCategoryFactory(call=call),
        {"label_fr": "Petit équipement"},
        "label_fr",
    ),
    (
        "rules",
        services.save_eligibility_rule,
        lambda call: EligibilityRuleFactory(call=call),
        {"params": {"count": 2}},
        "params",
    ),
    ("criteria", services.save_criterion, _criterion, {"label_fr": "Faisabilité"}, "label_fr"),
]
KIND_IDS = [kind[0] for kind in KINDS]


# --- services ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "save", "make", "change", "name"), KINDS, ids=KIND_IDS)
def test_a_stale_edit_is_refused_naming_who_saved_and_changes_nothing(kind, save, make, change, name, staff):  # type: ignore[no-untyped-def]
    call = _draft()
    colleague = staff_user(first_name="Marie", last_name="Curie")
    item = make(call)
    assert item.version == 1
    # Both open version 1; the colleague saves first.
    save(
        call=call,
        data=change,
        actor=colleague,
        instance=type(item).objects.get(pk=item.pk),
        expected_version=1,
    )
    saved_value = getattr(type(item).objects.get(pk=item.pk), name)
    call_version = Call.objects.get(pk=call.pk).version
    audit_count = AuditEntry.objects.count()

    mine = type(item).objects.get(pk=item.pk)
    mine_data = (
        {name: {"count": 3}} if kind == "rules" else {name: 7} if name == "max_size_mb" else {name: "Le mien"}
    )
    with pytest.raises(StaleVersion) as refused:
        save(call=call, data=mine_data, actor=staff, instance=mine, expected_version=1)

    assert "Marie Curie" in refused.value.message
    assert "pour ne pas écraser" in refused.value.message
    stored = type(item).objects.get(pk=item.pk)
    assert getattr(stored, name) == saved_value
    assert stored.version == 2
    assert Call.objects.get(pk=call.pk).version == call_version
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "save", "make", "change", "name"), KINDS, ids=KIND_IDS)
def test_each_real_change_bumps_the_version_and_no_change_does_not(kind, save, make, change, name, staff):  # type: ignore[no-untyped-def]
    call = _draft()
    item = make(call)
    saved = save(call=call, data=change, actor=staff, instance=item, expected_version=1)
    assert saved.version == 2
    assert type(item).objects.get(pk=item.pk).version == 2
    # The same values again: nothing changes, so neither does the version (nor the audit log).
    audit_count = AuditEntry.objects.count()
    again = save(call=call, data=change, actor=staff, instance=saved, expected_version=2)
    assert again.version == 2
    assert type(item).objects.get(pk=item.pk).version == 2
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.django_db
def test_a_new_item_starts_at_version_one(staff: Any) -> None:
    call = _draft()
    section = services.save_form_section(call=call, data={"title_fr": "Équipe"}, actor=staff)
    assert FormSection.objects.get(pk=section.pk).version == 1


@pytest.mark.django_db
def test_a_save_without_a_version_still_works_and_keeps_what_it_does_not_change(staff: Any) -> None:
    """Internal and API callers pass no version: the item row is re-read under its lock, so only
    the fields they send change, even from an instance read before someone else's save."""
    call = _draft()
    section = _section(call)
    old_copy = FormSection.objects.get(pk=section.pk)
    services.save_form_section(
        call=call,
        data={"intro_fr": "Nouvelle introduction."},
        actor=staff,
        instance=section,
        expected_version=1,
    )

    services.save_form_section(
        call=call, data={"title_fr": "Le projet scientifique"}, actor=staff, instance=old_copy
    )

    stored = FormSection.objects.get(pk=section.pk)
    assert (stored.title_fr, stored.intro_fr, stored.version) == (
        "Le projet scientifique",
        "Nouvelle introduction.",
        3,
    )


@pytest.mark.django_db
def test_an_item_deleted_meanwhile_is_not_recreated(staff: Any) -> None:
    call = _draft()
    section = _section(call)
    FormSection.objects.filter(pk=section.pk).delete()
    with pytest.raises(InvalidState):
        services.save_form_section(call=call, data={"title_fr": "Revenant"}, actor=staff, instance=section)
    assert not FormSection.objects.exists()


@pytest.mark.django_db
def test_moving_items_bumps_the_versions_of_those_renumbered(staff: Any) -> None:
    call = _draft()
    first, second = FormFieldFactory(call=call, order=0), FormFieldFactory(call=call, order=1)
    services.move_call_item(item=second, direction="up", actor=staff)
    assert FormField.objects.get(pk=first.pk).version == 2
    assert FormField.objects.get(pk=second.pk).version == 2
    with pytest.raises(StaleVersion):  # an editor who opened the field before the move
        services.save_form_field(
            call=call, data={"label_fr": "Autre"}, actor=staff, instance=first, expected_version=1
        )


@pytest.mark.django_db
def test_a_stale_edit_after_publication_records_no_change(staff: Any) -> None:
    call = CallFactory()  # published
    criterion = _criterion(call)
    services.save_criterion(
        call=call, data={"label_fr": "Faisabilité"}, actor=staff, instance=criterion, expected_version=1
    )
    assert CallChange.objects.filter(call=call).count() == 1
    with pytest.raises(StaleVersion):
        services.save_criterion(
            call=call, data={"label_fr": "Impact"}, actor=staff, instance=criterion, expected_version=1
        )
    assert CallChange.objects.filter(call=call).count() == 1


# --- the web form --------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_editors_the_second_sees_the_saved_version_and_keeps_what_they_typed(staff_client, settings):  # type: ignore[no-untyped-def]
    call = _draft()
    section = _section(call)
    other_section = FormSection.objects.create(call=call, title_fr="Budget", order=1)
    field = FormFieldFactory(call=call, section=section, label_fr="Résumé", key="resume", max_length=2000)
    url = reverse("calls:setup_item_edit", args=[call.pk, "fields", field.pk])
    colleague = staff_user(first_name="Marie", last_name="Curie")
    colleague_client = Client()
    colleague_client.force_login(colleague)

    # Both open the page at version 1.
    for client in (staff_client, colleague_client):
        assert 'name="version" value="1"' in client.get(url).content.decode()

    def post(client: Client, **values: str) -> Any:
        data = {
            "section": str(section.pk),
            "label_fr": "Résumé",
            "key": "resume",
            "type": FormField.Type.LONG_TEXT,
            "max_length": "2000",
            "version": "1",
            **values,
        }
        return client.post(url, data)

    first = post(colleague_client, label_fr="Résumé du projet", max_length="3000")
    assert first.status_code == 302
    second = post(
        staff_client, label_fr="Résumé scientifique", section=str(other_section.pk), help_fr="Une page."
    )

    assert second.status_code == 200
    page = second.content.decode()
    assert "Marie Curie" in page and "pour ne pas écraser" in page
    # What the second editor typed is still in the form…
    assert 'value="Résumé scientifique"' in page
    assert "Une page." in page
    assert f'<option value="{other_section.pk}" selected>' in page
    # …the saved version is shown beside it, and the form now starts from it.
    assert 'id="saved-version"' in page
    assert "Résumé du projet" in page and "3000" in page
    assert 'name="version" value="2"' in page
    stored = FormField.objects.get(pk=field.pk)
    assert (stored.label_fr, stored.max_length, stored.section_id, stored.help_fr, stored.version) == (
        "Résumé du projet",
        3000,
        section.pk,
        "",
        2,
    )

    # Having seen the saved version, saving again is deliberate and goes through.
    third = post(staff_client, label_fr="Résumé scientifique", version="2")
    assert third.status_code == 302
    stored.refresh_from_db()
    assert (stored.label_fr, stored.version) == ("Résumé scientifique", 3)


@pytest.mark.django_db
def test_a_stale_rule_edit_shows_the_saved_parameters(staff_client):  # type: ignore[no-untyped-def]
    call = _draft()
    rule = EligibilityRuleFactory(call=call, params={"count": 1})
    services.save_eligibility_rule(
        call=call, data={"params": {"count": 4}}, actor=staff_user(), instance=rule
    )
    response = staff_client.post(
        reverse("calls:setup_item_edit", args=[call.pk, "rules", rule.pk]),
        {"code": "min_teams", "param_count": "2", "stage": "all", "message": "", "version": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="saved-version"' in page and "pour ne pas écraser" in page
    assert 'name="param_count" value="2"' in page
    assert EligibilityRule.objects.get(pk=rule.pk).params == {"count": 4}


@pytest.mark.django_db
def test_a_post_without_a_version_still_saves(staff_client):  # type: ignore[no-untyped-def]
    call = _draft()
    section = _section(call)
    response = staff_client.post(
        reverse("calls:setup_item_edit", args=[call.pk, "sections", section.pk]), {"title_fr": "Équipe"}
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.title_fr, section.version) == ("Équipe", 2)


# --- a real race ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_once_make_one_save_and_one_refusal(staff: Any) -> None:
    call = _draft()
    section = _section(call)

    def save(title: str) -> Callable[[], Any]:
        return lambda: services.save_form_section(
            call=call,
            data={"title_fr": title},
            actor=staff,
            instance=FormSection.objects.get(pk=section.pk),
            expected_version=1,
        )

    results = race(save("Version A"), save("Version B"))
    saved = [r for r in results if isinstance(r, FormSection)]
    refused = [r for r in results if isinstance(r, StaleVersion)]
    assert (len(saved), len(refused)) == (1, 1), results
    stored = FormSection.objects.get(pk=section.pk)
    assert (stored.title_fr, stored.version) == (saved[0].title_fr, 2)
    assert AuditEntry.objects.filter(action="calls.formsection.updated").count() == 1
