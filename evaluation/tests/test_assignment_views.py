"""The staff assignment page: summary, run (with explained infeasibility), pins through HTMX,
manual add, remove, replace, notify; staff only; a fixed number of queries."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from evaluation.models import Assignment, Campaign, Conflict, PairConstraint, ReviewerRole
from evaluation.selectors.assignment import forget_expertise_matrices
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
)
from expertise import selectors as expertise_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lexical(settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    settings.EXPERTISE_METHOD = "lexical"
    expertise_selectors.forget_index()
    forget_expertise_matrices()
    yield
    expertise_selectors.forget_index()
    forget_expertise_matrices()


def make_campaign(n_apps=2, n_members=3, **extra):
    campaign = CampaignFactory(
        **(
            {"rapporteurs_per_application": 1, "externals_per_application": 0, "one_per_institution": False}
            | extra
        )
    )
    apps = [EvaluatedApplicationFactory(call=campaign.call, acronym=f"APP{i}") for i in range(n_apps)]
    members = [
        PoolMemberFactory(campaign=campaign, role=ReviewerRole.RAPPORTEUR, max_load=4, name=f"Rapporteur {i}")
        for i in range(n_members)
    ]
    return campaign, apps, members


def url(name, campaign, **kwargs):
    return reverse(f"evaluation:{name}", kwargs={"pk": campaign.pk, **kwargs})


def test_page_is_for_staff_only(client, researcher):
    campaign, _apps, _members = make_campaign()
    assert client.get(url("assignment", campaign)).status_code == 302
    client.force_login(researcher)
    assert client.get(url("assignment", campaign)).status_code == 403
    assert client.post(url("assignment_run", campaign)).status_code == 403
    assert not Assignment.objects.exists()


def test_run_from_the_page_then_see_the_table(client, staff):
    campaign, apps, members = make_campaign()
    client.force_login(staff)
    response = client.post(url("assignment_run", campaign))
    assert response.status_code == 302
    assert Assignment.objects.filter(campaign=campaign, status=Assignment.Status.PROPOSED).count() == 2
    page = client.get(url("assignment", campaign))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lancer l’affectation automatique" in html and "Notifier les évaluateur·rices" in html
    assert "2 / 2" in html  # both applications fully covered
    assert "Dernier calcul le" in html
    assert "APP0" in html and "Pourquoi ?" in html and "pas de publications indexées" in html
    assert "Charge des évaluateur·rices" in html


def test_infeasible_run_shows_each_reason(client, staff):
    campaign, apps, members = make_campaign(n_members=2)
    for member in members:
        ConflictFactory(member=member, application=apps[0], kind=Conflict.Kind.TEAM)
    client.force_login(staff)
    response = client.post(url("assignment_run", campaign))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rien n’a été modifié" in html
    assert f'href="#application-{apps[0].pk}"' in html and "2 en conflit d&#x27;intérêts" in html
    assert not Assignment.objects.exists()


def test_pin_through_htmx_returns_the_application_block(client, staff):
    campaign, apps, members = make_campaign()
    client.force_login(staff)
    response = client.post(
        url("assignment_pair", campaign),
        {"application": apps[0].pk, "member": members[2].pk, "action": "pin"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<article class="card assignment-app" id="application-{apps[0].pk}"')
    assert "Contrainte enregistrée" in html
    assert PairConstraint.objects.get(application=apps[0], member=members[2]).kind == "pin"
    client.post(url("assignment_run", campaign))
    assert Assignment.objects.get(application=apps[0]).member == members[2]


def test_pin_on_conflict_is_refused_with_a_message(client, staff):
    campaign, apps, members = make_campaign()
    ConflictFactory(member=members[0], application=apps[0])
    client.force_login(staff)
    response = client.post(
        url("assignment_pair", campaign),
        {"application": apps[0].pk, "member": members[0].pk, "action": "pin"},
        HTTP_HX_REQUEST="true",
    )
    assert "conflit d&#x27;intérêts" in response.content.decode()
    assert not PairConstraint.objects.exists()


def test_pair_from_another_campaign_is_rejected(client, staff):
    campaign, apps, _members = make_campaign()
    other, _other_apps, other_members = make_campaign()
    client.force_login(staff)
    client.post(
        url("assignment_pair", campaign),
        {"application": apps[0].pk, "member": other_members[0].pk, "action": "forbid"},
    )
    assert not PairConstraint.objects.exists()


def test_manual_add_remove_and_replace(client, staff):
    campaign, apps, members = make_campaign()
    client.force_login(staff)
    response = client.post(
        url("assignment_add", campaign), {"application": apps[0].pk, "member": members[0].pk}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#application-{apps[0].pk}")
    added = Assignment.objects.get(application=apps[0], member=members[0])
    assert added.source == Assignment.Source.MANUAL and added.role == ReviewerRole.RAPPORTEUR
    client.post(url("assignment_remove", campaign, assignment_pk=added.pk))
    assert not Assignment.objects.filter(pk=added.pk).exists()
    declined = AssignmentFactory(
        member=members[1],
        application=apps[1],
        role=ReviewerRole.RAPPORTEUR,
        status=Assignment.Status.DECLINED,
    )
    page = client.get(url("assignment", campaign)).content.decode()
    assert url("assignment_replace", campaign, assignment_pk=declined.pk) in page
    client.post(url("assignment_replace", campaign, assignment_pk=declined.pk))
    assert Assignment.objects.filter(application=apps[1], status=Assignment.Status.PROPOSED).count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "evaluation.assignment.added",
        "evaluation.assignment.removed",
        "evaluation.assignment.replaced",
    } <= actions


def test_notify_from_the_page(client, staff, mailoutbox, django_capture_on_commit_callbacks):
    campaign, apps, members = make_campaign()
    client.force_login(staff)
    client.post(url("assignment_run", campaign))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("assignment_notify", campaign))
    assert response.status_code == 302
    assert Assignment.objects.filter(status=Assignment.Status.NOTIFIED).count() == 2
    assert len(mailoutbox) >= 1
    assert "http://testserver/evaluation/" in mailoutbox[0].body


def test_notify_button_disabled_before_reviews_open(client, staff):
    campaign, _apps, _members = make_campaign(status=Campaign.Status.SETUP)
    client.force_login(staff)
    html = client.get(url("assignment", campaign)).content.decode()
    assert "La notification sera possible une fois les évaluations ouvertes" in html


def _page_queries(client, django_assert_max_num_queries, campaign, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url("assignment", campaign))
    assert response.status_code == 200
    return len(captured)


def test_fixed_number_of_queries(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    small, _a, _m = make_campaign(n_apps=3, n_members=3)
    client.post(url("assignment_run", small))
    big, big_apps, big_members = make_campaign(n_apps=12, n_members=8)
    for member in big_members[:3]:
        ConflictFactory(member=member, application=big_apps[0])
    PairConstraint.objects.create(campaign=big, application=big_apps[1], member=big_members[4], kind="forbid")
    client.post(url("assignment_run", big))
    few = _page_queries(client, django_assert_max_num_queries, small, 40)
    many = _page_queries(client, django_assert_max_num_queries, big, 40)
    assert few == many
