"""The anonymity test: reviewers' identities and the committee's confidential material never reach
an applicant, a partner of the application, or a reviewer in conflict with it.

A decided campaign is built through the services; every reviewer's name, e-mail and institution
is a unique marker string ("Zq7…"), and so are the confidential texts of application A (comments
to the committee, discussion notes). Then each person signs in and ``crawl.Crawler`` visits every
page they can reach from a wide seed list (home, menus, their applications, receipts and PDFs,
calls, evaluation pages, public committee pages, directory/expertise/autocomplete searches with
the markers as queries, the personal-data export, the API with a personal token): no answer —
body, headers, download — may hold a marker, and no e-mail sent to them either.

Directory people are public by design: a reviewer who is in the directory is listed there under
their own name. Those names ("directory markers") are allowed on the directory's own pages and
nowhere else; the e-mails of directory reviewers are hidden (staff visibility) and checked
everywhere. A sanity test crawls as the secretariat and must find the markers, so the crawler
is proven to look.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from api.permissions import registered_scopes
from api.services import create_token
from calls.models import Application, ApplicationTeam, BudgetLine, Call, EvaluationCriterion
from calls.tests.factories import BudgetCategoryFactory, CallFactory
from directory.tests.factories import AffiliationFactory, InstitutionFactory, PersonFactory, TeamFactory
from evaluation.models import Assignment, Campaign, Conflict, DiscussionNote, PoolMember, Review, ReviewerRole
from evaluation.services import assignment_edits, campaigns, committee, conflicts, decisions, pool, reviews
from evaluation.tests.crawl import Crawler, markers_in, probe_queries
from evaluation.tests.factories import EvaluatedApplicationFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un-long-mot-de-passe-2027"
DIRECTORY_ZONE = ("/directory/", "/expertise/", "/outputs/", "/api/v1/directory/", "/api/directory/")


def _outside_expert(campaign, staff, role, key):  # type: ignore[no-untyped-def]
    """An expert invited by e-mail who creates their account from the invitation."""
    member = pool.add_pool_member(
        campaign=campaign,
        role=role,
        email=f"zq7-{key.lower()}@marker.example",
        name=f"Zq7Externe {key}",
        institution_name=f"Zq7Labo {key}",
        max_load=3,
        actor=staff,
    )
    member, user = pool.accept_invitation_creating_account(token=member.invitation_token, password=PASSWORD)
    return member


def _directory_reviewer(campaign, staff, role, key):  # type: ignore[no-untyped-def]
    """A reviewer from the directory: public name (directory marker), hidden e-mail (marker)."""
    institution = InstitutionFactory(name=f"Zq7Institut {key}", acronym=f"ZQ7{key[:3].upper()}")
    team = TeamFactory()
    user = UserFactory(email=f"zq7-{key.lower()}@marker.example", first_name="Zq7Dirprenom", last_name=key)
    person = PersonFactory(
        user=user,
        first_name=f"Zq7Dirprenom{key}",
        last_name=f"Zq7Dirnom{key}",
        email=user.email,
        visibility={"email": "staff"},
    )
    AffiliationFactory(person=person, team=team, institution=institution)
    member = pool.add_pool_member(campaign=campaign, role=role, person=person, max_load=3, actor=staff)
    return pool.accept_invitation(token=member.invitation_token, user=user)


def _review_data(assignment, n):  # type: ignore[no-untyped-def]
    criteria = EvaluationCriterion.objects.filter(call=assignment.campaign.call)
    on_a = assignment.application.acronym == "PROJA"
    return {
        "scores": {str(c.pk): (n + c.pk) % (c.scale_max + 1) for c in criteria},
        "criterion_comments": {str(c.pk): "Argumentation claire." for c in criteria},
        "comment_to_applicants": "Zq7PourCandidatsA" if on_a else "Projet solide et faisable.",
        "comment_to_committee": f"Zq7Confidentiel{assignment.application.acronym}{n}",
        "recommendation": "fund",
        "confidence": 3,
    }


def build_decided_campaign():  # type: ignore[no-untyped-def]
    staff = UserFactory(email="secretariat@example.org", roles=[Role.SECRETARIAT])
    call = CallFactory(
        status=Call.Status.CLOSED,
        closes_at=timezone.now() - dt.timedelta(days=1),
        budget_envelope=Decimal("60000"),
    )
    for i, label in enumerate(["Qualité du projet", "Faisabilité"]):
        EvaluationCriterion.objects.create(call=call, label_fr=label, weight=Decimal(1), scale_max=5, order=i)
    category = BudgetCategoryFactory(call=call)
    applicant = UserFactory(email="applicant-a@example.org")
    partner = UserFactory(email="partner-a@example.org")
    apps = {}
    for acronym, user in (("PROJA", applicant), ("PROJB", None), ("PROJD", None)):
        kwargs = {"applicant": user} if user else {}
        apps[acronym] = EvaluatedApplicationFactory(
            call=call, acronym=acronym, status=Application.Status.ELIGIBLE, **kwargs
        )
        BudgetLine.objects.create(
            application=apps[acronym], category=category, description="Consommables", amount=Decimal("20000")
        )
    partner_person = PersonFactory(user=partner, email=partner.email)
    partner_team = TeamFactory()
    ApplicationTeam.objects.create(
        application=apps["PROJA"],
        role=ApplicationTeam.Role.PARTNER,
        team=partner_team,
        institution=partner_team.unit.parents.first(),
        contact_person=partner_person,
        contact_user=partner,
        contact_email=partner.email,
        invitation_status=ApplicationTeam.Invitation.ACCEPTED,
    )

    campaign = campaigns.create_campaign(
        call=call,
        stage="full",
        data={
            "rapporteurs_per_application": 1,
            "externals_per_application": 1,
            "reviewers_see_other_reviews": True,
            "publish_committee": True,
            "review_deadline": timezone.now() + dt.timedelta(days=30),
        },
        actor=staff,
    )
    members = {
        "R1": _directory_reviewer(campaign, staff, ReviewerRole.RAPPORTEUR, "Alpha"),
        "R2": _outside_expert(campaign, staff, ReviewerRole.RAPPORTEUR, "Bravo"),
        "E1": _outside_expert(campaign, staff, ReviewerRole.EXTERNAL, "Charlie"),
        "C": _outside_expert(campaign, staff, ReviewerRole.EXTERNAL, "Delta"),
        "E2": _directory_reviewer(campaign, staff, ReviewerRole.EXTERNAL, "Echo"),
    }
    conflicts.detect_conflicts(campaign=campaign, actor=staff)
    plan = [
        ("PROJA", "R1"),
        ("PROJA", "C"),
        ("PROJB", "R2"),
        ("PROJB", "C"),
        ("PROJD", "R2"),
        ("PROJD", "E2"),
    ]
    for acronym, key in plan:
        member = members[key]
        assignment_edits.add_assignment(
            campaign=campaign, application=apps[acronym], member=member, role=member.role, actor=staff
        )
    campaigns.open_reviews(campaign=campaign, actor=staff)
    assignment_edits.notify_assignments(campaign=campaign, actor=staff)

    # The conflicted reviewer declares a conflict on A; a replacement reviews it instead.
    c_member = members["C"]
    conflicts.declare_conflict(
        member=c_member, application=apps["PROJA"], reason="Je collabore avec l'équipe.", actor=c_member.user
    )
    declined = Assignment.objects.get(member=c_member, application=apps["PROJA"])
    assert declined.status == Assignment.Status.DECLINED
    PoolMember.objects.filter(pk=members["E2"].pk).update(max_load=1)
    replacement = assignment_edits.replace_assignment(assignment=declined, actor=staff)
    assert replacement.member == members["E1"]
    assignment_edits.notify_assignments(campaign=campaign, actor=staff)

    for n, assignment in enumerate(
        Assignment.objects.filter(campaign=campaign, status=Assignment.Status.NOTIFIED).order_by("pk")
    ):
        review = reviews.get_or_start_review(assignment=assignment)
        reviews.submit_review(
            review=review,
            data=_review_data(assignment, n),
            expected_version=review.version,
            actor=assignment.member.user,
        )
    campaigns.start_committee(campaign=campaign, actor=staff)
    committee.rank_by_score(campaign=campaign, actor=staff)
    committee.add_discussion_note(
        campaign=campaign,
        application=apps["PROJA"],
        text="Zq7Discussion budget à revoir",
        actor=members["R1"].user,
    )
    committee.add_discussion_note(
        campaign=campaign, application=apps["PROJA"], text="Zq7Discussion secrétariat", actor=staff
    )
    committee.propose_funding(campaign=campaign, actor=staff, waiting_list_size=1)
    campaign.refresh_from_db()
    decisions.record_decision(
        campaign=campaign,
        body="Conseil d'administration",
        decided_on=timezone.localdate(),
        reference="CA-2027-07",
        actor=staff,
    )
    decisions.send_decision_letters(campaign=campaign, actor=staff)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DECIDED and campaign.committee_published_at is None
    assert Review.objects.filter(assignment__campaign=campaign, status=Review.Status.SUBMITTED).count() == 6
    return SimpleNamespace(
        staff=staff,
        call=call,
        campaign=campaign,
        apps=apps,
        members=members,
        applicant=applicant,
        partner=partner,
    )


def member_markers(member):  # type: ignore[no-untyped-def]
    """(markers never shown to applicants anywhere, directory markers allowed in the directory)."""
    secret = {member.email}
    public: set[str] = set()
    if member.person_id:
        public |= {member.person.first_name, member.person.last_name, member.person.full_name, member.name}
        public |= {a.institution.name for a in member.person.affiliations.all() if a.institution_id}
    else:
        secret |= {member.name, member.institution_name}
    return secret - {""}, public - {""}


def confidential_texts(campaign, application=None):  # type: ignore[no-untyped-def]
    reviews_qs = Review.objects.filter(assignment__campaign=campaign)
    if application is not None:
        reviews_qs = reviews_qs.filter(assignment__application=application)
    texts = {r.comment_to_committee for r in reviews_qs}
    notes = DiscussionNote.objects.filter(campaign=campaign)
    if application is not None:
        notes = notes.filter(application=application)
    return texts | {n.text for n in notes}


def seeds_for(world, user, markers):  # type: ignore[no-untyped-def]
    app_a = world.apps["PROJA"]
    seeds = [
        "/",
        reverse("calls:list"),
        reverse("calls:detail", args=[world.call.pk]),
        reverse("calls:my_applications"),
        reverse("calls:application", args=[app_a.pk]),
        reverse("calls:application_receipt", args=[app_a.pk]),
        reverse("calls:application_receipt_pdf", args=[app_a.pk]),
        reverse("evaluation:my_reviews"),
        reverse("evaluation:committee_index"),
        reverse("evaluation:public_committees"),
        reverse("evaluation:public_committee", args=[world.campaign.pk]),
        reverse("accounts:account"),
        reverse("accounts:export"),
        reverse("api_tokens:list"),
        reverse("outputs:mine"),
    ]
    searches = [
        reverse("directory:people"),
        reverse("directory:teams"),
        reverse("directory:units"),
        reverse("directory:institutions"),
        reverse("expertise:search"),
        reverse("expertise:suggest_reviewers"),
        reverse("outputs:list"),
    ]
    for source in ("person", "team", "unit", "institution"):
        searches.append(reverse("directory:bo_choices", args=[source]))
    for query in probe_queries(markers):
        for url in searches:
            seeds.append(f"{url}?{urlencode({'q': query})}")
        seeds.append(
            f"{reverse('calls:application_team_search', args=[app_a.pk])}?{urlencode({'team_q': query})}"
        )
    return seeds


def api_urls(client, world, markers):  # type: ignore[no-untyped-def]
    """Every GET endpoint of the API's schema, with the ids of the world's objects."""
    schema = client.get("/api/openapi.json").json()
    ids = {
        "application_id": [a.pk for a in world.apps.values()],
        "call_id": [world.call.pk],
    }
    urls = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        names = [p["name"] for p in operations["get"].get("parameters", []) if p.get("in") == "path"]
        if not names:
            urls.append(path)
            if any(p["name"] == "q" for p in operations["get"].get("parameters", [])):
                urls.extend(f"{path}?{urlencode({'q': q})}" for q in probe_queries(markers))
            continue
        for value in ids.get(names[0], []):
            urls.append(path.replace("{" + names[0] + "}", str(value)))
    return urls


def crawl_as(client, world, user, markers, *, allowed_in_directory=()):  # type: ignore[no-untyped-def]
    client.force_login(user)
    crawler = Crawler(client, sorted(markers | set(allowed_in_directory)), max_pages=900)
    crawler.run(seeds_for(world, user, markers | set(allowed_in_directory)))
    scopes = [s.code for s in registered_scopes()]
    secret = create_token(actor=user, name="anonymity-test", scopes=scopes).secret
    api = Crawler(client, crawler.markers, headers={"HTTP_AUTHORIZATION": f"Bearer {secret}"})
    api.run(api_urls(client, world, markers | set(allowed_in_directory)))
    hits = [
        hit
        for hit in crawler.hits + api.hits
        if not (hit[1] in allowed_in_directory and hit[0].startswith(DIRECTORY_ZONE))
    ]
    return crawler, api, hits


def mails_to(user):  # type: ignore[no-untyped-def]
    return [m for m in mail.outbox if user.email in (m.to + m.cc + m.bcc)]


def mail_texts(message):  # type: ignore[no-untyped-def]
    parts = [message.subject, message.body, *map(str, getattr(message, "extra_headers", {}).values())]
    parts += [str(message.from_email), *map(str, message.reply_to)]
    parts += [content for content, _mime in getattr(message, "alternatives", [])]
    for attachment in message.attachments:
        parts.append(attachment[1] if isinstance(attachment, tuple) else attachment.get_payload(decode=True))
    return parts


@pytest.fixture
def world(settings, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    with django_capture_on_commit_callbacks(execute=True):
        built = build_decided_campaign()
    return built


def _all_markers(world):  # type: ignore[no-untyped-def]
    secret, public = set(), set()
    for member in PoolMember.objects.filter(campaign=world.campaign):
        s, p = member_markers(member)
        secret |= s
        public |= p
    return secret, public


@pytest.mark.parametrize("who", ["applicant", "partner"])
def test_applicant_and_partner_reach_no_reviewer_identity(client, world, who):
    user = getattr(world, who)
    secret, public = _all_markers(world)
    secret |= confidential_texts(world.campaign)
    crawler, api, hits = crawl_as(client, world, user, secret, allowed_in_directory=public)

    assert len(crawler.visited) > 40, "the crawler reached too few pages to prove anything"
    assert crawler.visited[reverse("calls:application", args=[world.apps["PROJA"].pk])] == 200
    assert crawler.visited[reverse("accounts:export")] == 200
    assert any(code == 200 for url, code in api.visited.items() if "applications" in url)
    assert not hits, "markers reachable by the " + who + ":\n" + "\n".join(map(str, sorted(set(hits))[:40]))

    received = mails_to(user)
    if who == "applicant":
        assert received, "the applicant received the decision letter"
        assert any("Zq7PourCandidatsA" in m.body for m in received), "the applicant-facing comment is sent"
    for message in received:
        for part in mail_texts(message):
            assert not markers_in(part, secret | public), message.subject


def test_conflicted_reviewer_sees_nothing_of_application_a(client, world):
    c_member = world.members["C"]
    app_a = world.apps["PROJA"]
    assert Conflict.objects.filter(member=c_member, application=app_a, overridden=False).exists()
    own_secret, own_public = member_markers(c_member)
    # Who reviewed A, minus the people C legitimately meets on their own applications.
    shared = set(
        Assignment.objects.filter(
            application__in=Assignment.objects.filter(member=c_member)
            .exclude(application=app_a)
            .exclude(status=Assignment.Status.DECLINED)
            .values("application")
        ).values_list("member_id", flat=True)
    )
    a_reviewers = PoolMember.objects.filter(
        assignments__application=app_a, assignments__status=Assignment.Status.NOTIFIED
    ).exclude(pk__in=shared)
    assert a_reviewers.exists()
    secret, public = set(), set()
    for member in a_reviewers:
        s, p = member_markers(member)
        secret |= s
        public |= p
    secret |= confidential_texts(world.campaign, app_a) | {"Zq7PourCandidatsA"}
    secret -= own_secret | own_public
    crawler, _api, hits = crawl_as(client, world, c_member.user, secret, allowed_in_directory=public)

    assert crawler.visited[reverse("evaluation:my_reviews")] == 200
    assert not hits, "markers reachable by the conflicted reviewer:\n" + crawler.report()

    # Every evaluation URL naming A, its assignments or its reviews: 404 (or refused) for C.
    a_assignments = list(Assignment.objects.filter(application=app_a).values_list("pk", flat=True))
    a_reviews = list(Review.objects.filter(assignment__application=app_a).values_list("pk", flat=True))
    for url in evaluation_urls(world.campaign.pk, app_a.pk, a_assignments, a_reviews):
        status = client.get(url).status_code
        if status == 405:  # an action (POST only): refused too
            status = client.post(url, {"reason": "x", "text": "x"}).status_code
        assert status in (403, 404), f"{url} answered {status} to the conflicted reviewer"
    own = Assignment.objects.get(member=c_member, application=app_a)
    assert client.get(reverse("evaluation:review", args=[own.pk])).status_code == 404
    for message in mails_to(c_member.user):
        for part in mail_texts(message):
            assert not markers_in(part, secret), message.subject


def evaluation_urls(campaign_pk, application_pk, assignment_pks, review_pks):  # type: ignore[no-untyped-def]
    """Every evaluation URL pattern that names an application, an assignment or a review, filled
    with A's ids (the campaign's pk for ``pk``; 1 for any other id)."""
    resolver = get_resolver().url_patterns
    namespace = next(p for p in resolver if isinstance(p, URLResolver) and p.namespace == "evaluation")
    urls = []
    for pattern in namespace.url_patterns:
        if not isinstance(pattern, URLPattern):
            continue
        names = set(pattern.pattern.regex.groupindex)
        for key, values in (
            ("application_pk", [application_pk]),
            ("assignment_pk", assignment_pks),
            ("review_pk", review_pks),
        ):
            if key not in names:
                continue
            for value in values:
                kwargs = {n: campaign_pk if n == "pk" else 1 for n in names}
                kwargs[key] = value
                if "outcome_pk" in names:
                    continue
                urls.append(reverse(f"evaluation:{pattern.name}", kwargs=kwargs))
    assert urls
    return urls


def test_the_crawler_finds_markers_where_they_are_shown(client, world):
    """The crawl as the secretariat must find the reviewers' names: the test above can fail."""
    secret, public = _all_markers(world)
    client.force_login(world.staff)
    crawler = Crawler(client, sorted(secret | public), max_pages=120)
    crawler.run([reverse("evaluation:campaign", args=[world.campaign.pk])])
    found = {marker for _url, marker, _where in crawler.hits}
    assert "Zq7Externe Bravo" in found and "zq7-charlie@marker.example" in found
    assert "Zq7DirnomAlpha" in found
