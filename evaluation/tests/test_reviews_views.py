"""The reviewers' pages through the web client: who sees an assignment (its reviewer only), the
autosave through HTMX, submission, other reviews, declaring a conflict, the files, "Mes
évaluations" in a fixed number of queries, and the secretariat's follow-up."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from calls import uploads
from calls.models import Attachment, EvaluationCriterion
from core.models import AuditEntry
from evaluation.models import Assignment, Conflict, Review
from evaluation.tests.factories import (
    AssignmentFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def assignment():  # type: ignore[no-untyped-def]
    member = PoolMemberFactory()
    application = EvaluatedApplicationFactory(
        call=member.campaign.call, acronym="ONCOMAP", title="Cartographie des tumeurs"
    )
    assignment = AssignmentFactory(member=member, application=application)
    for i, (weight, scale) in enumerate([(Decimal(2), 5), (Decimal(1), 3)]):
        EvaluationCriterion.objects.create(
            call=assignment.campaign.call, label_fr=f"Critère n°{i}", weight=weight, scale_max=scale, order=i
        )
    return assignment


def criteria(assignment):  # type: ignore[no-untyped-def]
    return list(EvaluationCriterion.objects.filter(call=assignment.campaign.call).order_by("order"))


def form_data(assignment, version=1, **overrides):  # type: ignore[no-untyped-def]
    crits = criteria(assignment)
    data = {
        "version": str(version),
        f"score_{crits[0].pk}": "4",
        f"score_{crits[1].pk}": "3",
        f"comment_{crits[0].pk}": "Hypothèse claire.",
        "comment_to_applicants": "Projet ambitieux et bien construit.",
        "comment_to_committee": "Équipe solide.",
        "recommendation": "fund",
        "confidence": "3",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def attach(assignment):  # type: ignore[no-untyped-def]
    name = uploads.private_storage().save("calls/applications/projet.pdf", ContentFile(b"%PDF-1.4 projet"))
    return Attachment.objects.create(
        application=assignment.application,
        file=name,
        original_name="projet-detaille.pdf",
        size=15,
        content_type="application/pdf",
        sha256="0" * 64,
    )


def test_the_reviewer_sees_the_application_and_the_form(client, assignment):
    client.force_login(assignment.member.user)
    response = client.get(reverse("evaluation:review", args=[assignment.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "ONCOMAP" in body and "Cartographie des tumeurs" in body
    assert "Critère n°0" in body and "Note de 0 à 5" in body
    assert "transmis aux candidat·es" in body  # the anonymity notice
    assert 'hx-trigger="change delay:1s"' in body
    assert Review.objects.filter(assignment=assignment, status=Review.Status.DRAFT).exists()


@pytest.mark.parametrize("who", ["other_reviewer", "applicant", "conflicted", "researcher", "declined"])
def test_nobody_else_reaches_the_review_or_its_files(client, assignment, researcher, who):  # type: ignore[no-untyped-def]
    attachment = attach(assignment)
    user = assignment.member.user
    if who == "other_reviewer":
        user = AssignmentFactory(member__campaign=assignment.campaign).member.user
    elif who == "applicant":
        user = assignment.application.applicant
    elif who == "conflicted":
        ConflictFactory(member=assignment.member, application=assignment.application, kind=Conflict.Kind.TEAM)
    elif who == "researcher":
        user = researcher
    elif who == "declined":
        Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.DECLINED)
    client.force_login(user)
    assert client.get(reverse("evaluation:review", args=[assignment.pk])).status_code == 404
    url = reverse("evaluation:review_attachment", args=[assignment.pk, attachment.pk])
    assert client.get(url).status_code == 404
    submit = client.post(
        reverse("evaluation:review_submit", args=[assignment.pk]), form_data(assignment, confirm="on")
    )
    assert submit.status_code == 404
    assert not Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists()
    assert not AuditEntry.objects.filter(action="evaluation.attachment.downloaded").exists()


def test_the_reviewer_downloads_a_file_and_it_is_audited(client, assignment):
    attachment = attach(assignment)
    other = AssignmentFactory(
        member=assignment.member
    )  # a file of another application is not reachable this way
    client.force_login(assignment.member.user)
    response = client.get(reverse("evaluation:review_attachment", args=[assignment.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 projet"
    entry = AuditEntry.objects.get(action="evaluation.attachment.downloaded")
    assert entry.actor == assignment.member.user and entry.data["attachment"] == attachment.pk
    assert (
        client.get(reverse("evaluation:review_attachment", args=[other.pk, attachment.pk])).status_code == 404
    )


def test_autosave_through_htmx(client, assignment):
    client.force_login(assignment.member.user)
    url = reverse("evaluation:review", args=[assignment.pk])
    client.get(url)
    response = client.post(url, form_data(assignment, recommendation=None, confidence=None), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Brouillon enregistré à" in body
    assert 'id="review-version" value="2" hx-swap-oob="true"' in body
    review = Review.objects.get(assignment=assignment)
    assert review.version == 2 and review.status == Review.Status.DRAFT
    assert review.comment_to_applicants == "Projet ambitieux et bien construit."
    assert review.scores == {str(c.pk): s for c, s in zip(criteria(assignment), [4, 3], strict=True)}


def test_autosave_of_a_stale_version_keeps_the_saved_text_and_says_so(client, assignment):
    client.force_login(assignment.member.user)
    url = reverse("evaluation:review", args=[assignment.pk])
    client.get(url)
    client.post(url, form_data(assignment, comment_to_committee="Depuis le téléphone"), **HTMX)
    response = client.post(url, form_data(assignment, comment_to_committee="Depuis l'ordinateur"), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "autre fenêtre" in body and "Remplacer par ma saisie" in body
    assert 'name="force_version" value="2"' in body
    assert Review.objects.get(assignment=assignment).comment_to_committee == "Depuis le téléphone"
    # choosing "replace with what I typed" saves it on purpose
    forced = client.post(
        url, form_data(assignment, comment_to_committee="Depuis l'ordinateur", force_version="2")
    )
    assert forced.status_code == 302
    assert Review.objects.get(assignment=assignment).comment_to_committee == "Depuis l'ordinateur"


def test_draft_button_without_javascript(client, assignment):
    client.force_login(assignment.member.user)
    url = reverse("evaluation:review", args=[assignment.pk])
    client.get(url)
    response = client.post(url, form_data(assignment, action="save"), follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "Brouillon enregistré." in response.content.decode()


def test_submission_through_the_page(client, assignment):
    client.force_login(assignment.member.user)
    url = reverse("evaluation:review", args=[assignment.pk])
    client.get(url)
    response = client.post(
        reverse("evaluation:review_submit", args=[assignment.pk]), form_data(assignment, confirm="on")
    )
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.SUBMITTED
    # (2 × 4/5 + 1 × 3/3) / 3 × 20 = 17.333
    assert review.weighted_score == Decimal("17.333")
    page = client.get(url).content.decode()
    assert "seul le secrétariat peut la rouvrir" in page
    assert 'id="review-form"' not in page
    again = client.post(
        url, form_data(assignment, version=review.version, comment_to_applicants="Changement")
    )
    assert again.status_code == 400
    assert Review.objects.get(pk=review.pk).comment_to_applicants == "Projet ambitieux et bien construit."


def test_incomplete_submission_shows_every_missing_piece_and_keeps_the_text(client, assignment):
    client.force_login(assignment.member.user)
    client.get(reverse("evaluation:review", args=[assignment.pk]))
    crits = criteria(assignment)
    response = client.post(
        reverse("evaluation:review_submit", args=[assignment.pk]),
        form_data(assignment, confirm="on", **{f"score_{crits[1].pk}": None, "recommendation": None}),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Notez le critère « Critère n°1 »." in body
    assert "Choisissez une recommandation." in body
    assert "Projet ambitieux et bien construit." in body
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.DRAFT
    assert review.comment_to_applicants == "Projet ambitieux et bien construit."  # saved as a draft
    assert f'name="version" value="{review.version}"' in body


def test_submission_needs_the_confirmation(client, assignment):
    client.force_login(assignment.member.user)
    response = client.post(reverse("evaluation:review_submit", args=[assignment.pk]), form_data(assignment))
    assert response.status_code == 400
    assert "Cochez cette case" in response.content.decode()
    assert Review.objects.get(assignment=assignment).status == Review.Status.DRAFT


def _colleague_review(assignment):  # type: ignore[no-untyped-def]
    colleague = AssignmentFactory(
        member=PoolMemberFactory(campaign=assignment.campaign, name="Dr Marqueur Secret"),
        application=assignment.application,
    )
    return ReviewFactory(
        assignment=colleague,
        status=Review.Status.SUBMITTED,
        comment_to_applicants="Avis du collègue aux candidats",
        comment_to_committee="Avis confidentiel du collègue",
        scores={},
    )


@pytest.mark.parametrize(
    ("setting", "own_submitted", "shown"), [(False, True, False), (True, False, False), (True, True, True)]
)
def test_other_reviews_only_with_the_setting_and_after_submitting(
    client, assignment, setting, own_submitted, shown
):  # type: ignore[no-untyped-def]
    assignment.campaign.reviewers_see_other_reviews = setting
    assignment.campaign.save()
    other = _colleague_review(assignment)
    ReviewFactory(
        assignment=assignment, status=Review.Status.SUBMITTED if own_submitted else Review.Status.DRAFT
    )
    client.force_login(assignment.member.user)
    body = client.get(reverse("evaluation:review", args=[assignment.pk])).content.decode()
    assert ("Avis confidentiel du collègue" in body) is shown
    assert "Dr Marqueur Secret" not in body
    viewed = AuditEntry.objects.filter(action="evaluation.review.viewed", target_id=str(other.pk))
    assert viewed.exists() is shown
    if shown:
        assert "Évaluateur·rice 2" in body
        assert viewed.get().data["context"] == "other_reviews"


def test_declaring_a_conflict_withdraws_the_application(client, assignment):
    client.force_login(assignment.member.user)
    url = reverse("evaluation:review_conflict", args=[assignment.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    response = client.post(url, {"reason": "Je collabore avec l'équipe coordinatrice."})
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:my_reviews")
    conflict = Conflict.objects.get(member=assignment.member, application=assignment.application)
    assert conflict.kind == Conflict.Kind.DECLARED and conflict.is_active
    assert client.get(reverse("evaluation:review", args=[assignment.pk])).status_code == 404
    assert "ONCOMAP" not in client.get(reverse("evaluation:my_reviews")).content.decode()


def test_my_reviews_lists_assignments_and_invitations(client, assignment):
    assignment.campaign.review_deadline = timezone.now() + dt.timedelta(days=3, hours=2)
    assignment.campaign.save()
    PoolMemberFactory(
        user=assignment.member.user, person=None, status="invited", invitation_token="tok-123", name="X"
    )
    client.force_login(assignment.member.user)
    body = client.get(reverse("evaluation:my_reviews")).content.decode()
    assert "ONCOMAP" in body and "À faire" in body
    assert "il reste 3" in body
    assert "Invitations en attente de réponse" in body
    assert reverse("evaluation:review", args=[assignment.pk]) in body


def test_my_reviews_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    member = PoolMemberFactory()
    AssignmentFactory(member=member)
    client.force_login(member.user)
    with django_assert_max_num_queries(12) as first:
        assert client.get(reverse("evaluation:my_reviews")).status_code == 200
    for _ in range(6):
        ReviewFactory(assignment=AssignmentFactory(member=member))
    other_campaign_member = PoolMemberFactory(user=member.user, person=None, name="Même personne")
    AssignmentFactory(member=other_campaign_member)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("evaluation:my_reviews"))
    assert response.content.decode().count('class="assignment"') == 8


# --- the secretariat -------------------------------------------------------------------------


def test_progress_flags_late_reviews(client, staff, settings, assignment, django_assert_max_num_queries):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    assignment.campaign.review_deadline = timezone.now() - dt.timedelta(hours=1)
    assignment.campaign.save()
    done = AssignmentFactory(member__campaign=assignment.campaign, application=assignment.application)
    ReviewFactory(assignment=done, status=Review.Status.SUBMITTED)
    client.force_login(staff)
    url = reverse("evaluation:campaign_reviews", args=[assignment.campaign.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "ONCOMAP" in body and "en retard" in body
    assert "1 / 2" in body  # one review submitted out of two assigned
    for _ in range(4):
        AssignmentFactory(member__campaign=assignment.campaign)
    with django_assert_max_num_queries(len(_queries(client, url))):
        client.get(url)


def _queries(client, url):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return ctx.captured_queries


def test_staff_reads_a_review_audited_and_reopens_it(
    client, staff, settings, assignment, django_capture_on_commit_callbacks
):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    review = ReviewFactory(
        assignment=assignment, status=Review.Status.SUBMITTED, comment_to_committee="Confidentiel X"
    )
    client.force_login(staff)
    page = client.get(reverse("evaluation:staff_review", args=[review.pk]))
    assert page.status_code == 200 and "Confidentiel X" in page.content.decode()
    assert AuditEntry.objects.filter(
        action="evaluation.review.viewed", actor=staff, data__context="staff"
    ).exists()
    url = reverse("evaluation:review_reopen", args=[review.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Merci de commenter le critère 2."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.REOPENED
    assert len(mail.outbox) == 1 and "commenter le critère 2" in mail.outbox[0].body
    # the reviewer may edit again
    client.force_login(assignment.member.user)
    body = client.get(reverse("evaluation:review", args=[assignment.pk])).content.decode()
    assert 'id="review-form"' in body and "Merci de commenter le critère 2." in body


def test_a_reviewer_cannot_reopen(client, assignment):
    review = ReviewFactory(assignment=assignment, status=Review.Status.SUBMITTED)
    client.force_login(assignment.member.user)
    assert (
        client.post(reverse("evaluation:review_reopen", args=[review.pk]), {"reason": "x"}).status_code == 403
    )
    assert Review.objects.get(pk=review.pk).status == Review.Status.SUBMITTED


def test_submitting_while_this_page_autosave_lands_first_is_no_conflict(client, assignment):
    """The reviewer clicks "Rendre" while the page's own autosave is in flight: the autosave
    bumps the version first; the submission from the same page is not refused as stale. The
    same old version from another page (another tab) still is."""
    client.force_login(assignment.member.user)
    url = reverse("evaluation:review", args=[assignment.pk])
    page = client.get(url).context["form"].initial["page"]
    assert client.post(url, form_data(assignment, version=1, page=page), **HTMX).status_code == 200
    review = Review.objects.get(assignment=assignment)
    assert review.version == 2

    other_tab = client.post(
        reverse("evaluation:review_submit", args=[assignment.pk]),
        form_data(assignment, version=1, page="another-tab", confirm="on"),
    )
    assert other_tab.status_code == 409
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT

    same_page = client.post(
        reverse("evaluation:review_submit", args=[assignment.pk]),
        form_data(assignment, version=1, page=page, confirm="on"),
    )
    assert same_page.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.SUBMITTED
