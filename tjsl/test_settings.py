"""Small overrides for the test suite; everything else is the real settings."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE", "0")


def _redis_url_for_worker(url: str, worker: str) -> str:
    """Each pytest-xdist worker (gw0, gw1, ...) gets a Redis database of its own, counting
    down from the one given, so that one worker's Celery tasks and cache never reach another."""
    index = int(worker.removeprefix("gw") or 0)
    base, _, db = url.rpartition("/")
    if not db.isdigit():
        base, db = url.rstrip("/"), "15"
    return f"{base}/{(int(db) - index) % 16}"


if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_URL"] = _redis_url_for_worker(os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"])

from .settings import *  # noqa: E402, F403  (after the environment above)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The tests' webhook receivers listen on http://127.0.0.1 (production refuses both).
WEBHOOK_ALLOW_HTTP = WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
