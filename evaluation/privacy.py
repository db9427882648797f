"""Personal data held by the evaluation domain, for the GDPR registry (``core.privacy``).

Evaluations are records of how public money was granted: on erasure a reviewer's pool entry is
anonymised (name and e-mail replaced, account unlinked) and their reviews stay, attached to the
anonymised entry; committee notes keep their text without their author.
"""

from core import privacy
from evaluation.models import Conflict, Decision, DiscussionNote, PairConstraint, PoolMember, Review

EVALUATION_RECORDS = "public interest task (research funding); legal obligation to account for grants"

privacy.register(
    PoolMember,
    subject=lambda user: {"email__iexact": user.email},
    fields=(
        "campaign",
        "role",
        "name",
        "email",
        "institution_name",
        "status",
        "decline_reason",
        "suggestion",
    ),
    erase="anonymise",
    anonymise={
        "name": "—",
        "email": "",
        "user": None,
        "invitation_token": None,
        "decline_reason": "",
        "suggestion": "",
    },
    lawful_basis=EVALUATION_RECORDS,
    retention="10 years after the call closes",
)
privacy.register(
    Review,
    subject="assignment__member__user",
    fields=(
        "assignment",
        "status",
        "scores",
        "criterion_comments",
        "comment_to_applicants",
        "comment_to_committee",
        "recommendation",
        "confidence",
        "submitted_at",
    ),
    erase="anonymise",
    anonymise={},
    lawful_basis=EVALUATION_RECORDS,
    retention="10 years after the call closes",
)
privacy.register(
    Conflict,
    subject="member__user",
    fields=("campaign", "application", "kind", "evidence", "overridden", "override_reason"),
    erase="anonymise",
    anonymise={},
    lawful_basis=EVALUATION_RECORDS,
    retention="10 years after the call closes",
)
privacy.register(
    DiscussionNote,
    subject="author",
    fields=("campaign", "application", "text", "created_at"),
    erase="anonymise",
    anonymise={"author": None},
    lawful_basis=EVALUATION_RECORDS,
    retention="10 years after the call closes",
)
privacy.register(
    PairConstraint,
    subject="created_by",
    fields=("campaign", "application", "member", "kind", "reason"),
    erase="anonymise",
    anonymise={"created_by": None},
    lawful_basis=EVALUATION_RECORDS,
    retention="10 years after the call closes",
)
privacy.register(
    Decision,
    subject="recorded_by",
    fields=("campaign", "body", "decided_on", "reference"),
    erase="anonymise",
    anonymise={"recorded_by": None},
    lawful_basis=EVALUATION_RECORDS,
    retention="permanent (decisions of the network)",
)
