"""The ``canceropole`` command: a thin front door over Django's management commands.

canceropole demo [--port 8000] [--size small|large] [--fresh]
canceropole seed-demo --size small|large [--seed N] [--reset]
canceropole import-directory FILE [--dry-run]
canceropole expertise score --profiles P.jsonl --documents D.jsonl --out S.jsonl
canceropole assign --scores S.csv --conflicts C.csv --reviews-per-application K ...
canceropole <any manage.py command>   (migrate, createsuperuser, db_worker, check …)
"""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# The project's apps are top-level packages beside ``config``: make them importable however the
# command was installed (editable installs only map the packages that existed at install time).
PROJECT_ROOT = str(Path(__file__).resolve().parents[1])
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)


def _django(settings_module: str = "config.settings.dev") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def _manage(argv: Sequence[str]) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["canceropole", *argv])
    return 0


def demo(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="canceropole demo", description="Create the database, load demo data and serve."
    )
    parser.add_argument("--host", default=os.environ.get("CANCEROPOLE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CANCEROPOLE_PORT", "8000")))
    parser.add_argument("--size", choices=["small", "large"], default="small")
    parser.add_argument("--fresh", action="store_true", help="wipe the demo data and generate it again")
    parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")
    args = parser.parse_args(argv)
    # The demo lets staff accounts in without a second factor, so that every role can be tried
    # at once; production and tests enforce it (CANCEROPOLE_STAFF_MFA_REQUIRED).
    os.environ.setdefault("CANCEROPOLE_STAFF_MFA_REQUIRED", "false")
    _django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from directory.models import Person

    if args.fresh or not Person.objects.exists():
        call_command("seed_demo", size=args.size, reset=args.fresh)
    from accounts.demo import demo_accounts

    url = f"http://{args.host}:{args.port}/"
    print("\n" + "=" * 72)
    print(f"  Cancéropôle Île-de-France — demo running at {url}")
    print(f"  Database: {settings.DATABASES['default']['NAME']}")
    print("  Demo accounts (one per role):")
    for role, email, password in demo_accounts():
        print(f"    {role:<44} {email:<34} {password}")
    if not settings.CANCEROPOLE_STAFF_MFA_REQUIRED:
        print("  Note: two-factor authentication is optional for staff in this demo")
        print("        (set CANCEROPOLE_STAFF_MFA_REQUIRED=true to enforce it, as in production).")
    if settings.CANCEROPOLE_EXPERTISE_BACKGROUND:
        print("  The semantic index of the publications is computed in a background process")
        print(f"  (log: {settings.DATA_DIR / 'expertise-index.log'}); until it is done the expert")
        print("  search matches words (the page says so). CANCEROPOLE_EXPERTISE_BACKGROUND=false skips it.")
    print("  E-mails are printed on this console. Stop with Ctrl+C.")
    print("=" * 72 + "\n", flush=True)
    if args.no_serve:
        return 0
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        return demo(rest)
    if command == "expertise":
        from expertise.engine.cli import main as expertise_main

        return expertise_main(rest)
    if command == "assign":
        from evaluation.assignment.cli import main as assign_main

        return assign_main(["assign", *rest]) if rest[:1] != ["assign"] else assign_main(rest)
    _django()
    aliases = {"seed-demo": "seed_demo", "import-directory": "import_directory"}
    return _manage([aliases.get(command, command), *rest])


if __name__ == "__main__":
    raise SystemExit(main())
