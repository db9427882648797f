"""Production settings: refuse to start without a secret, pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_prod_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.prod", "DJANGO_SECRET_KEY": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_prod_passes_the_deployment_checks_without_warning():
    result = _check({"DJANGO_SECRET_KEY": "k" * 20 + "-Zq9!xR2#vL7@pW4$mN8^bT1&hJ6*cF3(yD5)gS0"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_default_database_is_sqlite_in_wal_mode(tmp_path, monkeypatch, django_db_blocker):
    """With no DATABASE_URL the platform uses a SQLite file in WAL mode."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from config.settings import env as env_module

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(env_module, "DATA_DIR", tmp_path)
    config = env_module.database("wal-check.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    wrapper = DatabaseWrapper(
        {
            **config,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        },
        alias="walcheck",
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        wrapper.close()


def test_database_url_selects_postgresql(monkeypatch):
    from config.settings import env as env_module

    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example:5432/canceropole")
    config = env_module.database()
    assert config["ENGINE"] == "django.db.backends.postgresql" and config["NAME"] == "canceropole"
