"""Factories for calls, and small helpers to make real files (a valid PDF, docx, xlsx, odt…)."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.tests.factories import UserFactory
from calls.models import (
    Application,
    ApplicationTeam,
    BudgetCategory,
    Call,
    DocumentRequirement,
    EligibilityRule,
    FormField,
    Programme,
    Stage,
)
from directory.tests.factories import PersonFactory, TeamFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name_fr = factory.Sequence(lambda n: f"Programme Émergence {n}")
    name_en = factory.Sequence(lambda n: f"Emergence programme {n}")
    kind = Programme.Kind.EMERGENCE


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open since ten days, closing in thirty."""

    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2027
    title_fr = factory.Sequence(lambda n: f"Appel Émergence 2027 n°{n}")
    title_en = factory.Sequence(lambda n: f"Emergence call 2027 #{n}")
    summary_fr = "Soutenir des projets exploratoires en cancérologie."
    status = Call.Status.PUBLISHED
    budget_envelope = Decimal("300000")
    ceiling_per_project = Decimal("25000")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    published_at = factory.LazyFunction(timezone.now)


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label_fr = factory.Sequence(lambda n: f"Question {n}")
    type = FormField.Type.LONG_TEXT


class DocumentRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentRequirement

    call = factory.SubFactory(CallFactory)
    label_fr = "Projet détaillé"
    allowed_types = factory.LazyFunction(lambda: ["pdf"])
    max_size_mb = 2


class BudgetCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetCategory

    call = factory.SubFactory(CallFactory)
    label_fr = "Consommables"
    kind = BudgetCategory.Kind.CONSUMABLES


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    call = factory.SubFactory(CallFactory)
    code = "min_teams"
    params = factory.LazyFunction(lambda: {"count": 1})


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with a lead team (the applicant's own directory team)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    stage = Stage.FULL
    applicant = factory.SubFactory(UserFactory)
    lead_person = factory.LazyAttribute(lambda o: PersonFactory(user=o.applicant, email=o.applicant.email))
    title = factory.Sequence(lambda n: f"Ciblage du microenvironnement tumoral {n}")

    @factory.post_generation
    def lead_team(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create or extracted is False:
            return
        team = extracted or TeamFactory()
        ApplicationTeam.objects.create(
            application=self,
            role=ApplicationTeam.Role.LEAD,
            team=team,
            institution=team.unit.parents.first(),
            contact_person=self.lead_person,
            contact_user=self.applicant,
            contact_email=self.applicant.email if self.applicant else "",
            invitation_status=ApplicationTeam.Invitation.ACCEPTED,
        )


# --- real files --------------------------------------------------------------------------------


def make_pdf(text: str = "Projet de recherche") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


def make_zip(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), members.pop(stored_first))
        for name, content in members.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def make_docx() -> bytes:
    return make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def make_xlsx() -> bytes:
    return make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def make_odt() -> bytes:
    return make_zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
        },
        stored_first="mimetype",
    )


def make_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def make_jpg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
