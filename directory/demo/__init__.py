"""Demo data for the directory: a believable Paris-region cancer network, the same for a given seed.

``generate`` builds institutions, units, teams, people with their affiliations and keywords,
platforms, tech-transfer offices and the demo accounts with their directory records, in one
transaction, with bulk inserts (no audit row per object: one ``directory.demo.seeded`` entry sums
it up). Every draw comes from one ``random.Random(seed)``; only dates move with ``today`` so that
the demo looks current. ``wipe`` empties the directory and deletes the demo accounts. Used by
``manage.py seed_demo`` and by ``bench/directory_search.py``.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import demo as account_demo
from core.errors import InvalidInput, InvalidState
from core.services import record_audit
from directory.demo.builder import SIZES, Builder, Size
from directory.models import (
    Affiliation,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
)

__all__ = ["SIZES", "DemoReport", "Size", "dataset_digest", "directory_is_empty", "generate", "wipe"]


@dataclass
class DemoReport:
    size: str
    seed: int
    counts: dict[str, int]
    timings: dict[str, float]
    digest: str
    credentials: list[tuple[str, str, str]] = field(default_factory=list)


# --- public functions ------------------------------------------------------------------------


def directory_is_empty() -> bool:
    return not (Person.objects.exists() or Institution.objects.exists() or Unit.objects.exists())


def generate(
    *,
    size: str = "small",
    seed: int = 1,
    scale: float = 1.0,
    today: dt.date | None = None,
    password: str = account_demo.DEMO_PASSWORD,
) -> DemoReport:
    """Build the demo network into an empty directory. ``scale`` shrinks or grows the chosen size."""
    if size not in SIZES:
        raise InvalidInput(f"Taille inconnue : {size}.", field="size")
    if not directory_is_empty():
        raise InvalidState("L'annuaire contient déjà des données : videz-le d'abord (wipe).")
    builder = Builder(seed=seed, size=SIZES[size].scaled(scale), today=today or timezone.localdate())
    with transaction.atomic():
        with builder.step(_("comptes de démonstration")):
            accounts = account_demo.create_demo_accounts(password=password)
        with builder.step(_("institutions, mots-clés, unités, équipes")):
            builder.institutions()
            builder.keywords()
            builder.units()
            builder.teams()
        with builder.step(_("personnes (tirage)")):
            builder.people(accounts)
        with builder.step(_("textes de recherche")):
            builder.search_texts()
        with builder.step(_("personnes (insertion)")):
            builder.save_people()
        with builder.step(_("plateformes, valorisation")):
            builder.platforms()
            builder.tech_transfer_offices()
        counts = {
            "institutions": Institution.objects.count(),
            "units": Unit.objects.count(),
            "teams": Team.objects.count(),
            "people": Person.objects.count(),
            "affiliations": Affiliation.objects.count(),
            "keywords": Keyword.objects.count(),
            "themes": Keyword.objects.filter(is_theme=True).count(),
            "platforms": Platform.objects.count(),
            "tech_transfer_offices": TechTransferOffice.objects.count(),
            "accounts": len(accounts),
        }
        digest = dataset_digest()
        record_audit(
            action="directory.demo.seeded",
            data={"size": size, "seed": seed, "scale": scale, "counts": counts, "digest": digest},
        )
    return DemoReport(
        size=size,
        seed=seed,
        counts=counts,
        timings=builder.timings,
        digest=digest,
        credentials=account_demo.demo_accounts(password=password),
    )


@transaction.atomic
def wipe() -> dict[str, int]:
    """Delete the whole directory (except import history) and the demo accounts."""
    counts = {"people": Person.objects.count(), "institutions": Institution.objects.count()}
    Affiliation.objects.all().delete()
    Platform.objects.all().delete()
    TechTransferOffice.objects.all().delete()
    Team.objects.all().delete()
    Unit.objects.all().delete()
    Person.objects.all().delete()
    Institution.objects.all().delete()
    Keyword.objects.all().delete()
    counts["accounts"] = account_demo.delete_demo_accounts()
    record_audit(action="directory.demo.wiped", data=counts)
    return counts


def dataset_digest() -> str:
    """A fingerprint of the directory's content (dates aside): equal for equal seeds."""
    tables = (
        Institution.objects.values_list("name", "ror", "kind", "latitude", "longitude"),
        Unit.objects.values_list("name", "code", "rnsr", "director__last_name", "director__orcid"),
        Team.objects.values_list("name", "unit__rnsr"),
        Person.objects.values_list("last_name", "first_name", "orcid", "idref", "email", "title", "bio"),
        Affiliation.objects.values_list(
            "person__last_name",
            "person__email",
            "person__orcid",
            "institution__name",
            "unit__rnsr",
            "team__name",
            "position",
            "is_primary",
        ),
        Person.keywords.through.objects.values_list(
            "person__email", "person__last_name", "keyword__normalised"
        ),
        Platform.objects.values_list("name", "host_unit__rnsr", "label", "pricing"),
    )
    digest = hashlib.sha256()
    for rows in tables:
        for row in sorted(tuple("" if v is None else str(v) for v in r) for r in rows):
            digest.update(repr(row).encode())
    return digest.hexdigest()[:16]
