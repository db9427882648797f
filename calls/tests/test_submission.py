"""Submission: deadline edges (incl. daylight-saving changes), completeness, idempotency, freeze,
stored eligibility, receipt e-mail; withdrawal; the secretariat's decision; full-stage invitation."""

import base64
import datetime as dt
import re
import zlib
from decimal import Decimal

import pytest

from calls import services
from calls.models import Application, Call, EligibilityCheck, FormField, Stage, paris_datetime
from calls.receipts import build_receipt_pdf
from calls.tests.factories import (
    ApplicationFactory,
    BudgetCategoryFactory,
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
    FormFieldFactory,
    make_pdf,
    upload,
)
from core.errors import InvalidInput, InvalidState, NotAllowed
from core.models import AuditEntry

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


def _ready(deadline: dt.datetime | None = None, **call_fields) -> Application:  # type: ignore[no-untyped-def]
    deadline = deadline or dt.datetime(2027, 3, 15, 11, 0, tzinfo=dt.UTC)
    call = CallFactory(opens_at=deadline - dt.timedelta(days=60), closes_at=deadline, **call_fields)
    return ApplicationFactory(call=call)


def _submit(application, at, key="key-1"):  # type: ignore[no-untyped-def]
    return services.submit_application(
        application=application, actor=application.applicant, idempotency_key=key, now=at
    )


@pytest.mark.parametrize(("offset", "accepted"), [(-SECOND, True), (dt.timedelta(0), True), (SECOND, False)])
def test_deadline_edges(offset, accepted):
    deadline = paris_datetime(dt.date(2027, 3, 15))
    application = _ready(deadline)
    if accepted:
        assert _submit(application, deadline + offset).status == Application.Status.SUBMITTED
    else:
        with pytest.raises(InvalidState) as error:
            _submit(application, deadline + offset)
        assert "15/03/2027 à 12:00:00 (heure de Paris)" in error.value.message
        assert "15/03/2027 à 12:00:01" in error.value.message
        application.refresh_from_db()
        assert application.status == Application.Status.DRAFT and application.submitted_at is None


def test_a_microsecond_late_is_late():
    deadline = paris_datetime(dt.date(2027, 3, 15))
    with pytest.raises(InvalidState):
        _submit(_ready(deadline), deadline + dt.timedelta(microseconds=1))


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (dt.date(2027, 3, 29), 10),  # the day after the change to summer time (28 March 2027): UTC+2
        (dt.date(2027, 11, 1), 11),  # the day after the change to winter time (31 October 2027): UTC+1
        (dt.date(2027, 3, 28), 10),  # the day of the change itself
    ],
)
def test_noon_deadline_across_daylight_saving_changes(day, utc_hour):
    deadline = paris_datetime(day)
    assert deadline.astimezone(dt.UTC).hour == utc_hour
    late = _ready(deadline)
    with pytest.raises(InvalidState, match="12:00:00"):
        _submit(late, dt.datetime(day.year, day.month, day.day, utc_hour, 0, 1, tzinfo=dt.UTC))
    on_time = _ready(deadline)
    submitted = _submit(
        on_time, dt.datetime(day.year, day.month, day.day, utc_hour - 1, 59, 59, tzinfo=dt.UTC), key="k2"
    )
    assert submitted.status == Application.Status.SUBMITTED


def test_incomplete_application_lists_what_is_missing():
    application = _ready()
    Application.objects.filter(pk=application.pk).update(title="")
    application.refresh_from_db()
    FormFieldFactory(call=application.call, key="summary", label_fr="Résumé", required=True)
    FormFieldFactory(call=application.call, key="abstract", label_fr="Abstract", max_length=5)
    FormFieldFactory(
        call=application.call,
        key="months",
        label_fr="Durée",
        type=FormField.Type.NUMBER,
        min_value=12,
        max_value=24,
    )
    DocumentRequirementFactory(call=application.call, label_fr="CV du porteur")
    DocumentRequirementFactory(call=application.call, label_fr="Facultatif", required=False)
    application.answers = {"abstract": "beaucoup trop long", "months": "36"}
    application.save()
    with pytest.raises(InvalidInput) as error:
        _submit(application, application.call.closes_at - SECOND)
    message = error.value.message
    for fragment in (
        "titre du projet",
        "« Résumé » est obligatoire",
        "« Abstract » dépasse 5 caractères",
        "« Durée » est hors",
        "Pièce manquante : CV du porteur",
    ):
        assert fragment in message
    assert "Facultatif" not in message


def test_submission_is_idempotent_and_freezes_the_application(django_capture_on_commit_callbacks, mailoutbox):
    application = _ready()
    at = application.call.closes_at - dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        first = _submit(application, at, key="click-1")
    with django_capture_on_commit_callbacks(execute=True):
        again = _submit(application, at + SECOND, key="click-1")  # a retried request
        other_key = _submit(application, at + 2 * SECOND, key="click-2")  # a second click, another key
    assert first.pk == again.pk == other_key.pk
    assert again.submitted_at == first.submitted_at == at and again.receipt_number == first.receipt_number
    assert Application.objects.filter(status=Application.Status.SUBMITTED).count() == 1
    assert AuditEntry.objects.filter(action="calls.application.submitted").count() == 1
    assert len(mailoutbox) == 1  # one receipt
    with pytest.raises(InvalidState, match="déposée"):
        services.save_draft(
            application=application,
            actor=application.applicant,
            expected_version=first.version,
            title="Après coup",
        )
    category = BudgetCategoryFactory(call=application.call)
    with pytest.raises(InvalidState):
        services.add_budget_line(
            application=application, actor=application.applicant, category=category, description="X", amount=1
        )


def test_a_key_cannot_serve_two_applications():
    first, second = _ready(), _ready()
    _submit(first, first.call.closes_at - SECOND, key="same")
    with pytest.raises(InvalidState, match="déjà servi"):
        _submit(second, second.call.closes_at - SECOND, key="same")
    with pytest.raises(InvalidInput):
        _submit(second, second.call.closes_at - SECOND, key="  ")


def test_only_members_submit():
    from accounts.tests.factories import UserFactory

    application = _ready()
    with pytest.raises(NotAllowed):
        services.submit_application(
            application=application, actor=UserFactory(), idempotency_key="x", now=application.call.closes_at
        )


def test_eligibility_results_are_stored_but_do_not_block(staff):
    application = _ready()
    EligibilityRuleFactory(call=application.call, code="min_teams", params={"count": 2}, order=1)
    EligibilityRuleFactory(
        call=application.call, code="applicant_career_stage", params={"excluded": ["phd_student"]}, order=2
    )
    live = services.run_eligibility(application=application)
    assert [r.outcome for r in live] == ["failed", "passed"]
    submitted = _submit(application, application.call.closes_at - SECOND)
    checks = list(EligibilityCheck.objects.filter(application=submitted).order_by("pk"))
    assert [(c.code, c.outcome) for c in checks] == [
        ("min_teams", "failed"),
        ("applicant_career_stage", "passed"),
    ]
    assert "il en faut au moins 2" in checks[0].message and checks[0].params == {"count": 2}
    assert checks[0].description == "Le projet associe au moins 2 équipes."
    decision = services.decide_eligibility(
        application=submitted,
        actor=staff,
        admissible=True,
        eligible=True,
        reason="Partenaire confirmé par courriel",
    )
    assert decision.overrides_check and decision.automatic_outcome == "failed"
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.ELIGIBLE
    assert AuditEntry.objects.filter(action="calls.application.eligibility_decided", actor=staff).exists()


def test_decisions_need_staff_and_a_reason(researcher, staff):
    application = _submit(_ready(), dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    with pytest.raises(NotAllowed):
        services.decide_eligibility(
            application=application, actor=researcher, admissible=True, eligible=True, reason="ok"
        )
    with pytest.raises(InvalidInput):
        services.decide_eligibility(
            application=application, actor=staff, admissible=False, eligible=False, reason=" "
        )
    draft = _ready()
    with pytest.raises(InvalidState):
        services.decide_eligibility(
            application=draft, actor=staff, admissible=True, eligible=True, reason="ok"
        )


def test_receipt_email_carries_the_pdf_with_the_file_hashes(django_capture_on_commit_callbacks, mailoutbox):
    application = _ready()
    requirement = DocumentRequirementFactory(call=application.call, label_fr="Projet détaillé")
    attachment = services.upload_attachment(
        application=application,
        actor=application.applicant,
        upload=upload("projet.pdf", make_pdf("Projet")),
        requirement=requirement,
    )
    at = paris_datetime(dt.date(2027, 3, 15), dt.time(11, 58, 7))
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submit(application, at)
    [mail] = mailoutbox
    assert mail.to == [application.applicant.email]
    assert submitted.receipt_number in mail.subject and attachment.sha256 in mail.body
    assert "15 mars 2027 à 11:58:07" in mail.body
    [(name, content, mimetype)] = mail.attachments
    assert name.endswith(".pdf") and mimetype == "application/pdf" and content.startswith(b"%PDF-")
    text = _pdf_text(content)
    assert attachment.sha256 in text
    assert content == build_receipt_pdf(submitted)  # rebuilt identically from the stored submission


def _pdf_text(pdf: bytes) -> str:
    """The content streams, decoded (ASCII85 then Flate, as reportlab writes them)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = stream.strip()
        try:
            if data.endswith(b"~>"):
                data = base64.a85decode(data[:-2])
            out.append(zlib.decompress(data).decode("latin-1"))
        except (ValueError, zlib.error):
            continue  # embedded fonts are not text
    return "".join(out)


def test_receipt_of_a_draft_is_refused():
    with pytest.raises(ValueError):
        build_receipt_pdf(_ready())


def test_withdraw_before_the_deadline_only(django_capture_on_commit_callbacks, mailoutbox):
    application = _ready()
    deadline = application.call.closes_at
    submitted = _submit(application, deadline - dt.timedelta(hours=1))
    with pytest.raises(InvalidState, match="date limite"):
        services.withdraw_application(
            application=submitted, actor=application.applicant, now=deadline + SECOND
        )
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.withdraw_application(
            application=submitted, actor=application.applicant, now=deadline
        )
    assert withdrawn.status == Application.Status.WITHDRAWN and withdrawn.withdrawn_at == deadline
    assert "retirée" in mailoutbox[-1].subject
    with pytest.raises(InvalidState):
        _submit(application, deadline - SECOND, key="again")


def test_invite_to_full_stage_copies_what_was_written(staff, django_capture_on_commit_callbacks, mailoutbox):
    loi_deadline = paris_datetime(dt.date(2027, 2, 1))
    call = CallFactory(
        stages=2,
        opens_at=loi_deadline - dt.timedelta(days=30),
        closes_at=loi_deadline,
        full_stage_closes_at=paris_datetime(dt.date(2027, 5, 3)),
    )
    loi = ApplicationFactory(
        call=call, stage=Stage.LETTER_OF_INTENT, answers={"aims": "Objectifs"}, acronym="TUMOR"
    )
    FormFieldFactory(call=call, key="aims")
    both = DocumentRequirementFactory(call=call, label_fr="CV", stage="all")
    only_loi = DocumentRequirementFactory(call=call, label_fr="Lettre", stage="loi")
    category = BudgetCategoryFactory(call=call)
    partner = services.invite_partner(
        application=loi, actor=loi.applicant, email="p@example.org", new_team_name="Équipe B"
    )
    lead_team = loi.teams.get(role="lead")
    services.add_budget_line(
        application=loi,
        actor=loi.applicant,
        category=category,
        description="Réactifs",
        amount=900,
        team=lead_team,
    )
    cv = services.upload_attachment(
        application=loi, actor=loi.applicant, upload=upload("cv.pdf", make_pdf("cv")), requirement=both
    )
    services.upload_attachment(
        application=loi, actor=loi.applicant, upload=upload("l.pdf", make_pdf("l")), requirement=only_loi
    )
    _submit(loi, loi_deadline - SECOND)
    with django_capture_on_commit_callbacks(execute=True):
        full = services.invite_to_full_stage(loi=loi, actor=staff)
    loi.refresh_from_db()
    assert loi.status == Application.Status.INVITED_FULL_STAGE
    assert full.stage == Stage.FULL and full.parent == loi and full.status == Application.Status.DRAFT
    assert (full.title, full.acronym, full.answers) == (loi.title, "TUMOR", {"aims": "Objectifs"})
    assert full.applicant == loi.applicant and full.lead_person == loi.lead_person
    teams = {t.team_label: t for t in full.teams.all()}
    assert set(teams) == {lead_team.team_label, "Équipe B"}
    assert (
        teams["Équipe B"].contact_email == partner.contact_email
        and teams["Équipe B"].invitation_token is None
    )
    [line] = full.budget_lines.all()
    assert line.amount == Decimal(900) and line.team == teams[lead_team.team_label]
    [copied] = full.attachments.all()
    assert copied.sha256 == cv.sha256 and copied.file.name != cv.file.name
    assert "dossier complet" in mailoutbox[-1].subject
    assert services.invite_to_full_stage(loi=loi, actor=staff) == full  # idempotent
    assert full.deadline == call.full_stage_closes_at
    services.save_draft(
        application=full, actor=loi.applicant, expected_version=full.version, title="Dossier complet"
    )


def test_only_letters_of_intent_are_invited(staff):
    application = _submit(_ready(), dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    with pytest.raises(InvalidState):
        services.invite_to_full_stage(loi=application, actor=staff)


def test_closed_call_refuses_submissions():
    application = _ready()
    Call.objects.filter(pk=application.call_id).update(status=Call.Status.CLOSED)
    with pytest.raises(InvalidState):
        _submit(application, application.call.closes_at - SECOND)
