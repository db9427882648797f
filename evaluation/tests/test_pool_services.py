"""The reviewer pool's services: invitations, answers, replacement, loads, removal, reminders."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import formats, timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, staff_user
from calls.models import Stage
from core.errors import InvalidInput, InvalidState, NotFound, StaleVersion
from core.models import AuditEntry
from directory.tests.factories import AffiliationFactory, PersonFactory
from evaluation.models import Assignment, Campaign, PoolMember, Review, ReviewerRole
from evaluation.services import pool as services
from evaluation.tests.factories import AssignmentFactory, CampaignFactory, PoolMemberFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():  # type: ignore[no-untyped-def]
    return staff_user()


@pytest.fixture
def campaign():  # type: ignore[no-untyped-def]
    return CampaignFactory(
        status=Campaign.Status.SETUP,
        default_min_load=1,
        default_max_load=4,
        review_deadline=dt.datetime(2027, 3, 15, 11, 0, tzinfo=dt.UTC),
    )


@pytest.fixture
def send(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run a service and deliver the e-mails it schedules on commit."""

    def run(function, **kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def _external(campaign, actor, send, **kwargs):  # type: ignore[no-untyped-def]
    values = {"name": "Ada Lovelace", "email": "Ada@Example.ORG", "institution_name": "University of London"}
    values.update(kwargs)
    return send(
        services.add_pool_member, campaign=campaign, role=ReviewerRole.EXTERNAL, actor=actor, **values
    )


# --- adding ----------------------------------------------------------------------------------


def test_add_from_directory_takes_name_email_institution_and_account(campaign, actor, send):
    user = UserFactory(email="marie@inserm.example")
    affiliation = AffiliationFactory(person__user=user, person__email="marie@inserm.example")
    AffiliationFactory(person=affiliation.person, end=dt.date(2020, 1, 1))  # an old one, ignored
    person = affiliation.person

    member = send(
        services.add_pool_member, campaign=campaign, role=ReviewerRole.RAPPORTEUR, person=person, actor=actor
    )

    assert member.status == PoolMember.Status.INVITED
    assert (member.name, member.email, member.user, member.person) == (
        person.full_name,
        user.email,
        user,
        person,
    )
    assert member.institution == affiliation.institution
    assert (member.min_load, member.max_load) == (1, 4)  # the campaign's defaults
    assert len(member.invitation_token) >= 40 and member.invited_at and member.invited_by == actor
    [message] = mail.outbox
    assert message.to == ["marie@inserm.example"]
    assert f"/evaluation/invitations/{member.invitation_token}/" in message.body
    assert campaign.call.title_fr in message.subject
    assert "Rapporteur·e du comité" in message.body
    assert "confidentiels" in message.body and "conflit d'intérêts" in message.body
    assert "lundi 15 mars 2027 à 12:00" in message.body  # the deadline, Paris time
    entry = AuditEntry.objects.get(action="evaluation.pool.member_added")
    assert entry.actor == actor and entry.target_id == str(member.pk) and entry.data["person"] == person.pk


def test_add_outside_expert_in_english(campaign, actor, send):
    member = _external(campaign, actor, send, language="en", min_load=2, max_load=3)

    assert (member.email, member.person, member.user) == ("ada@example.org", None, None)
    assert member.institution_label == "University of London"
    assert (member.min_load, member.max_load, member.language) == (2, 3, "en")
    [message] = mail.outbox
    assert campaign.call.title_en in message.subject and campaign.call.title_fr not in message.subject
    assert "Monday 15 March 2027, 12:00" in message.body  # dates written the English way


def test_duplicates_are_refused_until_removed(campaign, actor, send):
    person = PersonFactory(email="dup@example.org")
    first = send(
        services.add_pool_member, campaign=campaign, role=ReviewerRole.EXTERNAL, person=person, actor=actor
    )

    with pytest.raises(InvalidInput) as same_email:
        _external(campaign, actor, send, email="DUP@example.org")
    assert same_email.value.field == "email" and first.name in same_email.value.message
    with pytest.raises(InvalidInput) as same_person:
        send(
            services.add_pool_member,
            campaign=campaign,
            role=ReviewerRole.RAPPORTEUR,
            person=person,
            actor=actor,
        )
    assert same_person.value.field == "person"

    services.remove_member(member=first, actor=actor)
    again = send(
        services.add_pool_member, campaign=campaign, role=ReviewerRole.RAPPORTEUR, person=person, actor=actor
    )
    assert again.pk != first.pk and PoolMember.objects.filter(campaign=campaign).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_load": 5, "max_load": 2}, "max_load"),
        ({"name": " "}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"language": "de"}, "language"),
    ],
)
def test_invalid_input_is_refused(campaign, actor, send, kwargs, field):
    with pytest.raises(InvalidInput) as error:
        _external(campaign, actor, send, **kwargs)
    assert error.value.field == field
    assert not PoolMember.objects.exists() and not mail.outbox


def test_letters_of_intent_have_rapporteurs_only(actor, send):
    campaign = CampaignFactory(stage=Stage.LETTER_OF_INTENT)
    with pytest.raises(InvalidInput) as error:
        _external(campaign, actor, send)
    assert error.value.field == "role"


def test_person_without_email_must_be_invited_as_outside_expert(campaign, actor, send):
    person = PersonFactory(email="")
    with pytest.raises(InvalidInput) as error:
        send(
            services.add_pool_member,
            campaign=campaign,
            role=ReviewerRole.EXTERNAL,
            person=person,
            actor=actor,
        )
    assert error.value.field == "person"


def test_add_without_invitation_sends_nothing(campaign, actor, send):
    member = _external(campaign, actor, send, invite=False)
    assert member.invited_at is None and member.status == PoolMember.Status.INVITED and not mail.outbox


# --- answers ---------------------------------------------------------------------------------


def test_accept_with_an_account_links_it_and_records_a_mismatch(campaign, actor, send):
    member = _external(campaign, actor, send)
    user = UserFactory(email="ada.lovelace@work.example")
    person = PersonFactory(user=user)

    accepted = services.accept_invitation(token=member.invitation_token, user=user)

    assert accepted.status == PoolMember.Status.ACCEPTED and accepted.user == user and accepted.responded_at
    assert accepted.person == person  # the account's directory record, useful for conflicts
    assert accepted.version == member.version + 1
    entry = AuditEntry.objects.get(action="evaluation.pool.invitation_accepted")
    assert entry.actor == user
    assert entry.data["email_mismatch"] is True and entry.data["invited_email"] == "ada@example.org"


def test_an_invitation_is_answered_once(campaign, actor, send):
    member = _external(campaign, actor, send)
    user = UserFactory(email="ada@example.org")
    services.accept_invitation(token=member.invitation_token, user=user)

    with pytest.raises(InvalidState) as twice:
        services.accept_invitation(token=member.invitation_token, user=user)
    assert "déjà répondu" in twice.value.message
    with pytest.raises(InvalidState):
        services.decline_invitation(token=member.invitation_token, reason="finalement non")
    member.refresh_from_db()
    assert member.status == PoolMember.Status.ACCEPTED and member.decline_reason == ""


def test_unknown_token(campaign):
    with pytest.raises(NotFound):
        services.accept_invitation(token="nope", user=UserFactory())
    with pytest.raises(NotFound):
        services.decline_invitation(token="")


def test_accept_creating_an_account(campaign, actor, send):
    member = _external(campaign, actor, send, language="en")

    accepted, user = services.accept_invitation_creating_account(
        token=member.invitation_token, password="a-long-pass-phrase", first_name="Ada", last_name="Lovelace"
    )

    assert accepted.status == PoolMember.Status.ACCEPTED and accepted.user == user
    assert user.email == "ada@example.org" and user.check_password("a-long-pass-phrase")
    assert (user.first_name, user.last_name, user.language) == ("Ada", "Lovelace", "en")
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
    assert user.has_role(Role.RESEARCHER)  # the project's sign-up path
    assert AuditEntry.objects.filter(action="accounts.user.signed_up", actor=user).exists()
    assert AuditEntry.objects.filter(action="evaluation.pool.invitation_accepted", actor=user).exists()


def test_account_creation_refuses_weak_passwords_and_existing_accounts(campaign, actor, send):
    member = _external(campaign, actor, send)
    with pytest.raises(InvalidInput) as weak:
        services.accept_invitation_creating_account(token=member.invitation_token, password="123")
    assert weak.value.field == "password"
    assert not User.objects.filter(email="ada@example.org").exists()

    UserFactory(email="ada@example.org")
    with pytest.raises(InvalidState):
        services.accept_invitation_creating_account(
            token=member.invitation_token, password="a-long-pass-phrase"
        )
    member.refresh_from_db()
    assert member.status == PoolMember.Status.INVITED


def test_decline_with_a_suggestion(campaign, actor, send):
    member = _external(campaign, actor, send)
    declined = services.decline_invitation(
        token=member.invitation_token, reason="Trop de travail", suggestion="Grace Hopper, grace@navy.example"
    )
    assert declined.status == PoolMember.Status.DECLINED and declined.responded_at
    assert (declined.decline_reason, declined.suggestion) == (
        "Trop de travail",
        "Grace Hopper, grace@navy.example",
    )
    assert (
        AuditEntry.objects.get(action="evaluation.pool.invitation_declined")
        .data["suggestion"]
        .startswith("Grace")
    )


def test_a_decided_campaign_takes_no_answers(campaign, actor, send):
    member = _external(campaign, actor, send)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DECIDED)
    with pytest.raises(InvalidState):
        services.accept_invitation(token=member.invitation_token, user=UserFactory())


# --- staff changes ---------------------------------------------------------------------------


def test_replace_a_decliner_in_one_action(actor, send):
    assignment = AssignmentFactory(
        member__role=ReviewerRole.RAPPORTEUR, member__min_load=2, member__max_load=5
    )
    reviewed = AssignmentFactory(member=assignment.member)
    ReviewFactory(assignment=reviewed, status=Review.Status.SUBMITTED)
    member = assignment.member
    PoolMember.objects.filter(pk=member.pk).update(status=PoolMember.Status.DECLINED, suggestion="Grace")

    replacement = send(
        services.replace_member, member=member, actor=actor, name="Grace Hopper", email="grace@navy.example"
    )

    assert replacement.replaces == member and replacement.status == PoolMember.Status.INVITED
    assert (replacement.role, replacement.min_load, replacement.max_load) == (ReviewerRole.RAPPORTEUR, 2, 5)
    member.refresh_from_db()
    assert member.status == PoolMember.Status.DECLINED  # stays for the record
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED and assignment.declined_reason == "remplacé·e"
    reviewed.refresh_from_db()
    assert reviewed.status == Assignment.Status.NOTIFIED  # a submitted review is kept
    assert [m.to for m in mail.outbox] == [["grace@navy.example"]]
    entry = AuditEntry.objects.get(action="evaluation.pool.member_replaced")
    assert entry.data == {
        "replacement": replacement.pk,
        "previous_status": "declined",
        "assignments_declined": 1,
    }

    with pytest.raises(InvalidState):
        services.replace_member(member=member, actor=actor, name="Someone", email="else@example.org")


def test_replacing_someone_who_did_not_answer_takes_them_out(campaign, actor, send):
    member = _external(campaign, actor, send)
    send(services.replace_member, member=member, actor=actor, name="Grace Hopper", email="grace@navy.example")
    member.refresh_from_db()
    assert member.status == PoolMember.Status.REMOVED


def test_replacement_failure_changes_nothing(actor, send):
    member = PoolMemberFactory(status=PoolMember.Status.DECLINED)
    other = PoolMemberFactory(campaign=member.campaign)
    with pytest.raises(InvalidInput):
        services.replace_member(member=member, actor=actor, name="Twin", email=other.email)
    assert not member.replacements.exists()


def test_update_member_checks_the_version(campaign, actor, send):
    member = _external(campaign, actor, send)
    updated = services.update_member(
        member=member,
        role=ReviewerRole.RAPPORTEUR,
        min_load=0,
        max_load=2,
        expected_version=member.version,
        actor=actor,
    )
    assert (updated.role, updated.min_load, updated.max_load) == (ReviewerRole.RAPPORTEUR, 0, 2)
    entry = AuditEntry.objects.get(action="evaluation.pool.member_updated")
    assert entry.data["role"] == [ReviewerRole.EXTERNAL, ReviewerRole.RAPPORTEUR]

    with pytest.raises(StaleVersion):
        services.update_member(
            member=member,
            role=ReviewerRole.RAPPORTEUR,
            min_load=0,
            max_load=9,
            expected_version=member.version,
            actor=actor,
        )
    with pytest.raises(InvalidInput):
        services.update_member(
            member=updated,
            role=ReviewerRole.RAPPORTEUR,
            min_load=3,
            max_load=2,
            expected_version=updated.version,
            actor=actor,
        )


def test_role_cannot_change_under_assignments(actor):
    assignment = AssignmentFactory()
    member = assignment.member
    with pytest.raises(InvalidInput) as error:
        services.update_member(
            member=member,
            role=ReviewerRole.RAPPORTEUR,
            min_load=0,
            max_load=6,
            expected_version=member.version,
            actor=actor,
        )
    assert error.value.field == "role"


def test_remove_member(actor):
    assignment = AssignmentFactory()
    removed = services.remove_member(member=assignment.member, actor=actor)
    assert removed.status == PoolMember.Status.REMOVED
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED
    assert AuditEntry.objects.filter(
        action="evaluation.pool.member_removed", target_id=str(removed.pk)
    ).exists()
    with pytest.raises(InvalidState):
        services.remove_member(member=removed, actor=actor)


def test_a_member_with_submitted_reviews_stays(actor):
    review = ReviewFactory(status=Review.Status.SUBMITTED)
    with pytest.raises(InvalidState):
        services.remove_member(member=review.assignment.member, actor=actor)
    assert PoolMember.objects.get(pk=review.assignment.member_id).status == PoolMember.Status.ACCEPTED


def test_remind_sends_again_to_those_who_did_not_answer(campaign, actor, send):
    waiting = _external(campaign, actor, send)
    never_sent = _external(
        campaign, actor, send, name="Grace Hopper", email="grace@navy.example", invite=False
    )
    PoolMemberFactory(campaign=campaign)  # accepted: not reminded
    mail.outbox.clear()

    count = send(services.remind_invitations, campaign=campaign, actor=actor)

    assert count == 2
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert set(subjects) == {"ada@example.org", "grace@navy.example"}
    assert "Relance" in subjects["ada@example.org"] and "Relance" not in subjects["grace@navy.example"]
    waiting.refresh_from_db()
    never_sent.refresh_from_db()
    assert waiting.last_reminder_at and never_sent.invited_at and never_sent.last_reminder_at is None
    entry = AuditEntry.objects.get(action="evaluation.pool.reminded")
    assert sorted(entry.data["members"]) == sorted([waiting.pk, never_sent.pk])


def test_answered_date_is_in_the_message(campaign, actor, send):
    member = _external(campaign, actor, send)
    services.decline_invitation(token=member.invitation_token)
    with pytest.raises(InvalidState) as error:
        services.decline_invitation(token=member.invitation_token)
    assert formats.date_format(timezone.localdate()) in error.value.message
