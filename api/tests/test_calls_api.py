"""The calls endpoints: public reads of published calls (drafts are 404), and one's own
applications with a ``calls:read`` token (anybody else's is 404, whoever asks)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from api.permissions import CALLS_READ, DIRECTORY_READ
from api.tests.factories import bearer, make_token
from calls.models import ApplicationTeam, BudgetLine, Call
from calls.services import submit_application
from calls.tests.factories import (
    ApplicationFactory,
    BudgetCategoryFactory,
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
)
from directory.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(db):  # type: ignore[no-untyped-def]
    call = CallFactory(title_fr="Émergence 2027", ceiling_per_project=Decimal("25000"))
    EligibilityRuleFactory(call=call, code="min_teams", params={"count": 2})
    DocumentRequirementFactory(call=call, label_fr="CV du porteur", required=False)
    BudgetCategoryFactory(call=call, label_fr="Consommables")
    return call


# --- public reads --------------------------------------------------------------------------


def test_list_shows_published_calls_and_never_drafts(client, published):
    draft = CallFactory(status=Call.Status.DRAFT, title_fr="Appel en préparation")
    response = client.get(reverse("api:calls"))
    assert response.status_code == 200
    body = response.json()
    ids = {item["id"] for item in body["items"]}
    assert published.pk in ids and draft.pk not in ids and body["count"] == 1
    [item] = body["items"]
    assert item["title_fr"] == "Émergence 2027" and item["phase"] == "open"
    assert Decimal(item["ceiling_per_project"]) == Decimal("25000")
    assert item["url"].endswith(reverse("calls:detail", args=[published.pk]))


def test_detail_gives_rules_in_plain_words_documents_and_budget(client, published):
    response = client.get(reverse("api:call", args=[published.pk]))
    assert response.status_code == 200
    body = response.json()
    [rule] = body["rules"]
    assert rule["code"] == "min_teams" and "2" in rule["description"] and len(rule["description"]) > 10
    assert [d["label_fr"] for d in body["documents_required"]] == ["CV du porteur"]
    assert [c["label_fr"] for c in body["budget_categories"]] == ["Consommables"]
    assert body["documents"] == []


def test_a_draft_call_is_404_even_with_a_staff_token(client):
    draft = CallFactory(status=Call.Status.DRAFT)
    _token, secret = make_token(UserFactory(roles=[Role.SECRETARIAT]))
    assert client.get(reverse("api:call", args=[draft.pk])).status_code == 404
    assert client.get(reverse("api:call", args=[draft.pk]), headers=bearer(secret)).status_code == 404
    assert client.get(reverse("api:call", args=[999999])).status_code == 404


def test_call_list_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    CallFactory()
    with django_assert_max_num_queries(3) as few:
        client.get(reverse("api:calls"))
    for _index in range(6):
        CallFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("api:calls")).json()["count"] == 7


# --- my applications -----------------------------------------------------------------------


@pytest.fixture
def mine(published):  # type: ignore[no-untyped-def]
    """The caller leads one application, is an accepted partner of another, a pending partner of a
    third; a fourth belongs to someone else."""
    me = UserFactory(email="me@example.org")
    led = ApplicationFactory(call=published, applicant=me, title="Mon projet")
    lead_team = led.teams.get()
    BudgetLine.objects.create(
        application=led,
        team=lead_team,
        category=published.budget_categories.get(),
        description="Anticorps",
        amount=Decimal("12000.50"),
    )
    submit_application(application=led, actor=me, idempotency_key="mine")
    partnered, pending, foreign = (ApplicationFactory(call=published) for _index in range(3))
    for application, status in ((partnered, "accepted"), (pending, "pending")):
        ApplicationTeam.objects.create(
            application=application,
            role=ApplicationTeam.Role.PARTNER,
            team=TeamFactory(),
            contact_email=me.email,
            contact_user=me,
            invitation_status=status,
        )
    _token, secret = make_token(me, scopes=(CALLS_READ,))
    return {
        "me": me,
        "led": led,
        "partnered": partnered,
        "pending": pending,
        "foreign": foreign,
        "secret": secret,
    }


def test_my_applications_lists_only_mine_with_my_role(client, mine):
    response = client.get(reverse("api:calls-applications"), headers=bearer(mine["secret"]))
    assert response.status_code == 200
    roles = {item["id"]: item["role"] for item in response.json()["items"]}
    assert roles == {mine["led"].pk: "lead", mine["partnered"].pk: "partner"}


def test_my_application_detail(client, mine):
    response = client.get(
        reverse("api:calls-application", args=[mine["led"].pk]), headers=bearer(mine["secret"])
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Mon projet" and body["status"] == "submitted" and body["receipt_number"]
    assert Decimal(body["budget_total"]) == Decimal("12000.50")
    assert [line["description"] for line in body["budget_lines"]] == ["Anticorps"]
    assert body["teams"][0]["role"] == "lead"
    [check] = body["eligibility_checks"]
    assert check["outcome"] == "failed"  # one team where the call asks for two


@pytest.mark.parametrize("other", ["foreign", "pending"])
def test_another_persons_application_is_404(client, mine, other):
    url = reverse("api:calls-application", args=[mine[other].pk])
    assert client.get(url, headers=bearer(mine["secret"])).status_code == 404


def test_even_a_staff_token_sees_only_its_owners_applications(client, mine):
    _token, secret = make_token(UserFactory(roles=[Role.SECRETARIAT]), scopes=(CALLS_READ,))
    assert client.get(reverse("api:calls-applications"), headers=bearer(secret)).json()["count"] == 0
    url = reverse("api:calls-application", args=[mine["led"].pk])
    assert client.get(url, headers=bearer(secret)).status_code == 404


def test_my_applications_need_a_token_with_the_scope(client, mine):
    url = reverse("api:calls-applications")
    assert client.get(url).status_code == 401
    client.force_login(mine["me"])  # sessions are not used by the API
    assert client.get(url).status_code == 401
    _token, directory_only = make_token(mine["me"], scopes=(DIRECTORY_READ,))
    assert client.get(url, headers=bearer(directory_only)).status_code == 403


def test_my_applications_list_uses_a_fixed_number_of_queries(client, mine, django_assert_max_num_queries):
    url = reverse("api:calls-applications")
    with django_assert_max_num_queries(10) as few:
        client.get(url, headers=bearer(mine["secret"]))
    for _index in range(5):
        ApplicationFactory(applicant=mine["me"], lead_person=mine["led"].lead_person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, headers=bearer(mine["secret"])).json()["count"] == 7


def test_openapi_documents_the_calls_scope(client):
    schema = client.get(reverse("api:openapi-json")).json()
    mine = schema["paths"]["/api/calls/applications/"]["get"]
    assert mine["security"] == [{"BearerToken": []}] and "calls:read" in mine["description"]
    assert {} in schema["paths"]["/api/calls/"]["get"]["security"]
    body = client.get(reverse("api:index")).json()
    assert "calls:read" in {s["code"] for s in body["scopes"]}
