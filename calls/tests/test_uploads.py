"""Uploads are checked by their real content, limited in size and stored outside the web root."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from calls import services, uploads
from calls.models import Attachment
from calls.tests.factories import (
    ApplicationFactory,
    DocumentRequirementFactory,
    make_docx,
    make_jpg,
    make_odt,
    make_pdf,
    make_png,
    make_xlsx,
    upload,
)
from core.errors import InvalidInput
from core.models import AuditEntry

ALL = ["pdf", "docx", "xlsx", "odt", "png", "jpg"]


@pytest.mark.parametrize(
    ("name", "maker", "kind"),
    [
        ("projet.pdf", make_pdf, "pdf"),
        ("lettre.docx", make_docx, "docx"),
        ("budget.xlsx", make_xlsx, "xlsx"),
        ("annexe.odt", make_odt, "odt"),
        ("figure.png", make_png, "png"),
        ("photo.JPEG", make_jpg, "jpg"),
    ],
)
def test_real_files_are_recognised(name, maker, kind):
    content = maker()
    checked = uploads.check_upload(upload(name, content), allowed_types=ALL, max_bytes=10**6)
    assert checked.file_type == kind and checked.content_type == uploads.MIME_TYPES[kind]
    assert checked.sha256 == hashlib.sha256(content).hexdigest() and checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("vide.pdf", b"", "est vide"),
        ("texte.pdf", b"Ceci n'est pas un PDF, juste du texte.\n" * 10, "n'est pas celui d'un fichier PDF"),
        ("tronque.pdf", make_pdf()[:200], "n'est pas celui d'un fichier PDF"),
        ("image.pdf", make_png(), "n'est pas celui d'un fichier PDF"),
        ("zip.docx", make_xlsx(), "n'est pas celui d'un fichier Word"),
        ("faux.odt", make_docx(), "n'est pas celui d'un fichier OpenDocument"),
        ("archive.zip", make_docx(), "Format non accepté"),
        ("programme.exe", b"MZ\x90\x00", "Format non accepté"),
        ("sans-extension", make_pdf(), "Format non accepté"),
    ],
)
def test_bad_files_are_refused(name, content, fragment):
    with pytest.raises(InvalidInput) as error:
        uploads.check_upload(upload(name, content), allowed_types=ALL, max_bytes=10**6)
    assert fragment in error.value.message and error.value.field == "file"


def test_oversized_file_is_refused():
    content = make_pdf()
    content += b"%" * (3 * 1024 * 1024 - len(content) - 7) + b"\n%%EOF\n"
    with pytest.raises(InvalidInput, match="\\(3\u00a0Mo\\) dépasse la taille maximale de 2\u00a0Mo"):
        uploads.check_upload(upload("gros.pdf", content), allowed_types=["pdf"], max_bytes=2 * 1024 * 1024)
    assert uploads.check_upload(
        upload("gros.pdf", content), allowed_types=["pdf"], max_bytes=len(content)
    ).size == len(content)


def test_allowed_types_of_the_requirement_apply():
    with pytest.raises(InvalidInput, match="Formats acceptés : PDF"):
        uploads.check_upload(upload("lettre.docx", make_docx()), allowed_types=["pdf"], max_bytes=10**6)


@pytest.mark.django_db
def test_upload_attachment_stores_privately_and_replaces_per_requirement(settings):
    application = ApplicationFactory()
    requirement = DocumentRequirementFactory(call=application.call, max_size_mb=1)
    first = make_pdf("version 1")
    attachment = services.upload_attachment(
        application=application,
        actor=application.applicant,
        upload=upload("Mon projet.pdf", first),
        requirement=requirement,
    )
    path = Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name
    assert path.read_bytes() == first and Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents and "Mon projet" not in attachment.file.name
    assert attachment.original_name == "Mon projet.pdf" and attachment.content_type == "application/pdf"
    assert (
        attachment.sha256 == hashlib.sha256(first).hexdigest()
        and attachment.uploaded_by == application.applicant
    )
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - private files have no public URL
    second = services.upload_attachment(
        application=application,
        actor=application.applicant,
        upload=upload("v2.pdf", make_pdf("version 2")),
        requirement=requirement,
    )
    assert list(application.attachments.all()) == [second]
    assert AuditEntry.objects.filter(action="calls.attachment.uploaded").count() == 2


@pytest.mark.django_db(transaction=True)
def test_refused_or_rolled_back_uploads_leave_no_file(settings):
    application = ApplicationFactory()
    requirement = DocumentRequirementFactory(call=application.call)
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    with pytest.raises(InvalidInput):
        services.upload_attachment(
            application=application,
            actor=application.applicant,
            upload=upload("faux.pdf", b"hello"),
            requirement=requirement,
        )
    from accounts.tests.factories import UserFactory
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.upload_attachment(
            application=application,
            actor=UserFactory(),
            upload=upload("ok.pdf", make_pdf()),
            requirement=requirement,
        )
    assert not Attachment.objects.exists()
    assert not [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_requirement_of_another_call_is_refused():
    application = ApplicationFactory()
    with pytest.raises(InvalidInput):
        services.upload_attachment(
            application=application,
            actor=application.applicant,
            upload=upload("a.pdf", make_pdf()),
            requirement=DocumentRequirementFactory(),
        )


def test_private_storage_follows_the_setting(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "elsewhere"
    name = uploads.private_storage().save("x/y.txt", ContentFile(b"secret"))
    assert (tmp_path / "elsewhere" / name).read_bytes() == b"secret"
