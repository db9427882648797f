"""Personal data held by calls, for the GDPR registry (``core.privacy``).

Applications are records of public funding: on erasure the account is unlinked (the applicant,
the partner contact, the uploader, the decider become unknown) but the application, its files
and its decisions stay, as the network must account for the money it grants.
"""

from calls.models import (
    Application,
    ApplicationTeam,
    Attachment,
    CallChange,
    EligibilityDecision,
)
from core import privacy

FUNDING_RECORDS = "public interest task (research funding); legal obligation to account for grants"

privacy.register(
    Application,
    subject="applicant",
    fields=("call", "stage", "title", "acronym", "answers", "status", "submitted_at", "receipt_number"),
    erase="anonymise",
    anonymise={"applicant": None},
    lawful_basis=FUNDING_RECORDS,
    retention="10 years after the call closes",
)
privacy.register(
    ApplicationTeam,
    subject=lambda user: {"contact_email__iexact": user.email},
    fields=(
        "application",
        "role",
        "team",
        "new_team_name",
        "institution",
        "contact_email",
        "invitation_status",
    ),
    erase="anonymise",
    anonymise={"contact_email": "", "contact_user": None, "invitation_token": None},
    lawful_basis=FUNDING_RECORDS,
    retention="10 years after the call closes",
)
privacy.register(
    Attachment,
    subject="uploaded_by",
    fields=("application", "original_name", "size", "sha256", "uploaded_at"),
    erase="anonymise",
    anonymise={"uploaded_by": None},
    lawful_basis=FUNDING_RECORDS,
    retention="10 years after the call closes",
)
privacy.register(
    EligibilityDecision,
    subject="decided_by",
    fields=("application", "admissible", "eligible", "reason", "decided_at"),
    erase="anonymise",
    anonymise={"decided_by": None},
    lawful_basis="legal obligation (accountability of decisions)",
    retention="10 years",
)
privacy.register(
    CallChange,
    subject="changed_by",
    fields=("call", "changed_at", "object_type", "action"),
    erase="anonymise",
    anonymise={"changed_by": None},
    lawful_basis="legal obligation (accountability of decisions)",
    retention="10 years",
)
