"""Who may see and change what in the directory."""

from typing import Any

import rules

from accounts.permissions import is_secretariat, is_signed_in
from directory.models import Person, Visibility


@rules.predicate
def is_own_person(user: Any, person: Person | None) -> bool:
    return bool(person is not None and user.is_authenticated and person.user_id == user.pk)


@rules.predicate
def has_person_record(user: Any) -> bool:
    return bool(user.is_authenticated and Person.objects.filter(user_id=user.pk).exists())


def viewer_level(user: Any) -> set[str]:
    """The visibility levels ``user`` may read: public; network for members; staff for staff."""
    levels = {Visibility.PUBLIC.value}
    if user is not None and user.is_authenticated:
        levels.add(Visibility.NETWORK.value)
        if is_secretariat(user):
            levels.add(Visibility.STAFF.value)
    return levels


rules.add_perm("directory.view", rules.always_allow)
rules.add_perm("directory.view_staff_fields", is_secretariat)
rules.add_perm("directory.edit_own_profile", has_person_record)
rules.add_perm("directory.change_person", is_own_person | is_secretariat)
rules.add_perm("directory.manage", is_secretariat)
rules.add_perm("directory.import", is_secretariat)
rules.add_perm("directory.signed_in", is_signed_in)
