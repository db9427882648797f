"""Property tests over random small campaigns built through the services: whatever the
affiliations, co-authorships, partner teams, declared conflicts, overrides, pins, forbids and
re-runs, no pair in active conflict is ever assigned (outside declined assignments), and such a
reviewer never sees the application: 404 on its review page, absent from "Mes évaluations" and
from the committee's table."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from accounts.tests.factories import UserFactory
from calls.models import Application, ApplicationTeam, Call, EvaluationCriterion
from calls.tests.factories import CallFactory
from core.errors import DomainError
from directory.tests.factories import AffiliationFactory, PersonFactory, TeamFactory
from evaluation.models import Assignment, Campaign, Conflict, PoolMember, ReviewerRole
from evaluation.permissions import active_conflicts
from evaluation.services import assignment, assignment_edits, campaigns, conflicts, pool
from evaluation.tests.factories import EvaluatedApplicationFactory
from outputs.models import Authorship
from outputs.tests.factories import AuthorshipFactory, PublicationFactory

pytestmark = pytest.mark.django_db
SERIAL = itertools.count()

# Most people have no link with an application; some share a team, a paper or a partnership.
LINK = st.sampled_from([None, None, None, None, 0, 1, 2, 3])
member_spec = st.fixed_dictionaries(
    {
        "rapporteur": st.booleans(),
        # None: no link; i: the lead team of application i (team, unit, institution), a paper
        # with its lead person, a partner team of application i.
        "team_of": LINK,
        "coauthor_of": LINK,
        "partner_of": LINK,
    }
)
action = st.one_of(
    st.tuples(
        st.sampled_from(["pin", "forbid", "clear", "declare", "declare_assigned", "override", "restore"]),
        st.integers(0, 3),
        st.integers(0, 5),
    ),
    st.just(("rerun", 0, 0)),
)
scenario = st.fixed_dictionaries(
    {
        "n_apps": st.integers(2, 4),
        "members": st.lists(member_spec, min_size=4, max_size=6),
        "declared": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), max_size=3),
        "actions": st.lists(action, max_size=6),
        "declare_after_notify": st.one_of(st.none(), st.integers(0, 7)),
    }
)


def build(spec, staff):  # type: ignore[no-untyped-def]
    n = next(SERIAL)
    call = CallFactory(status=Call.Status.CLOSED, closes_at=timezone.now() - dt.timedelta(days=1))
    EvaluationCriterion.objects.create(call=call, label_fr="Qualité", weight=Decimal(1), scale_max=5, order=0)
    apps = [
        EvaluatedApplicationFactory(call=call, acronym=f"PRP{n}X{i}Z", status=Application.Status.ELIGIBLE)
        for i in range(spec["n_apps"])
    ]
    campaign = campaigns.create_campaign(
        call=call,
        stage="full",
        data={
            "rapporteurs_per_application": 1,
            "externals_per_application": 1,
            "coauthorship_years": 5,
            "review_deadline": timezone.now() + dt.timedelta(days=20),
        },
        actor=staff,
    )
    members = []
    for index, m in enumerate(spec["members"]):
        user = UserFactory()
        person = PersonFactory(user=user, email=user.email)
        if m["team_of"] is not None and m["team_of"] < len(apps):
            team = apps[m["team_of"]].teams.get(role="lead").team
        else:
            team = TeamFactory()
        AffiliationFactory(person=person, team=team)
        if m["coauthor_of"] is not None and m["coauthor_of"] < len(apps):
            paper = PublicationFactory(year=timezone.localdate().year - 1)
            for position, author in enumerate((person, apps[m["coauthor_of"]].lead_person), start=1):
                AuthorshipFactory(
                    publication=paper, position=position, person=author, match=Authorship.Match.CONFIRMED
                )
        if m["partner_of"] is not None and m["partner_of"] < len(apps):
            partner_team = TeamFactory()
            ApplicationTeam.objects.create(
                application=apps[m["partner_of"]],
                role=ApplicationTeam.Role.PARTNER,
                team=partner_team,
                institution=partner_team.unit.parents.first(),
                contact_person=person,
                contact_user=user,
                contact_email=user.email,
                invitation_status=ApplicationTeam.Invitation.ACCEPTED,
            )
        # At least one reviewer of each role, so that most campaigns can be assigned.
        rapporteur = {0: True, 1: False, 2: True, 3: False}.get(index, m["rapporteur"])
        role = ReviewerRole.RAPPORTEUR if rapporteur else ReviewerRole.EXTERNAL
        member = pool.add_pool_member(campaign=campaign, role=role, person=person, max_load=4, actor=staff)
        members.append(pool.accept_invitation(token=member.invitation_token, user=user))
    return campaign, apps, members


def attempt(fn, **kwargs):  # type: ignore[no-untyped-def]
    """A service call that may be refused (infeasible, conflicted pair…): refusals are fine."""
    try:
        return fn(**kwargs)
    except DomainError:
        return None


def play(campaign, apps, members, spec, staff):  # type: ignore[no-untyped-def]
    conflicts.detect_conflicts(campaign=campaign, actor=staff)
    for a, m in spec["declared"]:
        if a < len(apps) and m < len(members):
            attempt(
                conflicts.declare_conflict, member=members[m], application=apps[a], reason="Lien", actor=staff
            )
    attempt(assignment.run_assignment, campaign=campaign, actor=staff)
    for kind, a, m in spec["actions"]:
        if kind == "declare_assigned":  # a reviewer declares a conflict on a proposed assignment
            live = list(
                Assignment.objects.filter(campaign=campaign).exclude(status="declined").order_by("pk")
            )
            if live:
                chosen = live[(a * 6 + m) % len(live)]
                attempt(
                    conflicts.declare_conflict,
                    member=chosen.member,
                    application=chosen.application,
                    reason="Lien",
                    actor=chosen.member.user,
                )
            continue
        if kind == "rerun":
            attempt(assignment.run_assignment, campaign=campaign, actor=staff)
            continue
        if a >= len(apps) or m >= len(members):
            continue
        app, member = apps[a], members[m]
        if kind in ("pin", "forbid", "clear"):
            attempt(
                assignment_edits.set_pair_constraint,
                campaign=campaign,
                application=app,
                member=member,
                kind=None if kind == "clear" else kind,
                actor=staff,
            )
        elif kind == "declare":
            attempt(
                conflicts.declare_conflict, member=member, application=app, reason="Lien", actor=member.user
            )
        else:
            for conflict in Conflict.objects.filter(member=member, application=app):
                if kind == "override":
                    attempt(conflicts.override_conflict, conflict=conflict, reason="Lien ancien", actor=staff)
                else:
                    attempt(conflicts.restore_conflict, conflict=conflict, actor=staff)
    attempt(assignment.run_assignment, campaign=campaign, actor=staff)


def check(client, campaign, apps, members, staff, spec):  # type: ignore[no-untyped-def]
    active = set(active_conflicts().filter(campaign=campaign).values_list("application_id", "member_id"))
    live = set(
        Assignment.objects.filter(campaign=campaign)
        .exclude(status=Assignment.Status.DECLINED)
        .values_list("application_id", "member_id")
    )
    assert not active & live, f"conflicted pairs assigned: {active & live}"
    event(f"active conflicts: {'some' if active else 'none'}; assignments: {'some' if live else 'none'}")

    # Open the reviews and notify, then look at the pages of every conflicted reviewer.
    if Assignment.objects.filter(campaign=campaign, status=Assignment.Status.PROPOSED).exists():
        campaigns.open_reviews(campaign=campaign, actor=staff)
        assignment_edits.notify_assignments(campaign=campaign, actor=staff)
        notified = list(Assignment.objects.filter(campaign=campaign, status="notified").order_by("pk"))
        if spec["declare_after_notify"] is not None and notified:
            chosen = notified[spec["declare_after_notify"] % len(notified)]
            conflicts.declare_conflict(
                member=chosen.member, application=chosen.application, reason="Lien", actor=chosen.member.user
            )
            active.add((chosen.application_id, chosen.member_id))
    campaign.refresh_from_db()
    by_pk = {m.pk: m for m in members}
    acronyms = {a.pk: a.acronym for a in apps}
    for application_id, member_id in active:
        member = by_pk[member_id]
        client.force_login(member.user)
        for past in Assignment.objects.filter(member=member, application_id=application_id):
            event("a conflicted reviewer's past assignment checked (404)")
            assert client.get(reverse("evaluation:review", args=[past.pk])).status_code == 404
        mine = client.get(reverse("evaluation:my_reviews"))
        assert mine.status_code == 200 and acronyms[application_id] not in mine.content.decode()
        if member.role == ReviewerRole.RAPPORTEUR and campaign.status != Campaign.Status.SETUP:
            board = client.get(reverse("evaluation:committee", args=[campaign.pk]))
            assert board.status_code == 200 and acronyms[application_id] not in board.content.decode()
            detail = reverse("evaluation:committee_application", args=[campaign.pk, application_id])
            assert client.get(detail).status_code == 404


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=scenario)
def test_no_conflicted_pair_is_ever_assigned_or_shown(client, db, spec):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        staff = UserFactory(roles=[Role.SECRETARIAT])
        campaign, apps, members = build(spec, staff)
        play(campaign, apps, members, spec, staff)
        check(client, campaign, apps, members, staff, spec)
        transaction.set_rollback(True)


def test_detection_finds_each_kind(db):  # type: ignore[no-untyped-def]
    """The generator's links do produce conflicts of every automatic kind (the property above is
    not vacuous)."""
    staff = UserFactory(roles=[Role.SECRETARIAT])
    spec = {
        "n_apps": 2,
        "members": [
            {"rapporteur": True, "team_of": 0, "coauthor_of": None, "partner_of": None},
            {"rapporteur": False, "team_of": None, "coauthor_of": 1, "partner_of": None},
            {"rapporteur": True, "team_of": None, "coauthor_of": None, "partner_of": 0},
        ],
        "declared": [],
        "actions": [],
        "declare_after_notify": None,
    }
    campaign, apps, members = build(spec, staff)
    conflicts.detect_conflicts(campaign=campaign, actor=staff)
    kinds = set(Conflict.objects.filter(campaign=campaign).values_list("member_id", "application_id", "kind"))
    assert (members[0].pk, apps[0].pk, Conflict.Kind.TEAM) in kinds
    assert (members[1].pk, apps[1].pk, Conflict.Kind.COAUTHOR) in kinds
    assert (members[2].pk, apps[0].pk, Conflict.Kind.PARTNER) in kinds
    assert PoolMember.objects.filter(campaign=campaign, status=PoolMember.Status.ACCEPTED).count() == 3
