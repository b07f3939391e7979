"""Certificate pages: a person's own certificates, their PDFs and Open Badges credentials, HR revocation and
batches, public verification of a certificate and of a presented credential."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.certificates import credentials as certificate_credentials
from assessments.certificates import selectors as certificate_selectors
from assessments.certificates import services as certificate_services
from assessments.certificates.forms import CertificationTypeForm, CredentialVerifyForm
from assessments.certificates.pdf import certificates_pdf, chinese_date
from assessments.models import Certificate, CertificateBatch, CertificateKind, CertificationType
from portal import credentials
from portal.login_throttle import client_address
from portal.verification import mask_name, verification_page

DOWNLOADS_PER_MINUTE = 10
VERIFICATIONS_PER_MINUTE = 30


def _over_limit(key: str, limit: int) -> bool:
    """Count one use under `key` in the current minute; True when over `limit`."""
    if cache.get_or_set(key, 0, 60) >= limit:
        return True
    cache.incr(key)
    return False


@login_required
def my_certificates(request):
    items = certificate_selectors.certificates_for_holder(request.user, today=timezone.localdate())
    return render(request, "assessments/certificates/my_certificates.html", {"items": items})


@login_required
def certificate_download(request, certificate_id):
    certificate = certificate_services.certificate_get_for_holder(request.user, certificate_id)
    # Rendering costs ~0.3 s of CPU: a few per minute per person is plenty (security checklist item 34).
    if _over_limit(f"cert-dl:{request.user.pk}", DOWNLOADS_PER_MINUTE):
        return HttpResponse(_("Too many downloads; try again in a minute."), status=429)
    response = HttpResponse(certificates_pdf([certificate], request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@login_required
def credential_download(request, certificate_id):
    """The holder's Open Badges 3.0 credential as JSON (a VC 2.0 EnvelopedVerifiableCredential), signed now."""
    certificate = certificate_services.certificate_get_for_holder(request.user, certificate_id)
    if _over_limit(f"cert-dl:{request.user.pk}", DOWNLOADS_PER_MINUTE):
        return HttpResponse(_("Too many downloads; try again in a minute."), status=429)
    token = certificate_credentials.certificate_credential_jwt(certificate, request=request)
    response = JsonResponse(credentials.enveloped(token), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.json"'
    return response


@login_required
def credential_badge(request, certificate_id):
    """The holder's badge: a PNG with the signed credential baked in."""
    certificate = certificate_services.certificate_get_for_holder(request.user, certificate_id)
    if _over_limit(f"cert-dl:{request.user.pk}", DOWNLOADS_PER_MINUTE):
        return HttpResponse(_("Too many downloads; try again in a minute."), status=429)
    token = certificate_credentials.certificate_credential_jwt(certificate, request=request)
    response = HttpResponse(
        certificate_credentials.certificate_badge_png(certificate, token), content_type="image/png"
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.png"'
    return response


def _public_json(data, content_type="application/json") -> HttpResponse:
    response = JsonResponse(
        data, json_dumps_params={"ensure_ascii": False, "indent": 2}, content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


def credential_achievement(request, kind):
    """Public: the achievement every credential of a certification type names, with its criteria."""
    if kind not in CertificateKind.values:
        raise Http404
    version = certificate_selectors.certification_types_in_force(timezone.localdate()).get(kind)
    achievement = certificate_credentials.achievement(kind, version, request)
    return _public_json({"@context": [credentials.VC_CONTEXT, credentials.OB_CONTEXT], **achievement})


def credential_status_list(request):
    """Public: the status list (a signed BitstringStatusListCredential) in which every credential has an entry:
    valid, suspended, revoked or expired, as of now."""
    now = timezone.now()
    codes = certificate_selectors.status_codes(timezone.localdate(now))
    status_list = credentials.status_list_credential(codes, now=now, request=request)
    response = HttpResponse(
        credentials.issue_jwt(status_list, now=now, request=request), content_type="application/vc+jwt"
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


def credential_verify(request):
    """Public (no login): check a pasted or uploaded credential: signature, schema, and current status."""
    form = CredentialVerifyForm(request.POST or None, request.FILES or None)
    check = summary = None
    if request.method == "POST" and form.is_valid():
        if _over_limit(f"cred-verify:{client_address(request)}", VERIFICATIONS_PER_MINUTE):
            return HttpResponse(_("Too many checks; try again in a minute."), status=429)
        upload = form.cleaned_data["file"]
        try:
            token = credentials.presented_token(
                form.cleaned_data["credential"],
                upload.read(credentials.MAX_PRESENTED_BYTES + 1) if upload else None,
            )
        except credentials.PresentationError as exc:
            form.add_error(None, str(exc))
        else:
            now = timezone.now()
            today = timezone.localdate(now)
            check = credentials.check_credential(
                token,
                now=now,
                status_of=lambda credential: certificate_selectors.credential_status(credential, today=today),
                request=request,
            )
            if check.credential:
                summary = certificate_credentials.credential_summary(check.credential)
    return verification_page(
        request,
        "assessments/certificates/credential_verify.html",
        {"form": form, "check": check, "summary": summary},
    )


def certificate_verify(request, token):
    """Public (no login), by the token only: status in plain words with its dates, the certification type and
    the holder's masked name. Each look is logged (the one write a public page makes)."""
    certificate = certificate_services.certificate_get_by_token(token)
    certificate_services.certificate_verification_record(
        certificate=certificate,
        address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return verification_page(
        request,
        "assessments/certificates/verify.html",
        {
            "certificate": certificate,
            "status": certificate.public_status,
            "type_label": certificate.get_kind_display(),
            "masked_name": mask_name(certificate.holder_name),
            "issued_zh": chinese_date(certificate.issued_on),
            "expires_zh": chinese_date(certificate.expires_on) if certificate.expires_on else "",
            "valid_until_zh": chinese_date(certificate.valid_until) if certificate.expires_on else "",
            "status_since_zh": chinese_date(certificate.status_since) if certificate.status_since else "",
        },
    )


@login_required
@permission_required("assessments.manage_certificates", raise_exception=True)
def certificate_admin(request):
    query = request.GET.get("q", "").strip()
    certificates = certificate_selectors.certificates_with_verification_counts(
        Certificate.objects.select_related("holder").order_by("-issued_on", "-pk")
    )
    if query:
        certificates = certificates.filter(number__icontains=query) | certificates.filter(
            holder__employee_no=query
        )
    page = Paginator(certificates, 50).get_page(request.GET.get("page"))
    batches = CertificateBatch.objects.all()[:10]
    return render(
        request,
        "assessments/certificates/admin.html",
        {"page": page, "query": query, "batches": batches},
    )


@login_required
@permission_required("assessments.manage_certificates", raise_exception=True)
@require_POST
def certificate_revoke(request, certificate_id):
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    try:
        certificate_services.certificate_revoke(
            certificate=certificate, acting_user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
    return redirect("assessments:certificate-admin")


@login_required
@permission_required("assessments.manage_certificates", raise_exception=True)
@require_POST
def batch_start(request):
    ids = request.POST.getlist("certificate")
    if request.POST.get("all") == "1":
        ids = list(Certificate.objects.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    try:
        batch = certificate_services.certificate_batch_request(
            certificate_ids=[int(i) for i in ids if str(i).isdigit()], acting_user=request.user
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assessments:certificate-admin")
    return redirect("assessments:certificate-batch", batch_id=batch.pk)


@login_required
@permission_required("assessments.manage_certificates", raise_exception=True)
def batch_detail(request, batch_id):
    batch = get_object_or_404(CertificateBatch, pk=batch_id)
    return render(request, "assessments/certificates/batch.html", {"batch": batch})


@login_required
@permission_required("assessments.manage_certificates", raise_exception=True)
def batch_download(request, batch_id):
    batch = get_object_or_404(CertificateBatch, pk=batch_id, status=CertificateBatch.Status.DONE)
    return FileResponse(batch.pdf.open("rb"), as_attachment=True, filename=f"certificates-{batch.pk}.pdf")


@never_cache
@login_required
@permission_required("assessments.manage_certificates", raise_exception=True)
def certification_type_list(request):
    today = timezone.localdate()
    in_force = {v.pk for v in certificate_selectors.certification_types_in_force(today).values() if v}
    versions = [
        {
            "version": v,
            "in_force": v.pk in in_force,
            "editable": bool(v.effective_month and v.effective_month > today),
        }
        for v in CertificationType.objects.select_related("recertification_quiz")
    ]
    return render(request, "assessments/certificates/type_list.html", {"versions": versions})


@never_cache
@login_required
@permission_required("assessments.manage_certificates", raise_exception=True)
def certification_type_edit(request, pk: int | None = None):
    """A new version (its values start from the version in force) or a change to one not yet in force."""
    version = get_object_or_404(CertificationType, pk=pk) if pk else None
    form = CertificationTypeForm(request.POST or None, instance=version, new=version is None)
    if version is None and not request.POST:
        kind = request.GET.get("kind", "onboarding")
        base = certificate_selectors.certification_types_in_force(timezone.localdate()).get(kind)
        if base is not None:
            form.initial.update({name: getattr(base, name) for name in form.Meta.fields})
            form.initial["recertification_quiz"] = base.recertification_quiz_id
        form.initial["kind"] = kind
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if version is None:
                certificate_services.certification_type_create(
                    kind=form.cleaned_data["kind"],
                    effective_month=form.cleaned_data["effective_month"],
                    values=values,
                    acting_user=request.user,
                )
            else:
                certificate_services.certification_type_update(
                    version=version, values=values, acting_user=request.user
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The certification type was saved."))
            return redirect("assessments:certification-type-list")
    return render(request, "assessments/certificates/type_form.html", {"form": form, "version": version})
