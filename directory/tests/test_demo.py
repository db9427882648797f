"""The demo-data generator: deterministic, valid identifiers, sizes, accounts that can sign in."""

import datetime as dt
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import Role, User
from core.models import AuditEntry
from directory import demo, identifiers
from directory.demo import data
from directory.models import (
    Affiliation,
    CareerStage,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
    UnitParent,
)
from directory.selectors import PersonFilters, search_people
from directory.services import fold, refresh_search_text

TODAY = dt.date(2026, 1, 15)
SCALE = 0.1  # 6 units, 25 teams, 300 people


def _people_fingerprint() -> list[tuple[str, str, str, str]]:
    return sorted(Person.objects.values_list("last_name", "first_name", "orcid", "email"))


@pytest.fixture
def seeded(db):  # type: ignore[no-untyped-def]
    return demo.generate(size="small", seed=3, scale=SCALE, today=TODAY)


def test_sizes_of_the_small_and_large_sets():
    assert demo.SIZES["small"] == demo.Size(units=60, teams=250, people=3000)
    assert demo.SIZES["large"].people >= 20_000
    assert demo.SIZES["small"].scaled(SCALE) == demo.Size(units=6, teams=25, people=300)


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    demo.generate(seed=11, scale=0.05, today=TODAY)
    first, first_digest = _people_fingerprint(), demo.dataset_digest()
    demo.wipe()
    assert not Person.objects.exists()
    demo.generate(seed=11, scale=0.05, today=TODAY + dt.timedelta(days=40))  # dates move, the rest stays
    assert _people_fingerprint() == first
    assert demo.dataset_digest() == first_digest
    demo.wipe()
    demo.generate(seed=12, scale=0.05, today=TODAY)
    assert _people_fingerprint() != first
    assert demo.dataset_digest() != first_digest


def test_counts_follow_the_requested_size(seeded):
    assert seeded.counts["people"] == Person.objects.count() == 300
    assert Unit.objects.count() == 6
    assert Team.objects.count() == 25
    assert Institution.objects.filter(kind=Institution.Kind.MEMBER).count() == 7
    assert Institution.objects.filter(kind=Institution.Kind.PARTNER).count() == 14
    assert Institution.objects.filter(kind=Institution.Kind.OTHER).count() >= 3
    assert Keyword.objects.filter(is_theme=True).count() == 10
    assert Platform.objects.count() == 20
    assert TechTransferOffice.objects.count() >= 5
    assert not Institution.objects.filter(latitude__isnull=True).exists()


def test_identifiers_are_valid_and_unique(seeded):
    orcids = list(Person.objects.exclude(orcid="").values_list("orcid", flat=True))
    assert len(orcids) > 150
    assert len(set(orcids)) == len(orcids)
    for orcid in orcids:
        assert identifiers.normalise_orcid(orcid) == orcid
        assert "0000-0001-5000-0000" <= orcid <= "0000-0003-9999-9999"
    idrefs = list(Person.objects.exclude(idref="").values_list("idref", flat=True))
    assert idrefs
    assert all(identifiers.normalise_idref(value) == value for value in idrefs)
    rnsrs = list(Unit.objects.values_list("rnsr", flat=True))
    assert len(set(rnsrs)) == len(rnsrs)
    assert all(identifiers.normalise_rnsr(value) == value for value in rnsrs)
    verified = {
        "02vjkv261",
        "02feahw73",
        "04t0gwh46",
        "0321g0743",
        "02en5vm52",
        "05f82e368",
        "00pg5jh14",
        "0495fxg12",
        "00jjx8s55",
        "03xjwb503",
    }
    rors = set(Institution.objects.exclude(ror="").values_list("ror", flat=True))
    assert rors == verified
    assert all(identifiers.normalise_ror(value) == value for value in rors)


def test_people_look_like_a_research_network(seeded):
    stages = Counter(Person.objects.values_list("career_stage", flat=True))
    assert stages[CareerStage.PHD_STUDENT] + stages[CareerStage.POSTDOC] > 0.25 * 300
    assert stages[CareerStage.RESEARCHER] + stages[CareerStage.TEACHER_RESEARCHER] > 0.15 * 300
    genders = Counter(Person.objects.values_list("gender", flat=True))
    assert 0.4 < genders[Person.Gender.WOMAN] / 300 < 0.65
    names = list(Person.objects.values_list("first_name", "last_name"))
    assert any(fold(first) != first.lower() or fold(last) != last.lower() for first, last in names)  # accents
    assert any("-" in first or "-" in last or " " in last for first, last in names)  # compound names
    assert Person.objects.exclude(bio="").count() > 100
    assert Person.objects.exclude(visibility={}).exists()
    assert Person.keywords.through.objects.count() > 300


def test_affiliations_are_consistent(seeded):
    assert not Person.objects.filter(affiliations__isnull=True).exists()
    assert Affiliation.objects.filter(is_primary=True).count() == 300
    assert Affiliation.objects.filter(end__isnull=False).exists()  # some past positions
    for aff in Affiliation.objects.filter(unit__isnull=False).select_related("team"):
        assert UnitParent.objects.filter(unit_id=aff.unit_id, institution_id=aff.institution_id).exists()
        assert aff.team is None or aff.team.unit_id == aff.unit_id
        assert aff.end is None or aff.start <= aff.end <= TODAY
    assert not Team.objects.filter(leaders__isnull=True).exists()
    assert not Unit.objects.filter(director__isnull=True).exists()


def _words(person: Person) -> tuple[list[str], list[str]]:
    # Word order may differ (the database sorts labels by its own collation); searches ignore it.
    return sorted(person.search_text.split()), sorted(person.public_search_text.split())


def test_search_texts_are_what_the_service_builds(seeded):
    people = list(Person.objects.all())
    stored = {p.pk: _words(p) for p in people}
    refresh_search_text(people)
    assert {p.pk: _words(p) for p in Person.objects.all()} == stored
    assert all(network for network, _ in stored.values())
    assert any(network != public for network, public in stored.values())  # some hide fields from the public


def test_people_are_found_by_the_directory_search(seeded):
    member = User.objects.get(email="chercheuse@demo.canceropole.fr")
    person = Person.objects.filter(affiliations__team__isnull=False, visibility={}).first()
    team = person.affiliations.get(is_primary=True).team
    for viewer in (None, member):
        assert person in search_people(PersonFilters(q=f"{person.last_name} {person.first_name}"), viewer)
        assert person in search_people(PersonFilters(q=f"{person.last_name} {team.name}"), viewer)


def test_seeding_writes_one_summary_audit_entry(seeded):
    entries = list(AuditEntry.objects.values_list("action", flat=True))
    assert entries == ["directory.demo.seeded"]
    entry = AuditEntry.objects.get()
    assert entry.data["counts"]["people"] == 300
    assert entry.data["digest"] == seeded.digest == demo.dataset_digest()


def test_demo_accounts_have_their_roles_verified_addresses_and_records(seeded, client):
    assert len(seeded.credentials) == len(Role.values) == len(DEMO_ACCOUNTS)
    for (label, email, password), spec in zip(seeded.credentials, DEMO_ACCOUNTS, strict=True):
        user = User.objects.get(email=email)
        assert label == Role(spec.role).label
        assert password == DEMO_PASSWORD
        assert user.has_role(spec.role)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        assert client.login(email=email, password=password)
        client.logout()
    admin = User.objects.get(email=DEMO_ACCOUNTS[-1].email)
    assert admin.is_superuser and admin.is_staff
    with_record = set(
        Person.objects.filter(user__isnull=False).values_list("user__role_grants__role", flat=True)
    )
    assert {
        Role.RESEARCHER,
        Role.TEAM_LEADER,
        Role.REVIEWER,
        Role.COMMITTEE_MEMBER,
        Role.COPS_MEMBER,
        Role.ASSEMBLY_REPRESENTATIVE,
    } <= with_record
    assert not Person.objects.filter(
        user__role_grants__role__in=[Role.SECRETARIAT, Role.ADMINISTRATOR]
    ).exists()
    leader = Person.objects.get(user__email="chef-equipe@demo.canceropole.fr")
    assert leader.led_teams.exists()
    assert leader.affiliations.filter(end__isnull=True, team__isnull=False).exists()


def test_demo_researcher_signs_in_through_the_login_form(seeded, client):
    response = client.post(
        reverse("account_login"), {"login": "chercheuse@demo.canceropole.fr", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="chercheuse@demo.canceropole.fr").pk)


# --- the command -----------------------------------------------------------------------------


def _run(*args: str, **options) -> str:  # type: ignore[no-untyped-def]
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_command_seeds_prints_accounts_and_refuses_a_second_run_without_reset():
    output = _run("--scale", "0.05", "--seed", "5")
    assert "chercheuse@demo.canceropole.fr" in output and DEMO_PASSWORD in output
    people = _people_fingerprint()
    with pytest.raises(CommandError, match="--reset"):
        _run("--scale", "0.05")
    assert _people_fingerprint() == people
    _run("--scale", "0.05", "--seed", "5", "--reset")
    assert _people_fingerprint() == people
    assert User.objects.filter(email__endswith="@demo.canceropole.fr").count() == len(DEMO_ACCOUNTS)
    assert AuditEntry.objects.filter(action="directory.demo.wiped").count() == 1


@pytest.mark.django_db
def test_command_will_not_wipe_a_directory_it_did_not_create():
    from directory.tests.factories import AffiliationFactory

    AffiliationFactory()
    with pytest.raises(CommandError, match="--force"):
        _run("--scale", "0.05", "--reset")
    assert Person.objects.count() == 1
    _run("--scale", "0.05", "--reset", "--force")
    assert Person.objects.count() == 150


@pytest.mark.django_db
def test_command_refuses_a_real_mail_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with pytest.raises(CommandError, match="courrier"):
        _run("--scale", "0.05")
    assert not Person.objects.exists()


def test_curated_data_is_self_consistent():
    keys = {row[0] for row in data.INSTITUTIONS}
    assert all(set(parents.split()) <= keys for *_, parents in data.UNITS)
    assert all(p[2] in keys for p in data.PLATFORMS)
    assert all(set(t[3].split()) <= keys for t in data.TECH_TRANSFER_OFFICES)
    assert len(data.PLATFORMS) == 20 and len(data.THEMES) == 10
    assert len(data.UNITS) >= 40 and len(data.TEAM_THEMES) >= 50
