"""The public verification page (/xac-minh/): no sign-in, no JavaScript, rate limited per address like the
public tracking lookup. A scanned QR code opens it with the payload in the query; a PDF may be uploaded."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.esign import conf, forms, reading, selectors, verification

QR_FIELDS = ("v", "d", "r", "n", "h", "k", "s")


def _limited(request: HttpRequest) -> bool:
    return not hit(f"esign-verify:{client_ip(request)}", limit=conf.verify_per_ip_minute(), window_seconds=60)


def _scanned_query(request: HttpRequest) -> str:
    """The QR payload when the page was opened from a scanned code (its fields in the query)."""
    if not set(request.GET) & set(QR_FIELDS):
        return ""  # a plain visit; a partial code (a bad scan) is verified, and refused with a reason
    return request.GET.urlencode() if set(request.GET) <= set(QR_FIELDS) else ""


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    verdict = None
    if request.method == "POST":
        form = forms.VerifyForm(request.POST, request.FILES)
        if _limited(request):
            return render(request, "accounts/rate_limited.html", status=429)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            data = None
            if upload is not None:
                try:
                    data = reading.upload_bytes(upload)
                except reading.TooLarge:
                    form.add_error("file", _("Tệp quá lớn để xác minh."))
            if not form.errors:
                verdict = verification.result_verify(
                    query=form.cleaned_data.get("payload") or "", pdf_bytes=data, client=client_ip(request)
                )
    else:
        scanned = _scanned_query(request)
        form = forms.VerifyForm(initial={"payload": scanned})
        if scanned:
            if _limited(request):
                return render(request, "accounts/rate_limited.html", status=429)
            verdict = verification.result_verify(query=scanned, client=client_ip(request))
    return render(request, "esign/verify.html", {"form": form, "verdict": verdict})


@require_safe
def certificates(request: HttpRequest) -> HttpResponse:
    return render(request, "esign/certificates.html", {"certificates": selectors.certificate_list_public()})


@require_safe
def certificate_pem(request: HttpRequest, fingerprint: str) -> HttpResponse:
    certificate = selectors.certificate_by_fingerprint(fingerprint=fingerprint.lower())
    if certificate is None:
        raise Http404
    response = HttpResponse(certificate.pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{certificate.key_id}.pem"'
    return response
