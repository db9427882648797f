"""Signals of the publications domain, for later domains to react to (the expertise profiles).

``publications_changed`` is sent once the transaction commits, with ``person_ids``: the people
whose list of publications may have changed (an import, a claim, a confirmed or rejected link).
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

publications_changed = Signal()


def announce(person_ids: Iterable[int | None]) -> None:
    ids = sorted({pk for pk in person_ids if pk})
    if ids:
        transaction.on_commit(lambda: publications_changed.send(sender="outputs", person_ids=ids))
