"""Project-level pages: the home page, the health check and the language switch."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from accounts.scope import scope_label

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def home(request):
    user = request.user
    return render(request, "home.html", {"role": user.role, "scope": scope_label(user)})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            # Redis: a real round trip; the file-system broker has no server.
            if conn.transport.driver_type == "redis":
                conn.default_channel.client.ping()
        return True
    except Exception:
        logger.warning("Health check: broker unreachable", exc_info=True)
        return False


@login_not_required
@require_GET
@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    body["status"] = "ok" if not failing else "unavailable: " + ", ".join(failing)
    return JsonResponse(body, status=503 if failing else 200)


# The language switch must work on the login page too.
set_language = login_not_required(django_set_language)
