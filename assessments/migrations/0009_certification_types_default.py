"""The default certification types of the brief (onboarding 12 months with the front-line performance rule,
leadership 12 months without one); certificates issued before them get their first period of validity."""

import calendar
from datetime import date
from decimal import Decimal

from django.db import migrations

DEFAULTS = (
    {
        "kind": "onboarding",
        "name": "新员工入职证书 / Onboarding certificate",
        "earned_by": "programme_final_exam",
        "validity_months": 12,
        "performance_rule": "front_line",
        "suspend_after_missed_months": 3,
        "restore_after_met_months": 2,
        "renewal_window_days": 60,
        "renewal_min_quality": Decimal("80"),
    },
    {
        "kind": "leadership",
        "name": "服务战略与领导力证书 / Leadership course certificate",
        "earned_by": "course",
        "validity_months": 12,
        "performance_rule": "none",
        "suspend_after_missed_months": 3,
        "restore_after_met_months": 2,
        "renewal_window_days": 60,
        "renewal_min_quality": Decimal("80"),
    },
)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def create_default(apps, schema_editor):
    CertificationType = apps.get_model("assessments", "CertificationType")
    Certificate = apps.get_model("assessments", "Certificate")
    CertificatePeriod = apps.get_model("assessments", "CertificatePeriod")
    for values in DEFAULTS:
        if not CertificationType.objects.filter(kind=values["kind"], effective_month__isnull=True).exists():
            CertificationType.objects.create(effective_month=None, **values)
    months = {values["kind"]: values["validity_months"] for values in DEFAULTS}
    for certificate in Certificate.objects.filter(expires_on__isnull=True):
        certificate.expires_on = _add_months(certificate.issued_on, months.get(certificate.kind, 12))
        certificate.status_month = _add_months(certificate.issued_on.replace(day=1), -1)
        certificate.status_since = certificate.issued_on
        certificate.save(update_fields=["expires_on", "status_month", "status_since"])
        CertificatePeriod.objects.get_or_create(
            certificate=certificate,
            starts_on=certificate.issued_on,
            defaults={"ends_on": certificate.expires_on},
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0008_certification_types_validity")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
