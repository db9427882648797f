"""Models of the evaluation domain.

``campaigns``: one evaluation campaign per call and stage (its settings are the call's rules of
evaluation), the reviewer pool and invitations; ``conflicts``: conflicts of interest (detected or
declared) and the pins/forbids of pairs; ``reviews``: assignments and reviews;
``committee``: discussion notes, the committee's ranking and funding proposal, decisions and
letters.
"""

from evaluation.models.campaigns import Campaign, PoolMember, ReviewerRole
from evaluation.models.committee import ApplicationOutcome, Decision, DiscussionNote
from evaluation.models.conflicts import Conflict, PairConstraint
from evaluation.models.reviews import Assignment, Review

__all__ = [
    "ApplicationOutcome",
    "Assignment",
    "Campaign",
    "Conflict",
    "Decision",
    "DiscussionNote",
    "PairConstraint",
    "PoolMember",
    "Review",
    "ReviewerRole",
]
