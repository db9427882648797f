"""The reviewers' pages ("Mes évaluations", the review of one application with its draft autosave,
submission, the declaration of a conflict, the application's files) and the secretariat's
follow-up of reviews (progress, one review, reopening).

A reviewer reaches an assignment only through ``get_assignment_for_reviewer`` (404 for anyone
else, a conflicted person, a declined assignment). Every change goes through
``evaluation.services``; a ``DomainError`` comes back next to the field it concerns and nothing
typed is dropped. HTMX requests (the autosave) get the status line only.
"""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calls import uploads
from core.errors import DomainError, InvalidInput, StaleVersion
from core.permissions import require_login, require_perm
from evaluation.forms.reviews import ConflictForm, ReopenForm, ReviewForm
from evaluation.models import Assignment, Campaign, Review
from evaluation.permissions import get_assignment_for_reviewer, may_see_other_reviews
from evaluation.selectors import reviews as selectors
from evaluation.services import reviews as services


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _review_url(assignment: Assignment) -> str:
    return reverse("evaluation:review", args=[assignment.pk])


# --- "Mes évaluations" -----------------------------------------------------------------------


@require_login
def my_reviews(request: HttpRequest) -> HttpResponse:
    dashboard = selectors.reviewer_dashboard(request.user)
    return render(request, "evaluation/my_reviews.html", {"dashboard": dashboard, "now": timezone.now()})


# --- one review ------------------------------------------------------------------------------


def _context(request: HttpRequest, assignment: Assignment, review: Review, **extra: Any) -> dict[str, Any]:
    criteria = selectors.criteria_of(assignment.campaign)
    form = extra.pop("form", None) or ReviewForm(
        initial=ReviewForm.initial_for(review, criteria), criteria=criteria
    )
    others: list[selectors.OtherReview] = []
    if may_see_other_reviews(request.user, assignment):
        others = selectors.other_reviews(assignment, criteria)
        for other in others:
            services.record_review_access(review=other.review, actor=request.user, context="other_reviews")
    editable = review.is_editable and (
        assignment.campaign.status == Campaign.Status.REVIEWING
        or (
            assignment.campaign.status == Campaign.Status.COMMITTEE
            and review.status == Review.Status.REOPENED
        )
    )
    return {
        "assignment": assignment,
        "campaign": assignment.campaign,
        "call": assignment.campaign.call,
        "review": review,
        "editable": editable,
        "form": form,
        "rows": selectors.criterion_rows(review, criteria),
        "folder": selectors.application_for_review(assignment),
        "others": others,
        "now": timezone.now(),
        **extra,
    }


def _render(
    request: HttpRequest, assignment: Assignment, review: Review, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request, "evaluation/review.html", _context(request, assignment, review, **extra), status=status
    )


def _status(request: HttpRequest, review: Review, **context: Any) -> HttpResponse:
    return render(request, "evaluation/review_status.html", {"review": review, **context})


@require_login
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """GET: the application and the review form (read-only once submitted). POST: save the draft,
    from the button or from the autosave (HTMX: answers the status line and the new version)."""
    assignment = get_assignment_for_reviewer(request.user, assignment_pk)
    current = services.get_or_start_review(assignment=assignment)
    if request.method == "GET":
        return _render(request, assignment, current)
    criteria = selectors.criteria_of(assignment.campaign)
    form = ReviewForm(request.POST, criteria=criteria)
    if not form.is_valid():
        if _htmx(request):
            return _status(
                request, current, error=_("Valeur invalide dans le formulaire : vérifiez vos notes.")
            )
        return _render(request, assignment, current, status=400, form=form)
    expected = form.cleaned_data["version"]
    if request.POST.get("force_version", "").isdigit():  # "replace with what I typed" after a conflict
        expected = int(request.POST["force_version"])
    try:
        try:
            current = services.save_review_draft(
                review=current, data=form.review_data(), expected_version=expected, actor=request.user
            )
        except StaleVersion:
            fresh = Review.objects.get(pk=current.pk)
            if not _stale_from_this_page(request, fresh, form):
                raise
            current = services.save_review_draft(
                review=fresh, data=form.review_data(), expected_version=fresh.version, actor=request.user
            )
        _remember_page(request, current, form)
    except StaleVersion as exc:
        fresh = Review.objects.get(pk=current.pk)
        if _htmx(request):
            return _status(request, fresh, stale=exc.message)
        return _render(request, assignment, fresh, status=409, form=form, stale=exc.message)
    except DomainError as exc:
        if _htmx(request):
            return _status(request, current, error=exc.message)
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            messages.error(request, exc.message)
        return _render(request, assignment, current, status=400, form=form)
    if _htmx(request):
        return _status(request, current, saved_at=timezone.now(), oob=True)
    messages.success(request, _("Brouillon enregistré."))
    return redirect(_review_url(assignment))


def _page_key(review: Review) -> str:
    return f"evaluation-review-{review.pk}"


def _remember_page(request: HttpRequest, review: Review, form: ReviewForm) -> None:
    """Note which opened page made the review's current version."""
    if form.cleaned_data.get("page"):
        request.session[_page_key(review)] = [form.cleaned_data["page"], review.version]


def _stale_from_this_page(request: HttpRequest, review: Review, form: ReviewForm) -> bool:
    """Whether the version that made this request stale was written by the same page (its own
    autosave, still in flight when the reviewer clicked): then nothing of another tab would be
    overwritten, and the request is replayed on the current version."""
    page = form.cleaned_data.get("page")
    return bool(page) and request.session.get(_page_key(review)) == [page, review.version]


def _anchor(field: str) -> str:
    """Where a missing piece sits on the page (for the links of the error summary)."""
    if field.startswith("score_"):
        return "criterion-" + field.removeprefix("score_")
    return {"recommendation": "fs-recommendation", "confidence": "fs-confidence"}.get(field, f"id_{field}")


@require_login
@require_POST
def review_submit(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """Submit the review (the form's data is saved with it). What is missing comes back next to
    each field, with the text kept and the draft saved."""
    assignment = get_assignment_for_reviewer(request.user, assignment_pk)
    current = services.get_or_start_review(assignment=assignment)
    criteria = selectors.criteria_of(assignment.campaign)
    form = ReviewForm(request.POST, criteria=criteria)
    if not form.is_valid():
        return _render(request, assignment, current, status=400, form=form)
    if not form.cleaned_data["confirm"]:
        form.add_error("confirm", _("Cochez cette case pour confirmer que vous rendez l'évaluation."))
        return _render(request, assignment, current, status=400, form=form)
    data = form.review_data()
    expected = form.cleaned_data["version"]
    if expected != current.version and _stale_from_this_page(request, current, form):
        expected = current.version  # this page's own autosave landed first
    try:
        services.submit_review(review=current, data=data, expected_version=expected, actor=request.user)
    except StaleVersion as exc:
        fresh = Review.objects.get(pk=current.pk)
        return _render(request, assignment, fresh, status=409, form=form, stale=exc.message)
    except InvalidInput:
        # keep what was typed: save it as a draft, then show every missing piece at once
        try:
            current = services.save_review_draft(
                review=current, data=data, expected_version=expected, actor=request.user
            )
            _remember_page(request, current, form)
        except DomainError as exc:
            messages.error(request, exc.message)
        form = ReviewForm(request.POST.copy(), criteria=criteria)
        form.data["version"] = str(current.version)
        form.is_valid()
        problems = services.review_problems(current, criteria)
        for problem in problems:
            if problem.field in form.fields:
                form.add_error(problem.field, problem.message)
        missing = [{"message": p.message, "anchor": _anchor(p.field)} for p in problems]
        return _render(request, assignment, current, status=400, form=form, missing=missing)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, assignment, current, status=400, form=form)
    messages.success(request, _("Merci ! Votre évaluation est rendue."))
    return redirect(_review_url(assignment))


@require_login
@require_http_methods(["GET", "POST"])
def review_conflict(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """ "J'ai un conflit d'intérêts": the application is withdrawn from the reviewer at once."""
    from evaluation.services.conflicts import declare_conflict

    assignment = get_assignment_for_reviewer(request.user, assignment_pk)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declare_conflict(
                member=assignment.member,
                application=assignment.application,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error("reason" if exc.field in (None, "reason") else None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Conflit d'intérêts déclaré : le dossier vous est retiré et le secrétariat est prévenu. Merci."
                ),
            )
            return redirect("evaluation:my_reviews")
    return render(
        request,
        "evaluation/review_conflict.html",
        {"assignment": assignment, "form": form},
        status=400 if form.errors else 200,
    )


@require_login
def review_attachment(request: HttpRequest, assignment_pk: int, attachment_pk: int) -> FileResponse:
    """A file of the application, streamed from private storage to its reviewer only (audited)."""
    assignment = get_assignment_for_reviewer(request.user, assignment_pk)
    attachment = selectors.attachment_for_review(assignment, attachment_pk)
    if attachment is None:
        raise Http404
    try:
        handle = uploads.private_storage().open(attachment.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    services.record_attachment_access(assignment=assignment, attachment=attachment, actor=request.user)
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- the secretariat -------------------------------------------------------------------------


@require_perm("evaluation.manage")
def campaign_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = Campaign.objects.select_related("call").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return render(
        request,
        "evaluation/review_progress.html",
        {
            "campaign": campaign,
            "call": campaign.call,
            "progress": selectors.campaign_reviews(campaign),
            "now": timezone.now(),
        },
    )


def _staff_review_page(
    request: HttpRequest, review: Review, form: ReopenForm, status: int = 200
) -> HttpResponse:
    assignment = review.assignment
    criteria = selectors.criteria_of(assignment.campaign)
    services.record_review_access(review=review, actor=request.user, context="staff")
    return render(
        request,
        "evaluation/review_staff.html",
        {
            "review": review,
            "assignment": assignment,
            "campaign": assignment.campaign,
            "call": assignment.campaign.call,
            "rows": selectors.criterion_rows(review, criteria),
            "number": selectors.reviewer_number(assignment),
            "form": form,
            "can_reopen": review.status == Review.Status.SUBMITTED
            and assignment.campaign.status in (Campaign.Status.REVIEWING, Campaign.Status.COMMITTEE),
        },
        status=status,
    )


@require_perm("evaluation.manage")
def staff_review(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = selectors.review_for_staff(review_pk)
    if review is None:
        raise Http404
    return _staff_review_page(request, review, ReopenForm())


@require_perm("evaluation.manage")
@require_POST
def review_reopen(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = selectors.review_for_staff(review_pk)
    if review is None:
        raise Http404
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_review(
                review=review,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, _("Évaluation rouverte : l'évaluateur·rice est prévenu·e par e-mail."))
            return redirect("evaluation:staff_review", review_pk=review.pk)
    return _staff_review_page(request, review, form, status=400)
