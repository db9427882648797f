"""Decisions on author links: a person's "c'est moi" / "ce n'est pas moi", the secretariat's queue."""

import pytest

from core.errors import InvalidInput, InvalidState, NotFound
from core.models import AuditEntry
from outputs import services
from outputs.models import Authorship
from outputs.signals import publications_changed
from outputs.tests.factories import AuthorCandidateFactory, AuthorshipFactory

Match = Authorship.Match


@pytest.fixture
def ambiguous(network):  # type: ignore[no-untyped-def]
    """ "Martin, Claire": two Claire Martin in the directory."""
    a = AuthorshipFactory(family_name="Martin", given_names="Claire", match=Match.AMBIGUOUS)
    AuthorCandidateFactory(authorship=a, person=network.claire_1, score=0.8)
    AuthorCandidateFactory(authorship=a, person=network.claire_2, score=0.8)
    return a


def test_claim_links_and_confirms(network, django_capture_on_commit_callbacks):
    a = AuthorshipFactory(family_name="Lefèvre", given_names="M", match=Match.AMBIGUOUS)
    AuthorCandidateFactory(authorship=a, person=network.marie)
    received = []
    publications_changed.connect(lambda **kw: received.append(kw["person_ids"]), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.claim_authorship(authorship=a, person=network.marie, actor=network.marie_user)
    finally:
        publications_changed.disconnect(dispatch_uid="t")
    a.refresh_from_db()
    assert (a.person, a.match) == (network.marie, Match.CONFIRMED) and not a.candidates.exists()
    entry = AuditEntry.objects.get(action="outputs.authorship.claimed")
    assert entry.actor == network.marie_user and entry.data["person"] == network.marie.pk
    assert received == [[network.marie.pk]]


def test_claim_refuses_another_persons_author_and_another_name(network, staff):
    taken = AuthorshipFactory(
        family_name="Lefèvre", given_names="Marie", person=network.marie, match=Match.ORCID
    )
    with pytest.raises(InvalidState):
        services.claim_authorship(authorship=taken, person=network.thi_lan, actor=network.marie_user)
    stranger = AuthorshipFactory(family_name="Smith", given_names="John")
    with pytest.raises(InvalidInput, match="ne correspond pas au vôtre"):
        services.claim_authorship(authorship=stranger, person=network.marie, actor=network.marie_user)
    services.claim_authorship(authorship=stranger, person=network.marie, actor=staff)  # the secretariat may
    assert not AuditEntry.objects.filter(actor=network.marie_user).exists()


def test_claim_refuses_a_second_author_of_the_same_paper(network):
    first = AuthorshipFactory(
        family_name="Lefèvre", given_names="Marie", person=network.marie, match=Match.ORCID
    )
    second = AuthorshipFactory(publication=first.publication, family_name="Lefèvre", given_names="M")
    with pytest.raises(InvalidState, match="déjà lié"):
        services.claim_authorship(authorship=second, person=network.marie, actor=network.marie_user)


def test_unclaim_drops_the_link_for_good(network):
    a = AuthorshipFactory(person=network.marie, match=Match.NAME_AFFILIATION)
    services.unclaim_authorship(authorship=a, person=network.marie, actor=network.marie_user)
    a.refresh_from_db()
    assert (a.person, a.match) == (None, Match.REJECTED)
    assert AuditEntry.objects.get(action="outputs.authorship.rejected").data["by"] == "person"


def test_unclaim_a_candidacy_leaves_the_other_candidates(network, ambiguous):
    services.unclaim_authorship(authorship=ambiguous, person=network.claire_1, actor=network.marie_user)
    ambiguous.refresh_from_db()
    assert ambiguous.match == Match.AMBIGUOUS
    assert [c.person for c in ambiguous.candidates.all()] == [network.claire_2]
    services.unclaim_authorship(authorship=ambiguous, person=network.claire_2, actor=network.marie_user)
    ambiguous.refresh_from_db()
    assert ambiguous.match == Match.UNMATCHED
    with pytest.raises(NotFound):
        services.unclaim_authorship(authorship=ambiguous, person=network.marie, actor=network.marie_user)


def test_the_secretariat_confirms_one_candidate(network, ambiguous, staff):
    services.confirm_candidate(authorship=ambiguous, person=network.claire_2, actor=staff)
    ambiguous.refresh_from_db()
    assert (ambiguous.person, ambiguous.match) == (network.claire_2, Match.CONFIRMED)
    assert not ambiguous.candidates.exists()
    entry = AuditEntry.objects.get(action="outputs.authorship.confirmed")
    assert entry.actor == staff and entry.data == {
        "authorship": ambiguous.pk,
        "person": network.claire_2.pk,
        "score": 0.8,
    }
    with pytest.raises(InvalidState, match="déjà été traité"):
        services.reject_candidates(authorship=ambiguous, actor=staff)


def test_the_secretariat_cannot_pick_someone_who_was_not_proposed(network, ambiguous, staff):
    with pytest.raises(InvalidInput, match="pas parmi les candidats"):
        services.confirm_candidate(authorship=ambiguous, person=network.marie, actor=staff)


def test_the_secretariat_marks_an_outside_author(network, ambiguous, staff):
    services.reject_candidates(authorship=ambiguous, actor=staff)
    ambiguous.refresh_from_db()
    assert (ambiguous.person, ambiguous.match) == (None, Match.REJECTED) and not ambiguous.candidates.exists()
    entry = AuditEntry.objects.get(action="outputs.authorship.rejected")
    assert sorted(entry.data["candidates"]) == sorted([network.claire_1.pk, network.claire_2.pk])
