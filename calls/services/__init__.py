"""Every change of state in calls goes through these functions (typed, keyword-only, atomic,
audited ``calls.*`` actions, ``core.errors.DomainError`` on refusal).

- ``calls.services.calls``: programmes and calls (change log after publication);
- ``calls.services.items``: a call's configuration items (form, documents, budget categories,
  rules, criteria), with version checks;
- ``calls.services.workflow``: downloadable documents, publication, closing, archiving, copy;
- ``calls.services.applications``: drafts, consortium and invitations, budget;
- ``calls.services.submission``: attachments, eligibility, submission, withdrawal, decisions,
  full-stage invitations.
"""

from calls.services.applications import (
    accept_partner_invitation,
    add_budget_line,
    create_application,
    decline_partner_invitation,
    invite_partner,
    remove_application_team,
    remove_budget_line,
    save_application_team,
    save_draft,
    update_budget_line,
)
from calls.services.calls import (
    create_call,
    record_call_change,
    save_programme,
    update_call,
)
from calls.services.items import (
    delete_call_item,
    move_call_item,
    save_budget_category,
    save_criterion,
    save_document_requirement,
    save_eligibility_rule,
    save_form_field,
    save_form_section,
)
from calls.services.submission import (
    decide_eligibility,
    decline_full_stage,
    invite_to_full_stage,
    remove_attachment,
    run_eligibility,
    submit_application,
    upload_attachment,
    withdraw_application,
)
from calls.services.workflow import (
    add_call_document,
    archive_call,
    close_call,
    copy_call,
    publication_problems,
    publish_call,
    remove_call_document,
)

__all__ = [
    "accept_partner_invitation",
    "add_budget_line",
    "add_call_document",
    "archive_call",
    "close_call",
    "copy_call",
    "create_application",
    "create_call",
    "decide_eligibility",
    "decline_full_stage",
    "decline_partner_invitation",
    "delete_call_item",
    "invite_partner",
    "invite_to_full_stage",
    "move_call_item",
    "publication_problems",
    "publish_call",
    "record_call_change",
    "remove_application_team",
    "remove_attachment",
    "remove_budget_line",
    "remove_call_document",
    "run_eligibility",
    "save_application_team",
    "save_budget_category",
    "save_criterion",
    "save_document_requirement",
    "save_draft",
    "save_eligibility_rule",
    "save_form_field",
    "save_form_section",
    "save_programme",
    "submit_application",
    "update_budget_line",
    "update_call",
    "upload_attachment",
    "withdraw_application",
]
