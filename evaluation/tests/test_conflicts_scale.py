"""Detection on a campaign of everyday size (200 applications × 300 pool members) runs in a few
seconds. The rows are written with ``bulk_create`` so the test spends its time in the service; the
time measured is this process's CPU time (SQLite runs in-process), so a busy machine does not make
the test flaky."""

import random
import time

import pytest
from django.utils import timezone

from calls.models import Application, ApplicationTeam
from directory.models import Affiliation, Institution, Person, Team, Unit, UnitParent
from evaluation.models import Conflict, PoolMember, ReviewerRole
from evaluation.services.conflicts import detect_conflicts
from evaluation.tests.factories import CampaignFactory
from outputs.models import Authorship, Publication

pytestmark = pytest.mark.django_db


def _people(prefix, n):
    return Person.objects.bulk_create(
        [
            Person(first_name=f"{prefix}{i}", last_name="Martin", email=f"{prefix}{i}@example.org")
            for i in range(n)
        ]
    )


def _build(campaign, n_applications=200, n_members=300, seed=7):
    rng = random.Random(seed)
    institutions = Institution.objects.bulk_create(
        [Institution(name=f"Établissement {i}") for i in range(20)]
    )
    units = Unit.objects.bulk_create([Unit(name=f"Unité {i}", code=f"U{i}") for i in range(40)])
    UnitParent.objects.bulk_create(
        [UnitParent(unit=u, institution=i) for u in units for i in rng.sample(institutions, 2)]
    )
    teams = Team.objects.bulk_create([Team(name=f"Équipe {i}", unit=rng.choice(units)) for i in range(120)])
    leads, contacts, reviewers = (
        _people("lead", n_applications),
        _people("contact", n_applications),
        _people("rev", n_members),
    )
    Affiliation.objects.bulk_create(
        [
            Affiliation(person=p, team=t, unit=t.unit, institution=rng.choice(institutions))
            for p in reviewers + leads + contacts
            for t in rng.sample(teams, rng.choice((1, 2)))
        ]
    )
    contacts[:5] = reviewers[:5]  # a few reviewers are partners of a project
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                call=campaign.call,
                lead_person=lead,
                title=f"Projet {i}",
                status=Application.Status.UNDER_REVIEW,
                submitted_at=now,
                receipt_number=f"SCALE-{i:05d}",
            )
            for i, lead in enumerate(leads)
        ]
    )
    ApplicationTeam.objects.bulk_create(
        [
            ApplicationTeam(
                application=a,
                role=role,
                team=team,
                institution=rng.choice(institutions),
                contact_person=person,
                order=order,
            )
            for a, lead, contact in zip(applications, leads, contacts, strict=True)
            for order, (role, team, person) in enumerate(
                (
                    (ApplicationTeam.Role.LEAD, rng.choice(teams), lead),
                    (ApplicationTeam.Role.PARTNER, rng.choice(teams), contact),
                )
            )
        ]
    )
    PoolMember.objects.bulk_create(
        [
            PoolMember(
                campaign=campaign,
                role=ReviewerRole.EXTERNAL if i % 2 else ReviewerRole.RAPPORTEUR,
                person=p,
                name=str(p),
                email=p.email,
                status=PoolMember.Status.ACCEPTED,
            )
            for i, p in enumerate(reviewers)
        ]
    )
    year = timezone.localdate().year
    papers = Publication.objects.bulk_create(
        [
            Publication(title=f"Paper {i}", title_key=f"paper {i}", year=year - rng.randint(0, 10))
            for i in range(1500)
        ]
    )
    everyone = reviewers + leads + contacts
    Authorship.objects.bulk_create(
        [
            Authorship(
                publication=paper, position=pos, name=str(person), person=person, match=Authorship.Match.ORCID
            )
            for paper in papers
            for pos, person in enumerate(rng.sample(everyone, 4), start=1)
        ]
    )


def test_two_hundred_applications_three_hundred_members_in_a_few_seconds():
    campaign = CampaignFactory()
    _build(campaign)

    started = time.process_time()
    report = detect_conflicts(campaign=campaign)
    first = time.process_time() - started
    started = time.process_time()
    again = detect_conflicts(campaign=campaign)
    second = time.process_time() - started

    assert report.created == Conflict.objects.filter(campaign=campaign).count() > 1000
    assert all(report.counts[kind] > 0 for kind in ("team", "unit", "institution", "coauthor", "partner"))
    assert again.created == again.removed == again.updated == 0
    assert first < 8 and second < 8, (first, second)
    print(f"\ndetection 200 × 300: {report.total} conflicts, first run {first:.2f} s, re-run {second:.2f} s")
