"""The staff page of conflicts: table with evidence and filters, detection, override / restore
with and without HTMX, and who may use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from directory.tests.factories import AffiliationFactory
from evaluation.models import Assignment, Conflict
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
)

pytestmark = pytest.mark.django_db
Kind = Conflict.Kind
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def campaign():
    return CampaignFactory()


def _conflicts(campaign, n, **kwargs):
    return [
        ConflictFactory(
            member=PoolMemberFactory(campaign=campaign),
            campaign=campaign,
            application=EvaluatedApplicationFactory(call=campaign.call, acronym=f"PRJ{i}"),
            **kwargs,
        )
        for i in range(n)
    ]


def _url(name, campaign, conflict=None):
    args = [campaign.pk] if conflict is None else [campaign.pk, conflict.pk]
    return reverse(f"evaluation:{name}", args=args)


def test_page_shows_summary_rows_and_evidence(staff_client, campaign):
    declared = _conflicts(campaign, 1, evidence="Déclaré : thèse co-encadrée")[0]
    overridden = _conflicts(
        campaign, 1, kind=Kind.INSTITUTION, overridden=True, override_reason="Grand organisme"
    )[0]

    response = staff_client.get(_url("conflicts", campaign))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Conflits d&#x27;intérêts" in html or "Conflits d'intérêts" in html
    assert "Déclaré : thèse co-encadrée" in html and declared.member.name in html
    assert "Grand organisme" in html and "Rétablir" in html and "Lever…" in html
    assert reverse("evaluation:conflicts_detect", args=[campaign.pk]) in html
    assert response.context["summary"].pairs == 1  # the overridden one does not count
    assert overridden.application.acronym in html


def test_filters(staff_client, campaign):
    first, second = _conflicts(campaign, 2)
    institution = ConflictFactory(
        member=first.member,
        campaign=campaign,
        application=second.application,
        kind=Kind.INSTITUTION,
        overridden=True,
        override_reason="x",
    )

    def shown(**query):
        response = staff_client.get(_url("conflicts", campaign), query)
        assert response.status_code == 200
        return {c.pk for c in response.context["page_obj"]}

    assert shown() == {first.pk, second.pk, institution.pk}
    assert shown(kind="institution") == {institution.pk}
    assert shown(member=first.member_id) == {first.pk, institution.pk}
    assert shown(application=second.application_id) == {second.pk, institution.pk}
    assert shown(state="active") == {first.pk, second.pk}
    assert shown(state="overridden") == {institution.pk}
    assert shown(kind="nonsense", member="abc") == {first.pk, second.pk, institution.pk}


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_page_runs_a_fixed_number_of_queries(staff_client, campaign, django_assert_max_num_queries):
    _conflicts(campaign, 2)
    few = _queries(staff_client, _url("conflicts", campaign))
    _conflicts(campaign, 12, overridden=True, override_reason="Lien ancien")
    many = _queries(staff_client, _url("conflicts", campaign))
    assert many == few
    with django_assert_max_num_queries(few):
        staff_client.get(_url("conflicts", campaign))


def test_detect_button(staff_client, staff, campaign):
    application = EvaluatedApplicationFactory(call=campaign.call)
    member = PoolMemberFactory(campaign=campaign)
    AffiliationFactory(person=member.person, team=application.teams.get().team)
    assignment = AssignmentFactory(member=member, application=application, campaign=campaign)

    response = staff_client.post(
        _url("conflicts_detect", campaign), {"next": "https://evil.example/"}, follow=True
    )

    assert response.redirect_chain[-1][0] == _url("conflicts", campaign)
    assert set(Conflict.objects.values_list("kind", flat=True)) == {Kind.TEAM, Kind.UNIT, Kind.INSTITUTION}
    text = response.content.decode()
    assert "Détection terminée : 3 conflit(s)" in text
    assert "1 affectation tombée en conflit a été déclinée" in text
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED
    assert AuditEntry.objects.get(action="evaluation.conflicts.detected").actor == staff


def test_override_without_javascript_keeps_the_filters(staff_client, staff, campaign):
    conflict = _conflicts(campaign, 1)[0]
    back = _url("conflicts", campaign) + "?state=active"

    page = staff_client.get(_url("conflict_override", campaign, conflict))
    assert page.status_code == 200 and "Motif de la levée" in page.content.decode()

    response = staff_client.post(
        _url("conflict_override", campaign, conflict), {"reason": "Lien ancien", "next": back}
    )

    assert response.status_code == 302 and response["Location"] == back
    conflict.refresh_from_db()
    assert (
        conflict.overridden and conflict.override_reason == "Lien ancien" and conflict.overridden_by == staff
    )
    assert AuditEntry.objects.filter(action="evaluation.conflict.overridden", actor=staff).count() == 1


def test_override_needs_a_reason(staff_client, campaign):
    conflict = _conflicts(campaign, 1)[0]

    response = staff_client.post(_url("conflict_override", campaign, conflict), {"reason": "  "})

    assert response.status_code == 400
    assert "Indiquez pourquoi ce conflit est levé." in response.content.decode()
    conflict.refresh_from_db()
    assert not conflict.overridden


def test_override_and_restore_inline_with_htmx(staff_client, campaign):
    conflict = _conflicts(campaign, 1)[0]

    empty = staff_client.post(_url("conflict_override", campaign, conflict), {"reason": ""}, **HTMX)
    assert empty.status_code == 200
    html = empty.content.decode()
    assert html.startswith(f'<tr id="conflict-{conflict.pk}"') and "aria-invalid" in html and " open" in html

    done = staff_client.post(_url("conflict_override", campaign, conflict), {"reason": "Ancien lien"}, **HTMX)
    html = done.content.decode()
    assert done.status_code == 200 and "Levé" in html and "Ancien lien" in html and "Rétablir" in html

    again = staff_client.post(_url("conflict_override", campaign, conflict), {"reason": "encore"}, **HTMX)
    assert "Ce conflit est déjà levé." in again.content.decode()

    restored = staff_client.post(_url("conflict_restore", campaign, conflict), **HTMX)
    assert restored.status_code == 200 and "Actif" in restored.content.decode()
    conflict.refresh_from_db()
    assert conflict.is_active
    assert AuditEntry.objects.filter(action="evaluation.conflict.restored").count() == 1


def test_restore_without_javascript(staff_client, campaign):
    conflict = _conflicts(campaign, 1, overridden=True, override_reason="x")[0]

    response = staff_client.post(_url("conflict_restore", campaign, conflict), follow=True)

    assert response.redirect_chain[-1][0] == _url("conflicts", campaign)
    assert "Conflit rétabli" in response.content.decode()
    conflict.refresh_from_db()
    assert not conflict.overridden


def test_a_conflict_of_another_campaign_is_not_found(staff_client, campaign):
    elsewhere = ConflictFactory()
    response = staff_client.post(_url("conflict_override", campaign, elsewhere), {"reason": "x"})
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert not elsewhere.overridden


def test_only_staff(client, researcher, campaign):
    conflict = _conflicts(campaign, 1)[0]
    override = _url("conflict_override", campaign, conflict)
    assert client.post(override, {"reason": "x"}).status_code == 302  # to the login page
    client.force_login(researcher)
    for url, data in ((override, {"reason": "x"}), (_url("conflicts_detect", campaign), {})):
        assert client.post(url, data).status_code == 403
    assert client.get(_url("conflicts", campaign)).status_code == 403
    conflict.refresh_from_db()
    assert (
        not conflict.overridden
        and not AuditEntry.objects.filter(action__startswith="evaluation.conflict").exists()
    )
