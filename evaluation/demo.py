"""Demo evaluation: two editions of a "Recherche translationnelle" call, one decided, one under review.

So that every demo account finds something real to do (``manage.py seed_demo``, after the calls):

- **last year's edition**, decided: reviews all handed in, the committee's ranking by score, the
  funding proposal within the envelope (a waiting list), the decision of the steering committee
  (COPIL), the letters sent and the committee's composition published;
- **this year's edition**, closed three weeks ago: 17 applications from teams of several
  institutions (one by ``chercheuse@``), 16 declared eligible by the secretariat; a pool of 8
  committee rapporteurs (``comite@`` among them) and 8 external experts (``expert@`` and two
  outside experts whose accounts use the demo password), one decline with a suggestion and one
  invitation unanswered; conflicts detected, the optimal assignment notified, reviews open until
  noon (Paris) in 12 days, about half of the reviews handed in, two drafts; ``expert@`` has
  pending and submitted reviews.

Everything goes through the evaluation services (and ``calls.services`` for the calls and the
eligibility decisions); applications are written directly, as ``calls.demo`` does, since their
deadline has passed. Dates of the decided edition are moved back afterwards so that its history
reads right. One random generator from the demo seed; one summary audit entry
(``evaluation.demo.seeded``, which lists the accounts created, for ``wipe_evaluation``).
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from random import Random
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts import demo as account_demo
from accounts.models import Role, RoleGrant, User
from calls.models import (
    Application,
    ApplicationTeam,
    Call,
    paris_datetime,
)
from core.errors import InvalidState
from core.models import AuditEntry
from core.services import record_audit
from directory.models import Affiliation, Person
from evaluation import demo_texts as texts
from evaluation.demo_calls import SENIOR, CallBuilder
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
from evaluation.permissions import campaign_applications
from evaluation.selectors.reviews import criteria_of
from evaluation.services import campaigns, committee, conflicts, decisions, pool, reviews
from evaluation.services.assignment import AssignmentNotPossible, run_assignment
from evaluation.services.assignment_edits import notify_assignments

OUTSIDE_EXPERTS = (
    # (name, e-mail, institution, language)
    ("Claire Vidal", "claire.vidal@experts-lyon.example", "Centre Léon Bérard, Lyon", "fr"),
    ("Pieter Janssens", "pieter.janssens@kuleuven.example", "KU Leuven (Belgique)", "en"),
)
DECLINER = ("Jean-Michel Arnaud", "jm.arnaud@experts-bordeaux.example", "Institut Bergonié, Bordeaux")
SUGGESTION = "Dr Sophie Lemaire, Institut Paoli-Calmettes (sophie.lemaire@experts-marseille.example)"
PENDING = ("Isabel Moreno", "isabel.moreno@experts-madrid.example", "CNIO, Madrid (Espagne)")


def _demo_user(spec_role: str) -> User | None:
    return User.objects.filter(email__iexact=account_demo.demo_account(spec_role).email).first()


@contextmanager
def _quiet_console_mail() -> Iterator[None]:
    """The demo's ~100 e-mails (invitations, notifications, letters) are not printed during the
    seeding when the console backend is on: they are kept in memory instead."""
    if not settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        yield
        return
    log = logging.getLogger("canceropole.core")
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield
    finally:
        log.setLevel(level)


class _Seeder(CallBuilder):
    def __init__(self, rng: Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        secretariat = _demo_user(Role.SECRETARIAT)
        if secretariat is None:
            raise InvalidState(
                "Le compte de démonstration du secrétariat manque : chargez d'abord l'annuaire."
            )
        self.staff = secretariat
        self.password = make_password(account_demo.DEMO_PASSWORD)
        self.created_accounts: list[int] = []
        self.used_people: set[int] = set()
        self.counts: dict[str, int] = defaultdict(int)

    # --- the pool ----------------------------------------------------------------------------

    def reviewers(
        self, count: int, applications: list[Application], exclude: set[int], taken: set[int]
    ) -> list[Person]:
        """Senior people sharing the applications' topics, one per institution (none from the
        institutions in ``taken``), outside the applications' teams and units; each rule is
        dropped in turn when a small directory has too few such people."""
        wanted = set()
        for application in applications:
            if application.lead_person_id:
                labels = list(application.lead_person.keywords.values_list("label", flat=True))
                wanted |= {t.name for t in texts.topics_of(labels)}
        teams = ApplicationTeam.objects.filter(application__in=applications).select_related("team")
        team_ids = {t.team_id for t in teams}
        unit_ids = {t.team.unit_id for t in teams if t.team}
        rows = [
            (row, {t.name for t in texts.topics_of([k.label for k in row.person.keywords.all()])})
            for row in Affiliation.objects.filter(
                end__isnull=True, team__isnull=False, person__career_stage__in=SENIOR
            )
            .exclude(person_id__in=self.used_people | exclude)
            .exclude(person__email="")
            .exclude(person__user__isnull=False)
            .select_related("person")
            .prefetch_related("person__keywords")
            .order_by("person_id")
        ]
        picked: list[Person] = []
        institutions = set(taken)
        rules = [
            lambda row, topics: bool(topics & wanted) and row.unit_id not in unit_ids,
            lambda row, topics: row.unit_id not in unit_ids,
            lambda row, topics: row.team_id not in team_ids,
        ]
        for strict in (True, False):
            for rule in rules:
                for row, topics in rows:
                    if len(picked) == count:
                        break
                    if row.person in picked or (strict and row.institution_id in institutions):
                        continue
                    if row.team_id not in team_ids and rule(row, topics):
                        picked.append(row.person)
                        institutions.add(row.institution_id)
                        wanted -= topics
                        if not wanted:  # every topic covered: start again for the next ones
                            wanted = {t.name for t in texts.TOPICS}
        self.used_people |= {p.pk for p in picked}
        return picked

    def account(self, email: str, first: str, last: str, language: str = "fr") -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            return user
        user = User.objects.create(
            email=email, first_name=first, last_name=last, password=self.password, language=language
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        for role in (Role.RESEARCHER, Role.REVIEWER):
            RoleGrant.objects.get_or_create(user=user, role=role)
        self.created_accounts.append(user.pk)
        return user

    def accept(self, member: PoolMember) -> PoolMember:
        user = member.user
        if user is None:
            first, _, last = member.name.partition(" ")
            user = self.account(member.email, first, last, member.language)
        assert member.invitation_token
        return pool.accept_invitation(token=member.invitation_token, user=user)

    def pool(
        self, campaign: Campaign, people: dict[str, list[Person]], loads: dict[int, tuple[int, int]]
    ) -> None:
        for role, persons in people.items():
            for person in persons:
                low, high = loads.get(person.pk, (None, None))
                member = pool.add_pool_member(
                    campaign=campaign, role=role, person=person, min_load=low, max_load=high, actor=self.staff
                )
                self.accept(member)

    # --- reviews -----------------------------------------------------------------------------

    def review(self, assignment: Assignment, quality: float, *, submit: bool) -> Review:
        criteria = criteria_of(assignment.campaign)
        review = reviews.get_or_start_review(assignment=assignment)
        scores = {
            str(c.pk): max(1, min(c.scale_max, round(quality * c.scale_max + self.rng.uniform(-0.9, 0.9))))
            for c in criteria
        }
        mark = reviews.weighted_score(scores, criteria) or Decimal(0)
        recommendation = "fund" if mark >= 15 else "fund_if_possible" if mark >= 11 else "do_not_fund"
        data: dict[str, Any] = {
            "scores": scores,
            "criterion_comments": {str(criteria[0].pk): self.rng.choice(texts.CRITERION_COMMENTS)},
            "recommendation": recommendation,
            "confidence": self.rng.choice([2, 3, 3, 4]),
            **texts.review_texts(self.rng, recommendation),
        }
        user = assignment.member.user
        if submit:
            self.counts["evaluation_reviews_submitted"] += 1
            return reviews.submit_review(
                review=review, data=data, expected_version=review.version, actor=user
            )
        draft = {"scores": dict(list(scores.items())[:2]), "confidence": data["confidence"]}
        return reviews.save_review_draft(
            review=review, data=draft, expected_version=review.version, actor=user
        )

    def assign(self, campaign: Campaign) -> list[Assignment]:
        """Detect conflicts, solve, open the reviews and notify. On a small directory, where the
        pool may not cover every application, first allow two reviewers of one institution on a
        dossier, then invite more people of each role (at most three times)."""
        for attempt in range(5):
            conflicts.detect_conflicts(campaign=campaign, actor=self.staff)
            try:
                run_assignment(campaign=campaign, actor=self.staff)
                break
            except AssignmentNotPossible as exc:
                if attempt == 4:
                    raise InvalidState(" ".join(r["message"] for r in exc.reasons)) from exc
            campaign.refresh_from_db()
            if campaign.one_per_institution:
                campaigns.update_campaign(
                    campaign=campaign,
                    data={"one_per_institution": False},
                    expected_version=campaign.version,
                    actor=self.staff,
                )
                continue
            applications = list(campaign_applications(campaign))
            extra = {role: self.reviewers(2, applications, set(), set()) for role in campaign.roles}
            self.pool(campaign, extra, {})
        campaigns.open_reviews(campaign=campaign, actor=self.staff)
        notify_assignments(campaign=campaign, actor=self.staff)
        notified = list(
            Assignment.objects.filter(campaign=campaign, status=Assignment.Status.NOTIFIED)
            .select_related("member__user", "campaign__call")
            .order_by("application_id", "role", "member_id")
        )
        self.counts["evaluation_assignments"] += len(notified)
        self.counts["evaluation_pool"] += campaign.pool.count()
        self.counts["evaluation_campaigns"] += 1
        return notified

    def qualities(self, applications: list[Application]) -> dict[int, float]:
        return {a.pk: self.rng.uniform(0.35, 0.95) for a in applications}

    # --- the two campaigns -------------------------------------------------------------------

    def decided(
        self, call: Call, applications: list[Application], rapporteurs: list[Person], externals: list[Person]
    ) -> Campaign:
        """Last year's edition: reviewed, ranked, funded within the envelope, decided, letters sent."""
        campaign = campaigns.create_campaign(
            call=call,
            stage="full",
            data={
                "rapporteurs_per_application": 2,
                "externals_per_application": 1,
                "review_deadline": self.now + dt.timedelta(days=1),
                "publish_committee": True,
            },
            actor=self.staff,
        )
        self.pool(campaign, {ReviewerRole.RAPPORTEUR: rapporteurs, ReviewerRole.EXTERNAL: externals}, {})
        quality = self.qualities(applications)
        for assignment in self.assign(campaign):
            self.review(assignment, quality[assignment.application_id], submit=True)
        campaigns.start_committee(campaign=campaign, actor=self.staff)
        ranked = sorted(applications[:-1], key=lambda a: -quality[a.pk])
        comite = _demo_user(Role.COMMITTEE_MEMBER)
        for application, text in zip(ranked[2:5], NOTES, strict=False):
            author = comite if comite and not conflicts_with(comite, application) else self.staff
            committee.add_discussion_note(campaign=campaign, application=application, text=text, actor=author)
        outcome = committee.outcome_for(campaign=campaign, application=ranked[1])
        committee.set_outcome(
            outcome=outcome,
            committee_score=None,
            proposed_amount=(outcome.requested_amount or Decimal(30000)) - Decimal(5000),
            expected_version=outcome.version,
            actor=self.staff,
        )
        committee.rank_by_score(campaign=campaign, actor=self.staff)
        committee.propose_funding(campaign=campaign, actor=self.staff, waiting_list_size=2)
        decided_on = call.closes_at.date() + dt.timedelta(days=70)
        decisions.record_decision(
            campaign=campaign,
            body="Comité de pilotage (COPIL)",
            decided_on=decided_on,
            reference=f"COPIL {decided_on:%Y}-02, délibération n° 3",
            notes="Proposition du comité scientifique adoptée à l'unanimité.",
            actor=self.staff,
        )
        self.counts["evaluation_letters"] += decisions.send_decision_letters(
            campaign=campaign, actor=self.staff
        )
        decisions.publish_committee(campaign=campaign, actor=self.staff)
        self.backdate(campaign, call.closes_at, decided_on)
        return campaign

    def backdate(self, campaign: Campaign, closes: dt.datetime, decided_on: dt.date) -> None:
        """Move the decided edition's dates back to where they belong (services stamp "now")."""
        day = dt.timedelta(days=1)
        Campaign.objects.filter(pk=campaign.pk).update(
            created_at=closes + 2 * day,
            review_deadline=paris_datetime(closes.date() + 45 * day),
            committee_published_at=paris_datetime(decided_on + 10 * day),
        )
        PoolMember.objects.filter(campaign=campaign).update(
            invited_at=closes + 4 * day, responded_at=closes + 6 * day
        )
        Assignment.objects.filter(campaign=campaign).update(notified_at=closes + 12 * day)
        for review in Review.objects.filter(assignment__campaign=campaign).order_by("pk"):
            moment = closes + dt.timedelta(days=self.rng.randint(20, 43), hours=self.rng.randint(0, 10))
            Review.objects.filter(pk=review.pk).update(submitted_at=moment)
        DiscussionNote.objects.filter(campaign=campaign).update(
            created_at=paris_datetime(decided_on - 6 * day)
        )
        ApplicationOutcome.objects.filter(campaign=campaign).update(
            letter_sent_at=paris_datetime(decided_on + 3 * day)
        )

    def in_progress(
        self, call: Call, applications: list[Application], rapporteurs: list[Person], externals: list[Person]
    ) -> Campaign:
        """This year's edition: reviews open, about half handed in."""
        deadline = paris_datetime(self.today + dt.timedelta(days=12))
        campaign = campaigns.create_campaign(
            call=call,
            stage="full",
            data={
                "rapporteurs_per_application": 2,
                "externals_per_application": 1,
                "default_min_load": 1,
                "default_max_load": 3,
                "review_deadline": deadline,
                "publish_committee": True,
            },
            actor=self.staff,
        )
        expert, comite = externals[0], rapporteurs[0]
        loads = {p.pk: (3, 5) for p in rapporteurs} | {comite.pk: (3, 4), expert.pk: (3, 4)}
        self.pool(campaign, {ReviewerRole.RAPPORTEUR: rapporteurs, ReviewerRole.EXTERNAL: externals}, loads)
        for name, email, institution, language in OUTSIDE_EXPERTS:
            member = pool.add_pool_member(
                campaign=campaign,
                role=ReviewerRole.EXTERNAL,
                name=name,
                email=email,
                institution_name=institution,
                language=language,
                actor=self.staff,
            )
            self.accept(member)
        for name, email, institution in (DECLINER, PENDING):
            member = pool.add_pool_member(
                campaign=campaign,
                role=ReviewerRole.EXTERNAL,
                name=name,
                email=email,
                institution_name=institution,
                actor=self.staff,
            )
            if email == DECLINER[1]:
                assert member.invitation_token
                pool.decline_invitation(
                    token=member.invitation_token,
                    reason="Trop de sollicitations ce trimestre.",
                    suggestion=SUGGESTION,
                )
        quality = self.qualities(applications)
        firsts: list[int] = []
        for assignment in self.assign(campaign):
            member = assignment.member
            if member.person_id in (
                expert.pk,
                comite.pk,
            ):  # one handed in, one draft (expert), the rest to do
                done = sum(1 for pk in firsts if pk == member.pk)
                submit, draft = done == 0, done == 1 and member.person_id == expert.pk
                firsts.append(member.pk)
            else:
                roll = self.rng.random()
                submit, draft = roll < 0.5, 0.5 <= roll < 0.6
            if submit or draft:
                self.review(assignment, quality[assignment.application_id], submit=submit)
        day = dt.timedelta(days=1)
        Campaign.objects.filter(pk=campaign.pk).update(created_at=self.now - 21 * day)
        PoolMember.objects.filter(campaign=campaign).update(invited_at=self.now - 20 * day)
        PoolMember.objects.filter(campaign=campaign).exclude(status=PoolMember.Status.INVITED).update(
            responded_at=self.now - 18 * day
        )
        Assignment.objects.filter(campaign=campaign).update(notified_at=self.now - 9 * day)
        for review in Review.objects.filter(
            assignment__campaign=campaign, status=Review.Status.SUBMITTED
        ).order_by("pk"):
            moment = self.now - dt.timedelta(days=self.rng.randint(1, 7), hours=self.rng.randint(0, 12))
            Review.objects.filter(pk=review.pk).update(submitted_at=moment)
        return campaign


NOTES = (
    "Le comité souligne l'originalité du projet mais demande un calendrier resserré.",
    "Désaccord entre les rapporteurs sur la faisabilité : l'expert extérieur est plus réservé.",
    "Projet solide ; le budget de prestations pourrait être réduit.",
)


def conflicts_with(user: User, application: Application) -> bool:
    return Conflict.objects.filter(member__user=user, application=application, overridden=False).exists()


def _person_of(role: str) -> Person:
    user = _demo_user(role)
    person = Person.objects.filter(user=user).first() if user else None
    if person is None:
        raise InvalidState(f"La fiche d'annuaire du compte de démonstration « {role} » manque.")
    return person


def _institution_id(person: Person) -> int | None:
    institution = pool.current_institution(person)
    return institution.pk if institution else None


def evaluation_is_empty() -> bool:
    return not Campaign.objects.exists()


@transaction.atomic
def _seed(rng: Random, today: dt.date) -> dict[str, int]:
    seeder = _Seeder(rng, today)
    chercheuse = _person_of(Role.RESEARCHER)
    expert, comite = _person_of(Role.REVIEWER), _person_of(Role.COMMITTEE_MEMBER)
    closes = today - dt.timedelta(days=24)
    past_call = seeder.call(closes - dt.timedelta(days=425), closes - dt.timedelta(days=370), envelope=160000)
    call = seeder.call(closes - dt.timedelta(days=60), closes, envelope=240000)
    demo_people = {expert.pk, comite.pk}
    past_apps = seeder.applications(past_call, seeder.applicants(12, demo_people, chercheuse), 16)
    apps = seeder.applications(call, seeder.applicants(17, demo_people, chercheuse), 0)
    eligible = apps[:-1]
    taken = {i for p in (expert, comite) if (i := _institution_id(p))}
    rapporteurs = [comite, *seeder.reviewers(7, eligible + past_apps, demo_people, taken)]
    externals = [expert, *seeder.reviewers(5, eligible + past_apps, demo_people, taken)]
    seeder.decided(past_call, past_apps, rapporteurs[:6], externals[:4])
    seeder.in_progress(call, eligible, rapporteurs, externals)
    counts = dict(seeder.counts) | {"evaluation_accounts": len(seeder.created_accounts)}
    record_audit(action="evaluation.demo.seeded", data={**counts, "accounts": seeder.created_accounts})
    return counts


def seed_evaluation(*, rng: Random, today: dt.date | None = None) -> dict[str, int]:
    """Load the demo evaluation (after the directory and the calls). Refuses to run when a
    campaign exists; does nothing when the demo accounts are missing."""
    if not evaluation_is_empty():
        raise InvalidState(
            "Des campagnes d'évaluation existent déjà : le jeu de démonstration n'est chargé que dans une base vide."
        )
    if _demo_user(Role.SECRETARIAT) is None:
        return {}
    with _quiet_console_mail():
        try:
            return _seed(rng, today or timezone.localdate())
        except InvalidState:
            # A very small directory (e.g. --scale 0.05) cannot staff the two demo campaigns
            # without conflicts of interest: nothing was written (the seeding is one savepoint).
            return {"evaluation_skipped_directory_too_small": 1}


@transaction.atomic
def wipe_evaluation() -> None:
    """Delete every campaign with its rows (PROTECT links first), then the accounts the demo
    created for its reviewers. Runs before the calls' wipe."""
    ApplicationOutcome.objects.all().delete()
    Decision.objects.all().delete()
    Review.objects.all().delete()
    Assignment.objects.all().delete()
    DiscussionNote.objects.all().delete()
    Conflict.objects.all().delete()
    PairConstraint.objects.all().delete()
    PoolMember.objects.all().delete()
    Campaign.objects.all().delete()
    accounts: set[int] = set()
    for data in AuditEntry.objects.filter(action="evaluation.demo.seeded").values_list("data", flat=True):
        accounts |= set((data or {}).get("accounts", []))
    User.objects.filter(pk__in=accounts).exclude(email__iendswith=f"@{account_demo.DEMO_DOMAIN}").delete()
