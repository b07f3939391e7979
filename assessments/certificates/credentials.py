"""Each certificate as an Open Badges 3.0 credential (`portal.credentials` signs, bakes and checks it).

The credential's id is the certificate's public verification address; its achievement is the certification
type (one stable address per kind, with its criteria as the type in force states them); its validity dates
are the certificate's (midnight, Asia/Shanghai); its status entry is the certificate's position (its id) in the
portal's status list, so a suspension or a revocation shows to any verifier. Nothing is stored: a credential
is signed afresh on each download, with the certificate's current dates.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.certificates import pdf
from assessments.certificates.selectors import certification_types_in_force
from assessments.models import Certificate, CertificateKind, CertificationType, PerformanceRuleKind
from portal import credentials


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def criteria_narrative(version: CertificationType | None) -> str:
    """How the certificate is earned and kept, as the certification type in force says."""
    if version is None:
        return ""
    parts = [
        _("Earned by: %(how)s.") % {"how": version.get_earned_by_display()},
        _("Valid for %(months)s months.") % {"months": version.validity_months},
    ]
    if version.recertification_quiz_id:
        parts.append(_("Renewed by passing the recertification quiz before it expires."))
    if version.performance_rule == PerformanceRuleKind.FRONT_LINE:
        parts.append(
            _(
                "Suspended after %(missed)s consecutive published months missing a KPI target, or after an "
                "upheld major complaint; restored after %(met)s consecutive months meeting every target."
            )
            % {"missed": version.suspend_after_missed_months, "met": version.restore_after_met_months}
        )
    return " ".join(parts)


def achievement(kind: str, version: CertificationType | None, request=None) -> dict:
    with translation.override("zh-hans"):
        label = str(CertificateKind(kind).label)
        return {
            "id": credentials.absolute("credential-achievement", kind, request=request),
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": version.name if version else label,
            "description": label,
            "criteria": {"narrative": criteria_narrative(version) or label},
            "@language": "zh-Hans",
        }


def certificate_credential(
    certificate: Certificate, *, version: CertificationType | None, request=None
) -> dict:
    """The unsigned credential of `certificate`."""
    valid_from = credentials.iso(local_midnight(certificate.issued_on))
    credential = {
        "@context": [credentials.VC_CONTEXT, credentials.OB_CONTEXT],
        "id": pdf.verification_url(certificate, request),
        "type": list(credentials.CREDENTIAL_TYPES),
        "name": certificate.programme_title,
        "description": achievement(certificate.kind, version, request)["description"],
        "issuer": credentials.issuer_profile(request),
        "validFrom": valid_from,
        # The published Open Badges 3.0 schema still names the issue date as VC 1.1 did.
        "issuanceDate": valid_from,
        "awardedDate": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.holder_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "licenseNumber": certificate.number,
            "achievement": achievement(certificate.kind, version, request),
        },
        "credentialStatus": credentials.status_entry(certificate.pk, request),
        "credentialSchema": [{"id": credentials.SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if certificate.expires_on:
        credential["validUntil"] = credentials.iso(local_midnight(certificate.expires_on))
        credential["expirationDate"] = credential["validUntil"]
    return credential


def certificate_credential_jwt(certificate: Certificate, *, now: datetime | None = None, request=None) -> str:
    """The certificate's credential, signed now."""
    now = now or timezone.now()
    version = certification_types_in_force(timezone.localdate(now)).get(certificate.kind)
    credential = certificate_credential(certificate, version=version, request=request)
    return credentials.issue_jwt(credential, now=now, request=request)


def certificate_badge_png(certificate: Certificate, token: str) -> bytes:
    """The baked badge: the certification type's name on a round badge, the credential inside."""
    with translation.override("zh-hans"):
        title = str(CertificateKind(certificate.kind).label)
    return credentials.bake_png(credentials.badge_png(title, certificate.number), token)


def _local_day(value) -> date | None:
    try:
        return timezone.localdate(datetime.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return None


def credential_summary(credential: dict) -> dict:
    """What the public verifier shows of a credential: its own words, never looked up elsewhere."""
    subject = (
        credential.get("credentialSubject") if isinstance(credential.get("credentialSubject"), dict) else {}
    )
    names = [
        i.get("identityHash", "")
        for i in subject.get("identifier") or []
        if isinstance(i, dict) and i.get("identityType") == "name" and not i.get("hashed")
    ]
    issuer = credential.get("issuer") if isinstance(credential.get("issuer"), dict) else {}
    achievement_ = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issued = _local_day(credential.get("validFrom"))
    until = _local_day(credential.get("validUntil"))
    return {
        "name": credential.get("name", ""),
        "holder": names[0] if names else "",
        "number": subject.get("licenseNumber", ""),
        "achievement": achievement_.get("name", ""),
        "criteria": (achievement_.get("criteria") or {}).get("narrative", ""),
        "issuer": issuer.get("name", ""),
        "issued": pdf.chinese_date(issued) if issued else "",
        # validUntil is the first day no longer valid; people read the last valid day.
        "valid_until": pdf.chinese_date(until - timedelta(days=1)) if until else "",
        "verification_url": credential.get("id", ""),
    }
