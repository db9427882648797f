"""The one place that reads the process environment.

Every setting that may come from outside (database, secrets, mail, hosts) is read here and
nowhere else, so that a deployer can see in one file what the platform listens to.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
_env_file = BASE_DIR / ".env"
if _env_file.exists():
    environ.Env.read_env(str(_env_file))

DATA_DIR = Path(env.str("CANCEROPOLE_DATA_DIR", default=str(BASE_DIR / "var")))


def database(default_sqlite_name: str = "canceropole.sqlite3") -> dict:
    """PostgreSQL when ``DATABASE_URL`` says so, SQLite (WAL mode) otherwise."""
    url = env.str("DATABASE_URL", default="")
    if url:
        config = environ.Env.db_url_config(url)
        config.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
        config["CONN_HEALTH_CHECKS"] = True
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / default_sqlite_name),
        "OPTIONS": {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
            # the start of a transaction so that concurrent writers queue instead of failing.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
                "PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def is_sqlite_default() -> bool:
    return not env.str("DATABASE_URL", default="")
