"""Every model holding personal data is registered (or declared free of it, with a reason)."""

import pytest
from django.apps import apps

from core import privacy

PROJECT_APPS = {
    "core",
    "accounts",
    "directory",
    "api",
    "expertise",
    "evaluation",
    "calls",
    "awards",
    "events",
    "governance",
    "outputs",
    "indicators",
    "workinggroups",
}


def test_every_model_with_personal_fields_is_registered():
    registered = privacy.registered()
    declared = privacy.declared_free()
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and privacy.looks_personal(model)
        and model not in registered
        and model not in declared
    ]
    assert not missing, f"models with personal fields missing from the personal-data registry: {missing}"


def test_registered_specs_name_real_fields():
    for model, spec in privacy.registered().items():
        names = {f.name for f in model._meta.get_fields()}
        for field in spec.fields:
            assert field in names, f"{model._meta.label}.{field} is not a field"
        assert spec.lawful_basis, f"{model._meta.label} has no lawful basis"


def test_detector_recognises_personal_fields():
    from accounts.models import RoleGrant
    from directory.models import Keyword, Person

    assert privacy.looks_personal(Person)
    assert privacy.looks_personal(RoleGrant)  # points at a user
    assert not privacy.looks_personal(Keyword)


@pytest.mark.django_db
def test_export_and_erase_round_trip(researcher):
    from core.services import record_audit

    record_audit(action="test.read", actor=researcher, target=researcher.person)
    data = privacy.export_subject(researcher)
    assert data["directory.Person"][0]["email"] == researcher.email
    assert data["core.AuditEntry"][0]["action"] == "test.read"
    counts = privacy.erase_subject(researcher)
    person = type(researcher.person).objects.get(pk=researcher.person.pk)
    assert person.email == "" and person.user_id is None and person.last_name.startswith("Personne effacée")
    assert counts["directory.Affiliation"] == 1
