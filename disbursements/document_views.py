"""Handover documents: the BAST PDF, the signed scan and photos, and the public verification page.

Private files are served only to users who may see the handover (404 for
everyone else, as for any record outside one's scope), always as downloads
with a name made from the handover number, never from the storage path.

The verification page needs no login. It answers a plain 404 for an unknown
token, and for a handover that never became a numbered record (a draft, a
submitted one, a cancelled one) it answers 404 too, with a page saying that
the document is not a valid handover: a printed draft must not pass as a
signed record, and its details stay private.
"""

import mimetypes
import re

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tjsl.downloads import private_download as _private_download
from tjsl.pdf import render_pdf

from .documents import NUMBERED_STATUSES, bast_context, bast_queryset, document_filename, verification_url
from .models import Disbursement, Evidence

# What secrets.token_urlsafe() gives (models._verification_token), with room for longer tokens.
VERIFICATION_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@require_GET
def bast_pdf(request, pk: int) -> HttpResponse:
    """The BAST generated from the record; a DRAF copy until the handover is approved."""
    disbursement = get_object_or_404(
        bast_queryset().visible_to(request.user).filter(kind=Disbursement.Kind.HANDOVER), pk=pk
    )
    context = bast_context(
        disbursement=disbursement, user=request.user, verify_url=verification_url(disbursement, request)
    )
    pdf = render_pdf("disbursements/bast.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document_filename(disbursement)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def bast_scan_download(request, pk: int) -> HttpResponse:
    disbursement = get_object_or_404(Disbursement.objects.visible_to(request.user), pk=pk)
    if not disbursement.bast_scan:
        raise Http404
    filename = document_filename(disbursement, suffix="-ditandatangani")
    return _private_download(disbursement.bast_scan, filename=filename, content_type="application/pdf")


@require_GET
def evidence_download(request, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("disbursement").filter(
            disbursement__in=Disbursement.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    extension = (mimetypes.guess_extension(evidence.content_type) or ".bin").lstrip(".")
    filename = document_filename(evidence.disbursement, suffix=f"-foto-{evidence.pk}", extension=extension)
    return _private_download(evidence.file, filename=filename, content_type=evidence.content_type)


@login_not_required
@require_GET
def verify(request, token: str) -> HttpResponse:
    if not VERIFICATION_TOKEN.fullmatch(token):
        raise Http404  # not a token we issue (a NUL byte, a long string...): never reaches the database
    disbursement = get_object_or_404(
        Disbursement.objects.select_related("company", "program", "partner", "group", "reversal"),
        verification_token=token,
    )
    if disbursement.status not in NUMBERED_STATUSES:
        response = render(request, "disbursements/verify.html", {"valid": False}, status=404)
    else:
        context = {"valid": True, "handover": disbursement, "reversed_by": _approved_reversal(disbursement)}
        response = render(request, "disbursements/verify.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _approved_reversal(disbursement: Disbursement) -> Disbursement | None:
    """The reversal that cancels this handover's effect, once it is approved."""
    reversal = getattr(disbursement, "reversal", None)
    return reversal if reversal is not None and reversal.status in NUMBERED_STATUSES else None
