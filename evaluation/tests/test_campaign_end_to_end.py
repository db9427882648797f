"""A whole evaluation campaign through the web client only, from the campaign's creation to the
public page of its committee: pool and invitations (an outside expert creates their account from
the e-mail's link), conflicts, assignment with a pin and a forbid, notification, reviews with a
declared conflict and its replacement, committee ranking and funding, the decision, the letters
in each applicant's language, the publication. Database state, statuses, outbox and audit
entries are checked at each step."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from calls.models import Application, BudgetLine, Call, EvaluationCriterion
from calls.tests.factories import BudgetCategoryFactory, CallFactory
from core.models import AuditEntry
from directory.tests.factories import AffiliationFactory, PersonFactory
from evaluation.models import (
    ApplicationOutcome,
    Assignment,
    Campaign,
    Conflict,
    Decision,
    DiscussionNote,
    PairConstraint,
    PoolMember,
    Review,
    ReviewerRole,
)
from evaluation.tests.factories import EvaluatedApplicationFactory

pytestmark = pytest.mark.django_db
INVITATION_LINK = re.compile(r"/evaluation/invitations/([\w-]+)/")


def url(name, *args):  # type: ignore[no-untyped-def]
    return reverse(f"evaluation:{name}", args=args)


def audited(action, **filters):  # type: ignore[no-untyped-def]
    return AuditEntry.objects.filter(action=action, **filters).count()


@pytest.fixture
def act(client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """``act(user, method, url, data)``: one request as ``user`` (None: anonymous), with the
    after-commit side effects (e-mails) run as in production."""

    def request(user, method, target, data=None, **extra):  # type: ignore[no-untyped-def]
        client.logout()
        if user is not None:
            client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(target, data or {}, **extra)

    return request


def directory_reviewer(name):  # type: ignore[no-untyped-def]
    user = UserFactory(email=f"{name.lower()}@lab.example", first_name=name, last_name="Rapp")
    person = PersonFactory(user=user, email=user.email, first_name=name, last_name="Rapp")
    AffiliationFactory(person=person)
    return user, person


def review_form(assignment, criteria, **extra):  # type: ignore[no-untyped-def]
    data = {
        "version": str(Review.objects.get(assignment=assignment).version)
        if hasattr(assignment, "review")
        else "1"
    }
    for i, criterion in enumerate(criteria):
        data[f"score_{criterion.pk}"] = str(5 - (assignment.application_id + i) % 3)
        data[f"comment_{criterion.pk}"] = "Bien argumenté."
    data |= {
        "comment_to_applicants": f"Avis aux porteurs sur {assignment.application.acronym}.",
        "comment_to_committee": "Confidentiel : équipe solide.",
        "recommendation": "fund",
        "confidence": "3",
    }
    return data | extra


def test_full_campaign_through_the_web(act, settings):  # noqa: PLR0915
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    staff = UserFactory(email="secretariat@canceropole.example", roles=[Role.SECRETARIAT])
    call = CallFactory(
        status=Call.Status.CLOSED,
        closes_at=timezone.now() - dt.timedelta(days=1),
        budget_envelope=Decimal("45000"),
    )
    criteria = [
        EvaluationCriterion.objects.create(call=call, label_fr=label, weight=Decimal(w), scale_max=5, order=i)
        for i, (label, w) in enumerate([("Qualité scientifique", 2), ("Faisabilité", 1)])
    ]
    category = BudgetCategoryFactory(call=call)
    apps = []
    for i, language in enumerate(["fr", "en", "fr"], start=1):
        applicant = UserFactory(email=f"porteur{i}@hopital.example", language=language)
        application = EvaluatedApplicationFactory(
            call=call, applicant=applicant, acronym=f"PROJET-E2E-{i}", status=Application.Status.ELIGIBLE
        )
        BudgetLine.objects.create(
            application=application, category=category, description="Consommables", amount=Decimal("20000")
        )
        apps.append(application)
    p1, p2, p3 = apps
    dr1_user, dr1 = directory_reviewer("Albane")
    dr2_user, dr2 = directory_reviewer("Bertrand")
    de2_user, de2 = directory_reviewer("Clothilde")
    # Bertrand works in the lead team of P3: a team conflict to detect.
    AffiliationFactory(person=dr2, team=p3.teams.get(role="lead").team)

    # --- 1. the campaign, with its deadline ---
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = act(
        staff,
        "post",
        url("campaign_new"),
        {
            "call": call.pk,
            "stage": "full",
            "rapporteurs_per_application": 1,
            "externals_per_application": 1,
            "default_min_load": 0,
            "default_max_load": 3,
            "coauthorship_years": 5,
            "reminder_days": 3,
            "reviewers_see_other_reviews": "on",
            "publish_committee": "on",
            "deadline_day": deadline,
            "deadline_time": "18:00",
        },
    )
    campaign = Campaign.objects.get(call=call)
    assert response.status_code == 302 and response["Location"] == url("campaign", campaign.pk)
    assert campaign.status == Campaign.Status.SETUP and campaign.review_deadline is not None
    assert audited("evaluation.campaign.created", actor=staff) == 1
    assert act(staff, "get", url("campaign", campaign.pk)).status_code == 200

    # --- 2. the pool: three directory people and an outside expert invited by e-mail ---
    for person, role in (
        (dr1, ReviewerRole.RAPPORTEUR),
        (dr2, ReviewerRole.RAPPORTEUR),
        (de2, ReviewerRole.EXTERNAL),
    ):
        response = act(
            staff,
            "post",
            url("pool_add", campaign.pk),
            {
                "source": "directory",
                "dir-person": person.pk,
                "dir-role": role,
                "dir-language": "fr",
                "dir-min_load": "0",
                "dir-max_load": "3",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    response = act(
        staff,
        "post",
        url("pool_add", campaign.pk),
        {
            "source": "external",
            "ext-name": "Ada Lovelace",
            "ext-email": "ada@university.example",
            "ext-institution_name": "University of London",
            "ext-language": "en",
            "ext-role": ReviewerRole.EXTERNAL,
            "ext-min_load": "0",
            "ext-max_load": "3",
        },
    )
    assert response.status_code == 302
    assert PoolMember.objects.filter(campaign=campaign, status=PoolMember.Status.INVITED).count() == 4
    assert audited("evaluation.pool.member_added") == 4
    invitation = next(m for m in mail.outbox if m.to == ["ada@university.example"])
    link = INVITATION_LINK.search(invitation.body).group(0)

    # The outside expert opens the link and creates an account; the directory people accept.
    assert act(None, "get", link).status_code == 200
    response = act(
        None,
        "post",
        link,
        {
            "answer": "create",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "password1": "a-long-pass-phrase-2027",
            "password2": "a-long-pass-phrase-2027",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("my_reviews")
    ada = PoolMember.objects.get(campaign=campaign, email="ada@university.example")
    assert ada.status == PoolMember.Status.ACCEPTED and ada.user.email == "ada@university.example"
    ada_user = ada.user
    for user in (dr1_user, dr2_user, de2_user):
        member = PoolMember.objects.get(campaign=campaign, user=user)
        response = act(user, "post", url("invitation", member.invitation_token), {"answer": "accept"})
        assert response.status_code == 302
    assert PoolMember.objects.filter(campaign=campaign, status=PoolMember.Status.ACCEPTED).count() == 4
    assert audited("evaluation.pool.invitation_accepted") == 4
    m_dr1, m_dr2, m_de2 = (
        PoolMember.objects.get(campaign=campaign, user=u) for u in (dr1_user, dr2_user, de2_user)
    )

    # --- 3. conflicts, assignment, a forbid and a pin, rerun ---
    response = act(staff, "post", url("conflicts_detect", campaign.pk), follow=True)
    assert response.status_code == 200
    assert Conflict.objects.filter(member=m_dr2, application=p3, kind=Conflict.Kind.TEAM).exists()
    assert audited("evaluation.conflicts.detected") == 1
    assert act(staff, "get", url("conflicts", campaign.pk)).status_code == 200

    assert act(staff, "post", url("assignment_run", campaign.pk)).status_code == 302
    proposed = Assignment.objects.filter(campaign=campaign, status=Assignment.Status.PROPOSED)
    assert proposed.count() == 6  # 3 applications × (1 rapporteur + 1 external)
    assert not proposed.filter(member=m_dr2, application=p3).exists()
    for application, member, action in ((p1, m_dr1, "forbid"), (p2, ada, "pin")):
        response = act(
            staff,
            "post",
            url("assignment_pair", campaign.pk),
            {"application": application.pk, "member": member.pk, "action": action},
        )
        assert response.status_code in (200, 302)
    assert PairConstraint.objects.filter(campaign=campaign).count() == 2
    assert act(staff, "post", url("assignment_run", campaign.pk)).status_code == 302
    assert proposed.count() == 6
    assert not proposed.filter(member=m_dr1, application=p1).exists()
    assert proposed.filter(member=ada, application=p2).exists()
    assert not proposed.filter(member=m_dr2, application=p3).exists()
    assert audited("evaluation.assignment.run") == 2
    assert act(staff, "get", url("assignment", campaign.pk)).status_code == 200

    # --- 4. reviews open; the reviewers are notified ---
    assert act(staff, "get", url("campaign_transition", campaign.pk, "open_reviews")).status_code == 200
    assert act(staff, "post", url("campaign_transition", campaign.pk, "open_reviews")).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.REVIEWING
    assert set(Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("status", flat=True)) == {
        Application.Status.UNDER_REVIEW
    }
    before = len(mail.outbox)
    assert act(staff, "post", url("assignment_notify", campaign.pk)).status_code == 302
    assert Assignment.objects.filter(campaign=campaign, status=Assignment.Status.NOTIFIED).count() == 6
    notified_to = {tuple(m.to) for m in mail.outbox[before:]}
    assigned = Assignment.objects.filter(campaign=campaign).values_list("member__email", flat=True)
    assert ("ada@university.example",) in notified_to and notified_to == {(e,) for e in set(assigned)}

    # --- 5. each reviewer opens their applications and saves a draft; Ada declares a conflict ---
    reviewers = {m.user: m for m in (m_dr1, m_dr2, m_de2, ada)}
    for user, member in reviewers.items():
        assert act(user, "get", url("my_reviews")).status_code == 200
        for assignment in Assignment.objects.filter(member=member, status=Assignment.Status.NOTIFIED):
            assert act(user, "get", url("review", assignment.pk)).status_code == 200
            response = act(
                user, "post", url("review", assignment.pk), review_form(assignment, criteria, action="save")
            )
            assert response.status_code == 302
    assert Review.objects.filter(status=Review.Status.DRAFT).count() == 6
    assert audited("evaluation.review.draft_saved") == 6

    ada_p2 = Assignment.objects.get(member=ada, application=p2)
    response = act(
        ada_user, "post", url("review_conflict", ada_p2.pk), {"reason": "Ancienne collaboratrice."}
    )
    assert response.status_code == 302
    assert Conflict.objects.get(member=ada, application=p2).kind == Conflict.Kind.DECLARED
    ada_p2.refresh_from_db()
    assert ada_p2.status == Assignment.Status.DECLINED
    assert act(ada_user, "get", url("review", ada_p2.pk)).status_code == 404
    assert p2.acronym not in act(ada_user, "get", url("my_reviews")).content.decode()
    assert audited("evaluation.conflict.declared") == 1

    # Staff replaces the declined assignment and notifies the replacement.
    assert act(staff, "post", url("assignment_replace", campaign.pk, ada_p2.pk)).status_code == 302
    replacement = Assignment.objects.get(
        application=p2, role=ReviewerRole.EXTERNAL, status=Assignment.Status.PROPOSED
    )
    assert replacement.member == m_de2
    assert act(staff, "post", url("assignment_notify", campaign.pk)).status_code == 302
    replacement.refresh_from_db()
    assert replacement.status == Assignment.Status.NOTIFIED
    assert audited("evaluation.assignment.replaced") == 1

    # --- 6. every reviewer submits ---
    for user, member in reviewers.items():
        for assignment in Assignment.objects.filter(member=member, status=Assignment.Status.NOTIFIED):
            act(user, "get", url("review", assignment.pk))
            assignment.refresh_from_db()
            response = act(
                user,
                "post",
                url("review_submit", assignment.pk),
                review_form(assignment, criteria, confirm="on"),
            )
            assert response.status_code == 302, response.content.decode()[:3000]
    submitted = Review.objects.filter(assignment__campaign=campaign, status=Review.Status.SUBMITTED)
    assert submitted.count() == 6 and all(r.weighted_score is not None for r in submitted)
    assert audited("evaluation.review.submitted") == 6
    assert act(staff, "get", url("campaign_reviews", campaign.pk)).status_code == 200
    review = submitted.first()
    assert act(staff, "get", url("staff_review", review.pk)).status_code == 200
    assert audited("evaluation.review.viewed", actor=staff) >= 1

    # --- 7. the committee: rank by score, an amount, the funding proposal, a note ---
    assert act(staff, "post", url("campaign_transition", campaign.pk, "start_committee")).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMMITTEE
    assert ApplicationOutcome.objects.filter(campaign=campaign).count() == 3
    assert (
        act(staff, "post", url("committee_rank", campaign.pk), {"ties": "requested_amount"}).status_code
        == 302
    )
    assert sorted(ApplicationOutcome.objects.values_list("rank", flat=True)) == [1, 2, 3]
    assert audited("evaluation.committee.ranked_by_score") == 1
    third = ApplicationOutcome.objects.get(campaign=campaign, rank=3)
    response = act(
        staff,
        "post",
        url("committee_outcome", campaign.pk, third.application_id),
        {"committee_score": "", "proposed_amount": "5000", "version": third.version},
    )
    assert response.status_code in (200, 302)
    third.refresh_from_db()
    assert third.proposed_amount == Decimal("5000")
    assert (
        act(staff, "post", url("committee_funding", campaign.pk), {"waiting_list_size": 1}).status_code == 302
    )
    proposals = dict(ApplicationOutcome.objects.values_list("rank", "proposal"))
    # 45 000 €: the first two at 20 000 € and the third at 5 000 € all fit.
    assert proposals == {1: "fund", 2: "fund", 3: "fund"}, proposals
    assert audited("evaluation.committee.funding_proposed") == 1

    viewed_before = audited("evaluation.review.viewed", actor=dr1_user)
    assert act(dr1_user, "get", url("committee", campaign.pk)).status_code == 200
    assert act(dr1_user, "get", url("committee_application", campaign.pk, p1.pk)).status_code == 200
    assert audited("evaluation.review.viewed", actor=dr1_user) > viewed_before
    response = act(dr1_user, "post", url("committee_note", campaign.pk, p1.pk), {"text": "Budget cohérent."})
    assert response.status_code in (200, 302)
    assert DiscussionNote.objects.get(application=p1).author == dr1_user
    # Bertrand, in conflict with P3, cannot open it.
    assert act(dr2_user, "get", url("committee_application", campaign.pk, p3.pk)).status_code == 404

    # --- 8. the decision (a confirmation step), the letters, the publication ---
    campaign.refresh_from_db()
    form = {
        "body": "Conseil d'administration du GIP",
        "decided_on": timezone.localdate().isoformat(),
        "reference": "CA-2027-12",
        "notes": "",
        "version": campaign.version,
    }
    confirm = act(staff, "post", url("decision_record", campaign.pk), form)
    assert confirm.status_code == 200 and 'name="confirm" value="yes"' in confirm.content.decode()
    assert not Decision.objects.exists()
    assert (
        act(staff, "post", url("decision_record", campaign.pk), form | {"confirm": "yes"}).status_code == 302
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DECIDED
    assert Decision.objects.get(campaign=campaign).reference == "CA-2027-12"
    assert audited("evaluation.decision.recorded", actor=staff) == 1
    assert set(Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("status", flat=True)) == {
        Application.Status.AWARDED
    }

    preview = act(staff, "get", url("letter_preview", campaign.pk, p2.pk))
    assert preview.status_code == 200
    assert act(staff, "get", url("letters", campaign.pk)).status_code == 200
    before = len(mail.outbox)
    assert act(staff, "post", url("letters_send", campaign.pk)).status_code == 302
    letters = {m.to[0]: m for m in mail.outbox[before:]}
    assert set(letters) >= {a.applicant.email for a in apps}
    assert f"Avis aux porteurs sur {p2.acronym}" in letters[p2.applicant.email].body
    assert "Confidentiel" not in "".join(m.body for m in letters.values())
    assert "Ada" not in letters[p2.applicant.email].body and "Rapp" not in letters[p1.applicant.email].body
    # The English applicant's letter is in English, the others in French.
    assert ApplicationOutcome.objects.get(application=p2).letter_language == "en"
    assert letters[p1.applicant.email].subject != letters[p2.applicant.email].subject
    assert audited("evaluation.letters.sent") == 1
    assert ApplicationOutcome.objects.filter(letter_sent_at__isnull=True).count() == 0

    assert act(None, "get", url("public_committee", campaign.pk)).status_code == 404
    assert act(staff, "post", url("committee_publish", campaign.pk)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.committee_published_at is not None
    public = act(None, "get", url("public_committee", campaign.pk))
    assert public.status_code == 200
    html = public.content.decode()
    assert "Albane" in html and "Bertrand" in html  # the rapporteurs
    assert "Clothilde" not in html and "Lovelace" not in html  # external reviewers stay anonymous
    assert audited("evaluation.committee.published") == 1
