"""The last minutes before a call's deadline: many applicants finishing their drafts, uploading
their files and submitting at once, through the applicant's real pages, against PostgreSQL and
several gunicorn processes on loopback. See bench/README.md ("Deadline rush").

1. Prepare: a fresh database (``dropdb``/``createdb``; its name must contain "bench"), migrate,
   the cache table, ``collectstatic`` (production settings use the static manifest); one
   published call closing ``--deadline-minutes`` ahead (four questions, two required PDFs,
   a budget category, four eligibility rules); ``--applicants`` accounts (verified e-mail,
   directory record, affiliation), each with a draft made by ``create_application``, two of its
   three required answers, a budget line, and a session: at the deadline people have been
   working on their draft for hours, so most are already signed in.
2. Serve: ``gunicorn config.wsgi`` (``--workers`` × ``--threads``, gthread) on 127.0.0.1 with
   ``config.settings.prod``, plain HTTP (no SSL redirect; the clients send the Secure cookies
   themselves, as a browser behind the TLS proxy of a real deployment would).
3. Load: ``--concurrency`` client threads (stdlib ``http.client``; one keep-alive connection per
   applicant, from its own address 127.0.x.y so that per-IP rate limits see distinct people).
   Each applicant signs in through the login form (a share ``--login-share``; the others reuse
   their session), opens the editor, autosaves ``--autosaves`` times through HTMX (the last save
   fills the missing answer), uploads two valid PDFs (``--file-kib``, 1.5 + 0.5 MiB, distinct
   bytes for everyone), opens the confirmation page, submits and reads the receipt page. A share
   ``--double-share`` double-click (the same POST twice at once), ``--retry-share`` submit again
   afterwards with a new key (a second tab). Starts are paced at ``--rate`` applicants per
   second (0: as fast as the clients go); nothing starts after ``--max-seconds``.
4. Report and verify: submissions per second, p50/p95/max per request type (client and
   server side), errors by kind; then in the database and on disk: every accepted submission is
   stored once with the receipt number its page showed, one audit entry and one receipt task
   each, one application per applicant, both files present with the SHA-256 that the client
   computed before sending (recomputed from the bytes on disk), no stray file. Exit status 1 if
   anything is lost, duplicated or altered.

    .venv/bin/python bench/deadline_load.py --applicants 50   # a quick run
    .venv/bin/python bench/deadline_load.py                   # 500 applicants, unpaced
"""

import argparse
import hashlib
import http.client
import math
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Candidature-2027-bench"  # noqa: S105 - accounts of a throwaway database
KIB = 1024
RECEIPT = rb"(CIDF-\d{4}-\d{3}-(?:LI|DC)-\d{5})"
VERSION = rb'id="draft-version" value="(\d+)"'
# Written in the morning; the rush rewrites the summary and adds "methods" (the last required one).
ANSWERS = {
    "summary": "Premier jet du résumé.",
    "keywords": "immunothérapie, organoïdes",
    "state_of_the_art": "État de l'art et hypothèse de travail. " * 20,
}


# --- preparation --------------------------------------------------------------------------


@dataclass
class Applicant:
    index: int
    email: str
    application: int
    session_key: str
    ip: str
    logs_in: bool
    double: bool
    retry: bool


def fresh_database(name: str) -> None:
    if "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", name], check=True)


def build_call(minutes: float) -> Any:
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from calls import demo, services

    programme = services.save_programme(data={"kind": "emergence", "name_fr": "Émergence (banc)"}, actor=None)
    now = timezone.now()
    data = {
        "year": now.year,
        "title_fr": "Appel Émergence — banc d'essai de la date limite",
        "summary_fr": "Appel fictif pour mesurer les dernières minutes avant une date limite.",
        "budget_envelope": Decimal(5_000_000),
        "ceiling_per_project": Decimal(25000),
        "opens_at": now - dt.timedelta(days=30),
        "closes_at": now + dt.timedelta(minutes=minutes),
    }
    call = services.create_call(programme=programme, data=data, actor=None)
    section = services.save_form_section(call=call, data={"title_fr": "Le projet", "order": 1}, actor=None)
    for order, question in enumerate(demo.PROJECT_FIELDS, start=1):
        services.save_form_field(call=call, data={**question, "section": section, "order": order}, actor=None)
    for order, (label, max_mb) in enumerate((("Projet détaillé", 10), ("CV du porteur", 5)), start=1):
        document = {"label_fr": label, "allowed_types": ["pdf"], "max_size_mb": max_mb, "order": order}
        services.save_document_requirement(call=call, data=document, actor=None)
    services.save_budget_category(
        call=call, data={"label_fr": "Consommables", "kind": "consumables"}, actor=None
    )
    rules = [("min_teams", {"count": 1}), ("applicant_career_stage", {"excluded": ["phd_student"]})]
    for order, (code, params) in enumerate([*rules, ("applicant_research_body", {}), ("total_ceiling", {})]):
        services.save_eligibility_rule(
            call=call, data={"code": code, "params": params, "order": order}, actor=None
        )
    return services.publish_call(call=call, actor=None)


def prepare(args: argparse.Namespace, data_dir: Path) -> tuple[Any, list[Applicant]]:
    """Everything up to the minutes before the deadline: the call and the applicants."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Role, RoleGrant, User
    from calls import services
    from calls.models import Application, ApplicationTeam, BudgetLine
    from directory.models import Affiliation, CareerStage, Person
    from directory.tests.factories import InstitutionFactory, TeamFactory, UnitFactory

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    if not (data_dir / "static" / "staticfiles.json").exists():
        call_command("collectstatic", verbosity=0, interactive=False)
    institutions = [InstitutionFactory() for _ in range(4)]
    teams = [TeamFactory(unit=UnitFactory(parents=[institutions[i % 4]])) for i in range(24)]
    hashed = make_password(PASSWORD)  # one hash for everyone: 500 of them would take minutes
    users = User.objects.bulk_create(
        User(
            email=f"candidat{i:04d}@bench.example",
            first_name="Camille",
            last_name=f"Candidat {i}",
            password=hashed,
        )
        for i in range(args.applicants + 1)  # the last one only warms the server up
    )
    RoleGrant.objects.bulk_create(RoleGrant(user=u, role=Role.RESEARCHER) for u in users)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    persons = Person.objects.bulk_create(
        Person(user=u, first_name=u.first_name, last_name=u.last_name, email=u.email,
               career_stage=CareerStage.RESEARCHER, search_text=u.last_name.lower())
        for u in users
    )  # fmt: skip
    Affiliation.objects.bulk_create(
        Affiliation(
            person=p, team=(t := teams[i % 24]), unit=t.unit, institution=institutions[i % 4], is_primary=True
        )
        for i, p in enumerate(persons)
    )
    call = build_call(args.deadline_minutes)
    applications = [
        services.create_application(call=call, actor=u, title=f"Projet n°{i}", acronym=f"P{i:04d}")
        for i, u in enumerate(users)
    ]
    Application.objects.filter(call=call).update(answers=ANSWERS)
    lead = dict(ApplicationTeam.objects.filter(role="lead").values_list("application_id", "pk"))
    category = call.budget_categories.get()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=a, team_id=lead[a.pk], category=category, description="Réactifs", amount=20000)
        for a in applications
    )
    sessions, applicants, rng = [], [], random.Random(args.seed)
    for i, (user, application) in enumerate(zip(users, applications, strict=True)):
        store, key = SessionStore(), secrets.token_hex(16)
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash()}  # fmt: skip
        expires = timezone.now() + timezone.timedelta(days=1)
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        shares = [rng.random() < share for share in (args.login_share, args.double_share, args.retry_share)]
        applicants.append(
            Applicant(i, user.email, application.pk, key, f"127.0.{1 + i // 250}.{1 + i % 250}", *shares)
        )
    Session.objects.bulk_create(sessions)
    return call, applicants


def pdf_bytes(size: int, text: str, filler: bytes) -> bytes:
    """A valid one-page PDF of exactly ``size`` bytes: a page saying ``text`` and an embedded file
    stream of the first bytes of ``filler`` (which must be long enough)."""

    def build(padding: int) -> bytes:
        content = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode()
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream" % (padding, filler[:padding]),
        ]
        out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return bytes(out)

    padding = max(0, size - len(build(0)))
    while len(pdf := build(padding)) != size and padding > 0:
        padding -= len(pdf) - size
    return pdf


# --- measures -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def print_latencies(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title:<24}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    every = [t for values in times.values() for t in values]
    for kind, values in [*times.items(), ("all requests", every)]:
        p50, p95, top = (
            1000 * x for x in (percentile(values, 0.5), percentile(values, 0.95), max(values, default=0))
        )
        print(f"{kind:<24}{len(values):>7}{p50:>9.0f}{p95:>9.0f}{top:>9.0f}")


class Recorder:
    """What the clients saw: latencies per request type, errors by kind, acceptance times."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[tuple[str, str]] = Counter()
        self.accepted_at: list[float] = []

    def latency(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def error(self, kind: str, label: str) -> None:
        with self.lock:
            self.errors[(kind, label)] += 1

    def accepted(self) -> None:
        with self.lock:
            self.accepted_at.append(time.monotonic() - self.started)

    def print(self) -> None:
        print_latencies("request (client side)", self.times)
        print("Errors: " + ("none" if not self.errors else ""))
        for (kind, label), count in sorted(self.errors.items()):
            print(f"  {kind}: {label} × {count}")


# The pages an applicant goes through, by URL name; ``urls()`` turns them into path templates.
PAGES = {
    "login": "account_login",
    "editor": "calls:application",
    "upload": "calls:application_upload",
    "submit": "calls:application_submit",
    "receipt": "calls:application_receipt",
}
KINDS = {
    ("login", "GET"): "connexion (formulaire)",
    ("login", "POST"): "connexion",
    ("editor", "GET"): "ouverture",
    ("editor", "POST"): "brouillon",
    ("upload", "POST"): "pièce jointe",
    ("submit", "GET"): "confirmation",
    ("submit", "POST"): "dépôt",
    ("receipt", "GET"): "accusé de réception",
}


def urls() -> dict[str, str]:
    """The path of each page with ``{pk}`` for the application, from the URLconf."""
    from django.urls import reverse

    return {
        key: reverse(name, kwargs=None if key == "login" else {"pk": 987654321}).replace("987654321", "{pk}")
        for key, name in PAGES.items()
    }


def server_kind(method: str, path: str, paths: dict[str, str]) -> str:
    """The request type of a line of gunicorn's access log, named as the clients name it."""
    for key, template in paths.items():
        if re.fullmatch(re.escape(template).replace(re.escape("{pk}"), r"\d+"), path):
            return KINDS.get((key, method), "")
    return ""


def server_latencies(log: Path, paths: dict[str, str]) -> None:
    """The same requests as gunicorn timed them (access log lines: status, method, µs, path)."""
    times: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    for line in log.read_text().splitlines() if log.exists() else []:
        status, method, micros, path = line.split(" ", 3)
        if kind := server_kind(method, path, paths):
            times[kind].append(int(micros) / 1e6)
            statuses[status] += 1
    print_latencies("request (server side)", times)
    print("HTTP statuses: " + ", ".join(f"{s} × {n}" for s, n in sorted(statuses.items())))


# --- verification -------------------------------------------------------------------------


def verify(call: Any, outcomes: list["Outcome"]) -> int:
    """Check in the database and on disk that every accepted submission is stored once, with
    intact files; print what was found and return the number of problems."""
    from django.conf import settings
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from calls.models import Application, Attachment
    from core.models import AuditEntry

    applications = Application.objects.filter(call=call)
    stored = dict(applications.filter(submitted_at__isnull=False).values_list("pk", "receipt_number"))
    accepted = {o.application: o for o in outcomes if o.accepted}
    twice = applications.values("applicant").annotate(n=Count("pk")).filter(n__gt=1)
    found: dict[str, list[Any]] = {
        "lost (accepted, not stored)": [pk for pk in accepted if pk not in stored],
        "receipt differs from the one shown": [
            pk for pk, o in accepted.items() if o.receipts - {stored.get(pk)}
        ],
        "applicants with two applications": list(twice.values_list("applicant", flat=True)),
    }
    audits = Counter(
        AuditEntry.objects.filter(action="calls.application.submitted").values_list("target_id", flat=True)
    )
    found["submissions without exactly one audit entry"] = [
        pk for pk in set(stored) | {int(t) for t in audits} if audits[str(pk)] != 1
    ]
    receipts = DBTaskResult.objects.filter(task_path="calls.tasks.send_submission_receipt")
    tasks = Counter(args_kwargs["args"][0] for args_kwargs in receipts.values_list("args_kwargs", flat=True))
    found["submissions without exactly one receipt task"] = [
        pk for pk in set(stored) | set(tasks) if tasks[pk] != 1
    ]
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    required = set(call.documents_required.filter(required=True).values_list("pk", flat=True))
    files: dict[int, set[int]] = defaultdict(set)
    bad_files, hashed, referenced = [], 0, set()
    rows = Attachment.objects.filter(application__call=call)
    for pk, requirement, name, size, sha256 in rows.values_list(
        "application", "requirement", "file", "size", "sha256"
    ):
        referenced.add(name)
        if pk not in stored:
            continue
        files[pk].add(requirement)
        content = (root / name).read_bytes() if (root / name).is_file() else b""
        hashed += len(content)
        sent = accepted[pk].sent.get(requirement) if pk in accepted else sha256
        if len(content) != size or hashlib.sha256(content).hexdigest() != sha256 or sent != sha256:
            bad_files.append((pk, requirement))
    found["stored files missing, altered or not the bytes sent"] = bad_files
    found["submissions without their required files"] = [pk for pk in stored if files[pk] != required]
    folder = root / "calls" / str(call.pk) / "applications"
    on_disk = {str(p.relative_to(root)) for p in folder.rglob("*") if p.is_file()}
    found["files on disk that no attachment refers to"] = sorted(on_disk - referenced)
    print(
        f"\nVerification: {len(stored)} submissions stored, {len(accepted)} accepted by the server's answer, "
        f"{len(set(stored) - set(accepted))} stored without an answer seen by the client; "
        f"{sum(len(f) for f in files.values())} files, {hashed / KIB / KIB:.0f} MiB hashed again from the disk."
    )
    problems = 0
    for label, items in found.items():
        problems += len(items)
        print(f"  {label}: {len(items)}" + (f" (e.g. {items[:5]})" if items else ""))
    print(
        "Verdict: "
        + (f"{problems} PROBLEMS" if problems else "OK: zero lost, zero duplicated, every file intact.")
    )
    return problems


# --- the clients --------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def find(self, pattern: bytes) -> str | None:
        match = re.search(pattern, self.body)
        return match.group(1).decode() if match else None


class Browser:
    """One applicant's browser: a keep-alive connection from its own loopback address and a
    cookie jar that keeps the Secure cookies too (plain HTTP on loopback)."""

    def __init__(
        self, args: argparse.Namespace, ip: str, recorder: Recorder, cookies: dict[str, str]
    ) -> None:
        self.args, self.ip, self.recorder, self.cookies = args, ip, recorder, dict(cookies)
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        port, timeout = self.args.port, self.args.timeout
        return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(self.ip, 0))

    def send(
        self, method: str, path: str, body: bytes | None = None, content_type: str = "", htmx: bool = False
    ) -> float:
        headers = {"Host": "127.0.0.1", "Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        return started

    def receive(self, kind: str, started: float) -> Response:
        response = self.conn.getresponse()
        body = response.read()
        self.recorder.latency(kind, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
                if morsel["max-age"] == "0":
                    del self.cookies[name]
        return Response(response.status, body, dict(response.headers.items()))

    def call(self, kind: str, method: str, path: str, body: bytes | None = None, content_type: str = "",
             htmx: bool = False, expect: int = 200) -> Response | None:  # fmt: skip
        """The response when its status is ``expect``; None (and the error counted) otherwise."""
        for attempt in (1, 2):
            reused = self.conn.sock is not None
            try:
                response = self.receive(kind, self.send(method, path, body, content_type, htmx))
                break
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                self.conn = self._connect()
                if attempt == 1 and reused and isinstance(exc, ConnectionError):
                    self.recorder.error(kind, "kept-alive connection closed by the server: sent again")
                    continue  # as browsers do on a reused connection
                self.recorder.error(kind, f"connection: {type(exc).__name__}")
                return None
        return response if self.check(kind, response, expect) else None

    def check(self, kind: str, response: Response, expect: int) -> bool:
        if response.status != expect:
            self.recorder.error(kind, f"HTTP {response.status}")
            return False
        if kind in ("brouillon", "pièce jointe") and "application-saved" not in response.headers.get(
            "HX-Trigger", ""
        ):
            self.recorder.error(kind, "HTTP 200, not saved (error shown in the fragment)")
            return False
        return True

    def close(self) -> None:
        self.conn.close()


def form(data: dict[str, str]) -> bytes:
    return urlencode(data).encode()


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: application/pdf\r\n\r\n")  # fmt: skip
    return "".join(
        parts
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Outcome:
    application: int
    accepted: bool = False
    receipts: set[str] = field(default_factory=set)  # the numbers the receipt page showed
    sent: dict[int, str] = field(default_factory=dict)  # requirement pk -> SHA-256 of the bytes sent
    abandoned: bool = False


class Scenario:
    """One applicant's last minutes, through the pages of ``calls/views/applicant.py`` used as a
    browser with HTMX uses them (autosave and uploads are HTMX POSTs; saved when the answer
    carries ``HX-Trigger: application-saved``; the editor's new version comes in the fragment)."""

    def __init__(self, args: argparse.Namespace, requirements: list[int], recorder: Recorder) -> None:
        self.args, self.requirements, self.recorder = args, requirements, recorder
        self.paths = urls()
        self.stop_at = recorder.started + args.max_seconds
        self.filler = random.Random(args.seed).randbytes(max(args.file_kib) * KIB + 64)

    def late(self) -> bool:
        return time.monotonic() > self.stop_at

    def url(self, page: str, pk: int = 0) -> str:
        return self.paths[page].format(pk=pk)

    def run(self, who: Applicant) -> Outcome:
        outcome = Outcome(who.application)
        browser = Browser(
            self.args, who.ip, self.recorder, {} if who.logs_in else {"sessionid": who.session_key}
        )
        try:
            if not who.logs_in or self.login(browser, who.email):
                self.steps(who, browser, outcome)
        finally:
            browser.close()
        return outcome

    def login(self, browser: Browser, email: str) -> bool:
        page = browser.call("connexion (formulaire)", "GET", self.url("login"))
        token = page.find(rb'name="csrfmiddlewaretoken" value="([^"]+)"') if page else None
        data = {"csrfmiddlewaretoken": token or "", "login": email, "password": PASSWORD}
        return bool(token and browser.call("connexion", "POST", self.url("login"), form(data), expect=302))

    def steps(self, who: Applicant, browser: Browser, outcome: Outcome) -> None:
        pk, path = who.application, self.url("editor", who.application)
        page = browser.call("ouverture", "GET", path)
        version = page.find(VERSION) if page else None
        answers = {f"f_{k}": v for k, v in ANSWERS.items()}
        answers.update(title=f"Projet n°{who.index}", acronym=f"P{who.index:04d}")
        for n in range(self.args.autosaves):
            if version is None or self.late():
                outcome.abandoned = version is not None
                return
            answers["f_summary"] = f"Résumé, version {n + 2}. " * 30
            if n == self.args.autosaves - 1:
                answers["f_methods"] = "Méthodologie et calendrier sur douze mois. " * 40
            saved = browser.call("brouillon", "POST", path, form({**answers, "version": version}), htmx=True)
            version = saved.find(VERSION) if saved else None
        for requirement, size in zip(self.requirements, self.args.file_kib, strict=False):
            if version is None or self.late():
                outcome.abandoned = version is not None
                return
            content = pdf_bytes(size * KIB, f"Candidature {who.index}", os.urandom(16) + self.filler)
            outcome.sent[requirement] = hashlib.sha256(content).hexdigest()
            body, kind = multipart(
                {"requirement": str(requirement)}, f"piece-{who.index}-{requirement}.pdf", content
            )
            if not browser.call("pièce jointe", "POST", self.url("upload", pk), body, kind, htmx=True):
                return
        page = None if self.late() else browser.call("confirmation", "GET", self.url("submit", pk))
        key = page.find(rb'name="idempotency_key" value="([^"]+)"') if page else None
        outcome.abandoned = page is None and self.late()
        if key:
            self.submit(browser, pk, outcome, key, double=who.double)
        if key and who.retry and outcome.accepted:
            self.submit(browser, pk, outcome, uuid.uuid4().hex, kind="dépôt (nouvel essai)")

    def submit(self, browser: Browser, pk: int, outcome: Outcome, key: str, *, double: bool = False,
               kind: str = "dépôt") -> None:  # fmt: skip
        body, path, receipt_path = (
            form({"idempotency_key": key, "confirm": "on"}),
            self.url("submit", pk),
            self.url("receipt", pk),
        )
        if not double:
            accepted = [browser.call(kind, "POST", path, body, expect=302)]
        else:  # a double click: the same POST twice, on two connections, before any answer
            kind, other = (
                "dépôt (double clic)",
                Browser(self.args, browser.ip, self.recorder, browser.cookies),
            )
            try:
                first, second = (
                    browser.send("POST", path, body),
                    other.send("POST", path, body),
                )
                answers = [browser.receive(kind, first), other.receive(kind, second)]
                accepted = [a for a in answers if browser.check(kind, a, 302)]
            except (OSError, http.client.HTTPException) as exc:
                self.recorder.error(kind, f"connection: {type(exc).__name__}")
                accepted = []
            finally:
                other.close()
        if any(a and a.headers.get("Location", "").endswith(receipt_path) for a in accepted):
            if not outcome.accepted:
                self.recorder.accepted()
            outcome.accepted = True
            page = browser.call("accusé de réception", "GET", receipt_path)
            receipt = page.find(RECEIPT) if page else None
            if receipt:
                outcome.receipts.add(receipt)


def warm_up(args: argparse.Namespace, who: Applicant, paths: dict[str, str]) -> None:
    """Before the clock starts: every process compiles its templates and opens its database
    connection (GETs only, by an applicant kept out of the load, so nothing changes)."""

    def visit() -> None:
        browser = Browser(args, who.ip, Recorder(), {"sessionid": who.session_key})
        for page in ("login", "editor", "submit"):
            browser.call("warm-up", "GET", paths[page].format(pk=who.application))
        browser.close()

    threads = [threading.Thread(target=visit) for _ in range(args.workers * args.threads * 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_load(args: argparse.Namespace, applicants: list[Applicant], scenario: Scenario) -> list[Outcome]:
    outcomes: list[Outcome] = []
    lock, cursor, started = threading.Lock(), iter(applicants), scenario.recorder.started

    def worker() -> None:
        while True:
            with lock:
                who = next(cursor, None)
            if who is None or scenario.late():
                return
            if args.rate:
                time.sleep(max(0.0, started + who.index / args.rate - time.monotonic()))
            outcome = scenario.run(who)
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# --- the server and main ------------------------------------------------------------------


def start_server(args: argparse.Namespace, env: dict[str, str], data_dir: Path) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--chdir", str(ROOT),
        "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--worker-class", "gthread",
        "--threads", str(args.threads), "--timeout", "120", "--keep-alive", "10", "--no-control-socket",
        "--access-logfile", str(data_dir / "access.log"), "--access-logformat", "%(s)s %(m)s %(D)s %(U)s",
        "--error-logfile", str(data_dir / "gunicorn.log"),
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, start_new_session=True)
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (status {server.returncode}); see {data_dir / 'gunicorn.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/calls/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    sys.exit("gunicorn did not answer within 60 s")


def cpu_busy() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


def processes_cpu(server: int) -> tuple[float, float]:
    """CPU seconds so far of the app (the gunicorn master ``server`` and its workers) and of
    PostgreSQL (every process, so all databases; ended backends through the postmaster)."""
    app = postgres = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        if int(stat.parent.name) == server or int(fields[1]) == server:
            app += ticks
        elif "(postgres)" in text:
            postgres += ticks
    return app / os.sysconf("SC_CLK_TCK"), postgres / os.sysconf("SC_CLK_TCK")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    add = parser.add_argument
    add("--applicants", type=int, default=500)
    add("--concurrency", type=int, default=48, help="client threads (default 48)")
    add("--rate", type=float, default=0, help="applicants started per second (default 0: unpaced)")
    add("--max-seconds", type=float, default=300, help="no applicant starts after this (default 300)")
    add("--workers", type=int, default=4, help="gunicorn processes (default 4)")
    add("--threads", type=int, default=4, help="threads per gunicorn process (default 4)")
    add("--file-kib", type=int, nargs=2, default=[1536, 512], help="sizes of the two PDFs (default 1536 512)")
    add("--autosaves", type=int, default=2, help="draft saves per applicant (default 2)")
    add("--login-share", type=float, default=0.05, help="share who sign in during the rush (default 0.05)")
    add("--double-share", type=float, default=0.1, help="share who double-click (default 0.1)")
    add("--retry-share", type=float, default=0.05, help="share who submit again (default 0.05)")
    add("--deadline-minutes", type=float, default=20, help="the call closes this far ahead (default 20)")
    add("--timeout", type=float, default=60, help="per request, in seconds (default 60)")
    add("--port", type=int, default=8765)
    add("--database", default="canceropole_bench_deadline", help="emptied and refilled; must contain 'bench'")
    add("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "canceropole-bench-deadline")
    add("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> int:
    args = arguments()
    data_dir = args.data_dir.resolve()
    for stale in ("private", "access.log", "gunicorn.log"):
        subprocess.run(["rm", "-rf", str(data_dir / stale)], check=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"postgresql:///{args.database}",
        "CANCEROPOLE_DATA_DIR": str(data_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    fresh_database(args.database)
    began = time.perf_counter()
    call, applicants = prepare(args, data_dir)
    requirements = list(call.documents_required.order_by("order").values_list("pk", flat=True))
    connections.close_all()
    print(f"Prepared {len(applicants)} applicants in {time.perf_counter() - began:.0f} s; the call closes at "
          f"{call.closes_at:%H:%M:%S} UTC.", flush=True)  # fmt: skip

    server = start_server(args, env, data_dir)
    warm_up(args, applicants.pop(), urls())
    (data_dir / "access.log").write_text("")
    recorder = Recorder()
    busy0, total0, cpu0, (app0, pg0) = *cpu_busy(), os.times(), processes_cpu(server.pid)
    try:
        outcomes = run_load(args, applicants, Scenario(args, requirements, recorder))
    finally:
        elapsed = time.monotonic() - recorder.started
        busy1, total1, cpu1, (app1, pg1) = *cpu_busy(), os.times(), processes_cpu(server.pid)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    accepted = sum(o.accepted for o in outcomes)
    print(
        f"\n{len(applicants)} applicants, {args.concurrency} clients, "
        f"{f'{args.rate:g}/s' if args.rate else 'unpaced'}, gunicorn {args.workers}×{args.threads} gthread, "
        f"files {args.file_kib[0]}+{args.file_kib[1]} KiB, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"Accepted submissions: {accepted} in {elapsed:.1f} s = {accepted / elapsed:.2f}/s (the last "
        f"accepted at {max(recorder.accepted_at, default=0):.1f} s); abandoned at the time limit: "
        f"{sum(o.abandoned for o in outcomes)}; never started: {len(applicants) - len(outcomes)}"
    )
    app = app1 - app0
    print(f"CPU seconds: app processes {app:.1f} ({app / max(1, accepted):.2f} per submission), PostgreSQL "
          f"{pg1 - pg0:.1f} (whole server), clients {cpu1.user - cpu0.user + cpu1.system - cpu0.system:.1f}; "
          f"the machine was {100 * (busy1 - busy0) / max(1, total1 - total0):.0f} % busy")  # fmt: skip
    recorder.print()
    server_latencies(data_dir / "access.log", urls())
    connections.close_all()
    return 1 if verify(call, outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
