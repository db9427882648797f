"""Who may import publications and settle author links."""

import rules

from accounts.permissions import is_secretariat
from directory.permissions import has_person_record, is_own_person

rules.add_perm("outputs.import_own", has_person_record)
rules.add_perm("outputs.import_for_unit", is_secretariat)
rules.add_perm("outputs.review_author_links", is_secretariat)
rules.add_perm("outputs.claim_authorship", is_own_person | is_secretariat)
