"""Who may use the expertise pages. Expert search and "find collaborators" are public (they show
only what each person lets the viewer see); reviewer suggestions are for the secretariat and the
committees that choose reviewers."""

import rules

from accounts.permissions import is_administrator, is_committee_member, is_cops_member, is_secretariat

can_suggest_reviewers = is_secretariat | is_administrator | is_committee_member | is_cops_member

rules.add_perm("expertise.suggest_reviewers", can_suggest_reviewers)
