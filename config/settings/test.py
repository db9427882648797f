"""Tests: hermetic, fast, e-mails kept in memory, tasks run at once."""

import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.env import DATA_DIR, database

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
DATABASES = {"default": database("test.sqlite3")}
# SQLite tests use a file (one per process), not the shared in-memory database, whose table locks
# fail at once instead of waiting: the concurrency tests need the real locking of production.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"canceropole-test-{os.getpid()}.sqlite3")
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "test-media"
PRIVATE_MEDIA_ROOT = DATA_DIR / "test-private"
CANCEROPOLE_SIGNUP_MODE = "open"
LANGUAGE_CODE = "fr"

# Serve static files straight from the apps (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Close connections after each request: the live server's threads must not keep the test
# database open at teardown (PostgreSQL refuses to drop a database in use).
DATABASES["default"]["CONN_MAX_AGE"] = 0

CANCEROPOLE_EXPERTISE_BACKGROUND = False
