"""Who may import publications and settle author links."""

from typing import Any

import rules

from accounts.permissions import is_secretariat
from directory.permissions import has_person_record, is_own_person


@rules.predicate
def is_import_owner(user: Any, job: Any) -> bool:
    return bool(job is not None and user.is_authenticated and job.created_by_id == user.pk)


rules.add_perm("outputs.import_own", has_person_record)
rules.add_perm("outputs.import_for_unit", is_secretariat)
rules.add_perm("outputs.review_author_links", is_secretariat)
rules.add_perm("outputs.claim_authorship", is_own_person | is_secretariat)
rules.add_perm("outputs.view_import", is_import_owner | is_secretariat)
