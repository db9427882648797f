"""The hub's "next step": one case per situation of a campaign (pure function of the campaign
and its figures)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Campaign, ReviewerRole
from evaluation.selectors.campaigns import Progress, RoleFigures
from evaluation.selectors.campaigns_steps import next_step, open_reviews_blockers

SETUP, REVIEWING, COMMITTEE, DECIDED = Campaign.Status.values
SOON = timezone.now() + dt.timedelta(days=10)


def figures(**kwargs):  # type: ignore[no-untyped-def]
    capacity = kwargs.pop("capacity", 10)
    progress = Progress(**{"applications": 5, "criteria": 2, **kwargs})
    progress.roles = [
        RoleFigures(
            ReviewerRole.RAPPORTEUR, "Rapporteur", 1, accepted=3, capacity=capacity, needed=5, invited=1
        )
    ]
    progress.needed = 5
    return progress


CASES = [
    # status, deadline, figures, expected title, expected page
    (SETUP, SOON, {"criteria": 0}, "Définissez les critères d'évaluation", "calls:setup_call_tab"),
    (SETUP, SOON, {"capacity": 2}, "Complétez le vivier", "evaluation:pool"),
    (SETUP, SOON, {}, "Lancez l'affectation", "evaluation:assignment"),
    (SETUP, SOON, {"proposed": 2, "notified": 3}, "Notifiez les affectations", "evaluation:assignment"),
    (SETUP, SOON, {"notified": 3}, "Complétez l'affectation", "evaluation:assignment"),
    (SETUP, None, {"notified": 5}, "Fixez la date limite des évaluations", "evaluation:campaign_edit"),
    (SETUP, SOON, {"notified": 5}, "Ouvrez les évaluations", "evaluation:campaign_transition"),
    (
        REVIEWING,
        SOON,
        {"notified": 5, "submitted": 2},
        "Suivez les évaluations",
        "evaluation:campaign_reviews",
    ),
    (
        REVIEWING,
        SOON,
        {"notified": 5, "submitted": 5},
        "Passez à la délibération du comité",
        "evaluation:campaign_transition",
    ),
    (COMMITTEE, SOON, {"outcomes": 5, "ranked": 2}, "Classez les dossiers", "evaluation:committee"),
    (COMMITTEE, SOON, {"outcomes": 5, "ranked": 5}, "Faites valider les décisions", "evaluation:decisions"),
    (
        DECIDED,
        SOON,
        {"outcomes": 5, "letters_sent": 1},
        "Envoyez les courriers aux candidat·es",
        "evaluation:letters",
    ),
    (DECIDED, SOON, {"outcomes": 5, "letters_sent": 5}, "Campagne terminée", None),
]


@pytest.mark.parametrize(("status", "deadline", "values", "title", "page"), CASES)
def test_next_step(status, deadline, values, title, page):  # type: ignore[no-untyped-def]
    campaign = Campaign(pk=7, call_id=3, status=status, review_deadline=deadline)
    step = next_step(campaign, figures(**values))
    assert step.title == title
    if page is None:
        assert step.url is None and step.done
    elif page == "calls:setup_call_tab":
        assert step.url == reverse(page, kwargs={"pk": 3, "tab": "criteria"})
    elif page == "evaluation:campaign_transition":
        action = "open_reviews" if status == SETUP else "start_committee"
        assert step.url == reverse(page, kwargs={"pk": 7, "action": action})
    else:
        assert step.url == reverse(page, kwargs={"pk": 7})


def test_blockers_of_opening_the_reviews():  # type: ignore[no-untyped-def]
    campaign = Campaign(pk=7, call_id=3, status=SETUP, review_deadline=None)
    reasons = open_reviews_blockers(campaign, figures(criteria=0, applications=0))
    assert len(reasons) == 3
    campaign.review_deadline = timezone.now() - dt.timedelta(minutes=1)
    assert any("passée" in r for r in open_reviews_blockers(campaign, figures()))
    campaign.review_deadline = SOON
    assert open_reviews_blockers(campaign, figures()) == []
