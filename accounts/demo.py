"""Demo accounts: one per standing role, all sharing one password that the CLI prints.

Used by ``manage.py seed_demo`` (see ``directory.demo``), never by the running site. Every
address is verified and primary (allauth refuses unverified logins: verification is mandatory).
The directory records of these accounts are made by ``directory.demo``, since the directory
builds on accounts and not the other way round.

Loading writes no audit row per account: the seeding records one summary entry.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Role, RoleGrant, User

DEMO_DOMAIN = "demo.canceropole.fr"
DEMO_PASSWORD = "demo-canceropole-idf"  # noqa: S105 - printed on purpose: demo accounts only


@dataclass(frozen=True)
class DemoAccount:
    role: str
    local_part: str
    first_name: str
    last_name: str
    gender: str  # "woman" / "man", for the directory record and its titles
    extra_roles: tuple[str, ...] = ()
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role, *self.extra_roles)


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(Role.RESEARCHER, "chercheuse", "Léa", "Fontaine", "woman"),
    DemoAccount(Role.TEAM_LEADER, "chef-equipe", "Julien", "Mercier-Lambert", "man", (Role.RESEARCHER,)),
    DemoAccount(Role.REVIEWER, "expert", "Hélène", "Garnier", "woman", (Role.RESEARCHER,)),
    DemoAccount(Role.COMMITTEE_MEMBER, "comite", "Marc-Antoine", "Rivière", "man", (Role.RESEARCHER,)),
    DemoAccount(Role.COPS_MEMBER, "cops", "Nathalie", "Bensaïd", "woman", (Role.RESEARCHER,)),
    DemoAccount(Role.ASSEMBLY_REPRESENTATIVE, "assemblee", "François", "Dubreuil", "man", (Role.RESEARCHER,)),
    DemoAccount(Role.SECRETARIAT, "secretariat", "Sophie", "Marchal", "woman"),
    DemoAccount(Role.ADMINISTRATOR, "admin", "Thomas", "Perrin", "man", is_superuser=True),
)


def demo_account(role: str) -> DemoAccount:
    return next(a for a in DEMO_ACCOUNTS if a.role == role)


@transaction.atomic
def create_demo_accounts(*, password: str = DEMO_PASSWORD) -> dict[str, User]:
    """Create (or bring back to their demo state) the demo accounts, keyed by their main role."""
    hashed = make_password(password)  # hashed once: the accounts share it
    users: dict[str, User] = {}
    for spec in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            email=spec.email,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "password": hashed,
                "is_active": True,
                "is_staff": spec.is_superuser,
                "is_superuser": spec.is_superuser,
            },
        )
        RoleGrant.objects.filter(user=user).exclude(role__in=spec.roles).delete()
        for role in spec.roles:
            RoleGrant.objects.get_or_create(user=user, role=role)
        EmailAddress.objects.filter(user=user).exclude(email__iexact=spec.email).delete()
        EmailAddress.objects.update_or_create(
            user=user, email=spec.email, defaults={"verified": True, "primary": True}
        )
        user.__dict__.pop("_role_cache", None)
        users[spec.role] = user
    return users


@transaction.atomic
def delete_demo_accounts() -> int:
    """Delete every account of the demo domain (their directory records lose their link)."""
    accounts = User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}")
    count = accounts.count()
    accounts.delete()
    return count


def demo_accounts(*, password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """(role label, e-mail, password) for each demo account, for the command to print."""
    return [(str(Role(spec.role).label), spec.email, password) for spec in DEMO_ACCOUNTS]
