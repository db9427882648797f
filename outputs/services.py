"""Every change to publications goes through these functions.

- ``save_record`` stores one parsed record: identifiers checked (invalid ones reported and
  dropped), the publication found again by DOI, PMID, HAL id or normalised title and year and
  then completed rather than duplicated, its authors linked (see ``linking``);
- ``import_records`` runs ``save_record`` over a parser's output, each record in its own
  savepoint, and returns the report of every record;
- the decisions on author links: ``claim_authorship`` / ``unclaim_authorship`` (a person),
  ``confirm_candidate`` / ``reject_candidates`` (the review queue of the secretariat).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.permissions import is_secretariat
from core.errors import DomainError, InvalidInput, InvalidState, NotFound
from core.services import record_audit
from directory.models import Person, Unit
from outputs.cleaning import IDENTIFIERS, MAX_KEYWORDS, clean_record, merge_grants, unique_folded
from outputs.linking import LINKED, MACHINE, PeopleIndex, assign_links, save_candidates
from outputs.models import AuthorCandidate, Authorship, Publication
from outputs.parsers import Record, RecordError
from outputs.signals import announce
from outputs.text import detect_language, family_key, given_names_compatible

logger = logging.getLogger("canceropole.outputs")

Match = Authorship.Match
CREATED, MERGED, UNCHANGED, REJECTED = "created", "merged", "unchanged", "rejected"
ACTIONS = (CREATED, MERGED, UNCHANGED, REJECTED)
MIN_TITLE_KEY = 20  # shorter titles ('Editorial', 'Introduction') never match on their own
FILLABLE = ("abstract", "venue", "volume", "issue", "pages", "year", "published_on")


@dataclass
class Outcome:
    position: str
    action: str
    title: str = ""
    publication: int | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    linked: int = 0
    ambiguous: int = 0
    person_ids: list[int] = field(default_factory=list)

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row.pop("person_ids")
        return row


# --- finding a publication again --------------------------------------------------------------


def find_duplicate(values: dict[str, Any]) -> Publication | None:
    """The stored publication that ``values`` describe: by DOI, PMID, HAL id, then by title + year.

    A title match is refused when both sides carry a different DOI or PMID (an erratum, a
    preprint and its article), and for titles too short to identify a paper. One query.
    """
    key = values["title_key"]
    wanted = Q(pk__in=[])
    for name in ("doi", "pmid", "hal_id"):
        if values.get(name):
            wanted |= Q(**{name: values[name]})
    by_title = len(key) >= MIN_TITLE_KEY and " " in key
    if by_title:
        wanted |= Q(title_key=key)
    found = list(Publication.objects.filter(wanted).order_by("pk")[:50])
    for name in ("doi", "pmid", "hal_id"):
        same = next((p for p in found if values.get(name) and getattr(p, name) == values[name]), None)
        if same is not None:
            return same
    if not by_title:
        return None

    def compatible(pub: Publication) -> bool:
        return all(
            not (values.get(n) and getattr(pub, n) and values[n] != getattr(pub, n)) for n in IDENTIFIERS
        )

    same_title = [p for p in found if p.title_key == key and compatible(p)]
    if values["year"] is not None:
        exact = [p for p in same_title if p.year == values["year"]]
        undated = [p for p in same_title if p.year is None]
        candidates = exact or undated
        return candidates[0] if candidates else None
    return same_title[0] if len(same_title) == 1 else None


# --- merging ------------------------------------------------------------------------------------


def _merge_fields(pub: Publication, values: dict[str, Any], source: str, warnings: list[str]) -> list[str]:
    changed = [name for name in FILLABLE if not getattr(pub, name) and values.get(name)]
    for name in changed:
        setattr(pub, name, values[name])
    for name, (label, _normalise) in IDENTIFIERS.items():
        new, old = values.get(name), getattr(pub, name)
        if not new or new == old:
            continue
        if old:
            warnings.append(
                _("%(label)s %(new)s différent de celui déjà connu (%(old)s) : le premier est gardé.")
                % {"label": label, "new": new, "old": old}
            )
        elif name != "pmcid" and Publication.objects.filter(**{name: new}).exclude(pk=pub.pk).exists():
            warnings.append(
                _("%(label)s %(new)s déjà porté par une autre publication : non recopié.")
                % {"label": label, "new": new}
            )
        else:
            setattr(pub, name, new)
            changed.append(name)
    if pub.kind == Publication.Kind.OTHER and values["kind"] != Publication.Kind.OTHER:
        pub.kind = values["kind"]
        changed.append("kind")
    if "abstract" in changed or not pub.language:
        language = detect_language(pub.title, pub.abstract) or pub.language or values["language"]
        if language != pub.language:
            pub.language = language
            changed.append("language")
    keywords = unique_folded([*pub.keywords, *values["keywords"]], MAX_KEYWORDS)
    if keywords != pub.keywords:
        pub.keywords = keywords
        changed.append("keywords")
    grants = merge_grants([*pub.grants, *values["grants"]])
    if grants != pub.grants:
        pub.grants = grants
        changed.append("grants")
    if source not in pub.sources:
        pub.sources = [*pub.sources, source]
        changed.append("sources")
    if changed:
        pub.save(update_fields=[*changed, "updated_at"])
    return changed


def _same_author(old: Authorship, new: Authorship) -> bool:
    if old.orcid and new.orcid:
        return old.orcid == new.orcid
    if family_key(old.family_name) != family_key(new.family_name):
        return False
    return (
        not old.given_names or not new.given_names or given_names_compatible(old.given_names, new.given_names)
    )


def _pairs(existing: list[Authorship], incoming: list[Authorship]) -> list[tuple[Authorship, Authorship]]:
    pairs, used = [], set()
    for old in existing:
        new = next((n for i, n in enumerate(incoming) if i not in used and _same_author(old, n)), None)
        if new is not None:
            used.add(incoming.index(new))
            pairs.append((old, new))
    return pairs


def _create_authors(pub: Publication, authors: list[Authorship], link: dict[str, Any]) -> None:
    for authorship in authors:
        authorship.publication = pub
    pending = assign_links(authors, year=pub.year, **link)
    Authorship.objects.bulk_create(authors)
    save_candidates(pending, replace=False)


def _merge_authors(pub: Publication, incoming: list[Authorship], link: dict[str, Any]) -> bool:
    """Complete the authors of ``pub`` with ``incoming``; True when something changed.

    A longer list replaces a shorter one (an ORCID work lists only its owner; PubMed lists all),
    keeping the links already made, unless a linked author of the old list cannot be found in
    the new one. Otherwise the known authors only gain ORCID iDs and affiliations.
    """
    existing = list(pub.authorships.all())
    if not existing:
        _create_authors(pub, incoming, link)
        return bool(incoming)
    pairs = _pairs(existing, incoming)
    settled = [old for old in existing if old.match not in MACHINE]
    if len(incoming) > len(existing) and all(any(old is o for o, _n in pairs) for old in settled):
        for old, new in pairs:
            new.orcid, new.affiliation = new.orcid or old.orcid, new.affiliation or old.affiliation
            if old.match not in MACHINE:
                new.person_id, new.match = old.person_id, old.match
        pub.authorships.all().delete()
        _create_authors(pub, incoming, link)
        return True
    enriched = []
    for old, new in pairs:
        if (new.orcid and not old.orcid) or (new.affiliation and not old.affiliation):
            old.orcid, old.affiliation = old.orcid or new.orcid, old.affiliation or new.affiliation
            enriched.append(old)
    owner = link.get("owner")
    owner_pending = owner is not None and not any(
        a.person_id == owner.pk and a.match == Match.CONFIRMED for a in existing
    )
    if not enriched and not owner_pending:
        return False
    Authorship.objects.bulk_update(enriched, ["orcid", "affiliation"])
    before = {a.pk: (a.person_id, a.match) for a in existing}
    pending = assign_links(existing, year=pub.year, **link)
    relinked = [a for a in existing if before[a.pk] != (a.person_id, a.match)]
    Authorship.objects.bulk_update(relinked, ["person", "match"])
    save_candidates(pending, replace=True)
    return bool(enriched or relinked)


# --- storing records ----------------------------------------------------------------------------


@transaction.atomic
def save_record(
    record: Record,
    *,
    source: str,
    index: PeopleIndex | None = None,
    owner: Person | None = None,
    unit: Unit | None = None,
) -> Outcome:
    """Store one parsed record, or complete the publication it duplicates (see the module)."""
    warnings: list[str] = []
    values, authors = clean_record(record, warnings)
    if not authors and owner is not None:  # an ORCID work: its owner is the author we know
        authors = [
            Authorship(
                position=1,
                name=f"{owner.last_name}, {owner.first_name}",
                family_name=owner.last_name,
                given_names=owner.first_name,
                orcid=owner.orcid,
            )
        ]
    index = index or PeopleIndex()
    link = {"index": index, "owner": owner, "unit": unit}
    pub = find_duplicate(values)
    if pub is None:
        pub = Publication.objects.create(**values, sources=[source])
        _create_authors(pub, authors, link)
        action = CREATED
        people = [(a.person_id, a.match) for a in authors]
    else:
        changed = _merge_fields(pub, values, source, warnings)
        action = MERGED if _merge_authors(pub, authors, link) or changed else UNCHANGED
        people = list(pub.authorships.values_list("person_id", "match"))
    linked = [pk for pk, match in people if pk and match in LINKED]
    if owner is not None and owner.pk not in linked:
        warnings.append(
            _(
                "Votre nom n'a pas été reconnu parmi les auteurs : la publication n'est pas liée à votre fiche. "
                "Si vous y figurez sous un autre nom, écrivez au secrétariat."
            )
        )
    if unit is not None and linked:
        facts = index.affiliations(linked)
        if not any(f.unit_id == unit.pk for pk in linked for f in facts[pk]):
            warnings.append(_("Aucun auteur reconnu n'appartient à l'unité %(unit)s.") % {"unit": unit})
    return Outcome(
        position=record.position,
        action=action,
        title=pub.title[:300],
        publication=pub.pk,
        warnings=warnings,
        linked=len(linked),
        ambiguous=sum(1 for _pk, match in people if match == Match.AMBIGUOUS),
        person_ids=linked,
    )


def _store(item: Record | RecordError, **options: Any) -> Outcome:
    if isinstance(item, RecordError):
        return Outcome(position=item.position, action=REJECTED, reason=item.reason)
    try:
        return save_record(item, **options)
    except DomainError as exc:
        return Outcome(position=item.position, action=REJECTED, title=item.title[:300], reason=exc.message)
    except Exception:  # one record must not stop the file: it is rolled back and reported
        logger.exception("publication record %s could not be stored", item.position)
        return Outcome(
            position=item.position,
            action=REJECTED,
            title=item.title[:300],
            reason=_("Erreur inattendue en enregistrant cette référence : rien n'en a été gardé."),
        )


def import_records(
    items: Iterable[Record | RecordError],
    *,
    source: str,
    owner: Person | None = None,
    unit: Unit | None = None,
    on_progress: Callable[[int], None] | None = None,
    chunk: int = 50,
) -> list[Outcome]:
    """Store every record of a parser's output, each in its own savepoint.

    A record that fails (a broken record from the parser, a rule broken, an unexpected error)
    leaves nothing behind and is reported with its position; the others are stored. Records are
    committed ``chunk`` at a time (one commit per record would make large files slow), and
    ``on_progress`` is told the number of records done after each commit.
    """
    options = {"source": source, "index": PeopleIndex(), "owner": owner, "unit": unit}
    outcomes: list[Outcome] = []
    touched: set[int] = set()
    stream = iter(items)
    while True:
        with transaction.atomic():
            batch = [_store(item, **options) for item in islice(stream, chunk)]
        for outcome in batch:
            touched.update(outcome.person_ids)
        outcomes += batch
        if on_progress is not None and batch:
            on_progress(len(outcomes))
        if len(batch) < chunk:
            break
    announce(touched)
    return outcomes


# --- decisions on author links -----------------------------------------------------------------


def _locked(authorship: Authorship) -> Authorship:
    try:
        return Authorship.objects.select_for_update().select_related("publication").get(pk=authorship.pk)
    except Authorship.DoesNotExist as exc:
        raise NotFound(_("Cet auteur n'existe plus.")) from exc


def _already_on(authorship: Authorship, person: Person) -> bool:
    return (
        Authorship.objects.filter(publication_id=authorship.publication_id, person=person, match__in=LINKED)
        .exclude(pk=authorship.pk)
        .exists()
    )


def _link(authorship: Authorship, person: Person | None, match: str) -> None:
    authorship.person, authorship.match = person, match
    authorship.save(update_fields=["person", "match"])
    authorship.candidates.all().delete()


@transaction.atomic
def claim_authorship(*, authorship: Authorship, person: Person, actor: Any) -> Authorship:
    """``person`` says "this author is me": linked and confirmed."""
    authorship = _locked(authorship)
    if authorship.person_id == person.pk and authorship.match == Match.CONFIRMED:
        return authorship
    if authorship.person_id and authorship.person_id != person.pk and authorship.match in LINKED:
        raise InvalidState(_("Cet auteur est déjà lié à une autre personne de l'annuaire."))
    if _already_on(authorship, person):
        raise InvalidState(_("Vous êtes déjà lié à un autre auteur de cette publication."))
    same_name = family_key(authorship.family_name or authorship.name) == family_key(person.last_name)
    if not same_name and not is_secretariat(actor):
        raise InvalidInput(
            _(
                "Le nom publié « %(name)s » ne correspond pas au vôtre : demandez au secrétariat de faire le lien."
            )
            % {"name": authorship.name}
        )
    _link(authorship, person, Match.CONFIRMED)
    record_audit(
        action="outputs.authorship.claimed",
        actor=actor,
        target=authorship.publication,
        data={"authorship": authorship.pk, "position": authorship.position, "person": person.pk},
    )
    announce([person.pk])
    return authorship


@transaction.atomic
def unclaim_authorship(*, authorship: Authorship, person: Person, actor: Any) -> Authorship:
    """``person`` says "this is not me": the link (or their candidacy) is dropped for good."""
    authorship = _locked(authorship)
    if authorship.person_id == person.pk:
        _link(authorship, None, Match.REJECTED)
    elif authorship.candidates.filter(person=person).exists():
        authorship.candidates.filter(person=person).delete()
        if not authorship.candidates.exists():
            authorship.match = Match.UNMATCHED
            authorship.save(update_fields=["match"])
    else:
        raise NotFound(_("Cet auteur n'est pas lié à vous."))
    record_audit(
        action="outputs.authorship.rejected",
        actor=actor,
        target=authorship.publication,
        data={
            "authorship": authorship.pk,
            "position": authorship.position,
            "person": person.pk,
            "by": "person",
        },
    )
    announce([person.pk])
    return authorship


@transaction.atomic
def confirm_candidate(*, authorship: Authorship, person: Person, actor: Any) -> Authorship:
    """The secretariat settles an ambiguous author: it is ``person``, one of the candidates."""
    authorship = _locked(authorship)
    if authorship.match != Match.AMBIGUOUS:
        raise InvalidState(_("Cet auteur a déjà été traité."))
    candidate = AuthorCandidate.objects.filter(authorship=authorship, person=person).first()
    if candidate is None:
        raise InvalidInput(_("Cette personne n'est pas parmi les candidats proposés."), field="person")
    if _already_on(authorship, person):
        raise InvalidState(_("Cette personne est déjà liée à un autre auteur de cette publication."))
    _link(authorship, person, Match.CONFIRMED)
    record_audit(
        action="outputs.authorship.confirmed",
        actor=actor,
        target=authorship.publication,
        data={"authorship": authorship.pk, "person": person.pk, "score": candidate.score},
    )
    announce([person.pk])
    return authorship


@transaction.atomic
def reject_candidates(*, authorship: Authorship, actor: Any) -> Authorship:
    """The secretariat settles an ambiguous author: none of the candidates, an outside author."""
    authorship = _locked(authorship)
    if authorship.match != Match.AMBIGUOUS:
        raise InvalidState(_("Cet auteur a déjà été traité."))
    candidates = list(authorship.candidates.values_list("person_id", flat=True))
    _link(authorship, None, Match.REJECTED)
    record_audit(
        action="outputs.authorship.rejected",
        actor=actor,
        target=authorship.publication,
        data={"authorship": authorship.pk, "candidates": candidates, "by": "secretariat"},
    )
    return authorship
