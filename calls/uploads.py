"""Files of the calls domain: where they are stored, and what is accepted.

Storage: ``private_storage()`` writes under ``settings.PRIVATE_MEDIA_ROOT``, outside the web root;
files are only served by views that check rights. File names on disk are random (never the name
the user gave), grouped by call and application.

Checks (``check_upload``): an empty file is refused; a file over the size limit is refused; the
extension must be one of the allowed types; and the **content** must be of that type, by its
magic bytes — a PDF starts with ``%PDF-`` and ends with ``%%EOF``; a docx or xlsx is a zip with
``[Content_Types].xml`` and ``word/document.xml`` / ``xl/workbook.xml``; an odt is a zip whose
first member ``mimetype`` says ``application/vnd.oasis.opendocument.text``; PNG and JPEG by
their signatures. A text file renamed ``.pdf`` is refused. The SHA-256 of the bytes is computed
on the way.
"""

import hashlib
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from core.errors import InvalidInput

MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
TYPE_NAMES = {
    "pdf": "PDF",
    "docx": "Word",
    "xlsx": "Excel",
    "odt": "OpenDocument",
    "png": "PNG",
    "jpg": "JPEG",
}
CHUNK = 1024 * 1024


@deconstructible
class PrivateStorage(FileSystemStorage):
    """A file system storage rooted at ``PRIVATE_MEDIA_ROOT``, read at each use (tests move it)."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL: serve them through a view that checks rights.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage


@dataclass(frozen=True)
class CheckedFile:
    """What the checks found out about an accepted file."""

    file_type: str  # one of MIME_TYPES' keys
    content_type: str
    size: int
    sha256: str
    original_name: str


def extension_of(name: str) -> str:
    ext = os.path.splitext(name or "")[1].lower().lstrip(".")
    return EXTENSION_ALIASES.get(ext, ext)


def _read_head_and_tail(fileobj: IO[bytes], size: int) -> tuple[bytes, bytes]:
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(max(0, size - 4096))
    tail = fileobj.read(4096)
    fileobj.seek(0)
    return head, tail


def _zip_kind(fileobj: IO[bytes]) -> str | None:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if infos and infos[0].filename == "mimetype":
                mimetype = archive.read(infos[0]).strip()
                if mimetype == MIME_TYPES["odt"].encode():
                    return "odt"
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    finally:
        fileobj.seek(0)
    return None


def detect_type(fileobj: IO[bytes], size: int) -> str | None:
    """The type of the content by its bytes (one of ``MIME_TYPES``' keys), or None."""
    head, tail = _read_head_and_tail(fileobj, size)
    if head.startswith(b"%PDF-"):
        return "pdf" if b"%%EOF" in tail else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(fileobj)
    return None


def sha256_of(fileobj: IO[bytes]) -> str:
    fileobj.seek(0)
    digest = hashlib.sha256()
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def size_text(size: int) -> str:
    """1536 → "1,5 Ko"; 10485760 → "10 Mo"."""
    for unit, factor in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f"\u00a0{unit}"
    return f"{size}\u00a0o"


def _size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def check_upload(upload: Any, *, allowed_types: list[str], max_bytes: int) -> CheckedFile:
    """Check an uploaded file (a Django ``UploadedFile`` or any named binary file object) and
    return what was found; raise ``InvalidInput(field="file")`` with a sentence otherwise."""
    name = os.path.basename(str(getattr(upload, "name", "") or ""))
    size = _size_of(upload)
    if size == 0:
        raise InvalidInput(_("Le fichier « %(name)s » est vide.") % {"name": name}, field="file")
    if size > max_bytes:
        raise InvalidInput(
            _("Le fichier « %(name)s » (%(size)s) dépasse la taille maximale de %(max)s.")
            % {"name": name, "size": size_text(size), "max": size_text(max_bytes)},
            field="file",
        )
    allowed = [EXTENSION_ALIASES.get(t, t) for t in allowed_types]
    extension = extension_of(name)
    if extension not in allowed:
        raise InvalidInput(
            _("Format non accepté pour « %(name)s ». Formats acceptés : %(allowed)s.")
            % {"name": name, "allowed": ", ".join(TYPE_NAMES.get(t, t) for t in allowed)},
            field="file",
        )
    file = getattr(upload, "file", upload)
    detected = detect_type(file, size)
    if detected != extension:
        raise InvalidInput(
            _(
                "Le contenu de « %(name)s » n'est pas celui d'un fichier %(type)s : le fichier est peut-être "
                "endommagé, ou a été renommé. Enregistrez-le à nouveau au bon format."
            )
            % {"name": name, "type": TYPE_NAMES.get(extension, extension)},
            field="file",
        )
    return CheckedFile(
        file_type=detected,
        content_type=MIME_TYPES[detected],
        size=size,
        sha256=sha256_of(file),
        original_name=name[:255],
    )


def storage_name(*, call_id: int, application_id: int, file_type: str) -> str:
    """A random name on disk for an application's file (the original name is kept in the row)."""
    return f"calls/{call_id}/applications/{application_id}/{uuid.uuid4().hex}.{file_type}"


def call_document_name(*, call_id: int, file_type: str) -> str:
    return f"calls/{call_id}/documents/{uuid.uuid4().hex}.{file_type}"


def store(upload: Any, name: str) -> str:
    """Write an accepted upload to the private storage; return the name it was stored under."""
    from django.core.files import File

    file = getattr(upload, "file", upload)
    file.seek(0)
    return private_storage().save(name, File(file))
