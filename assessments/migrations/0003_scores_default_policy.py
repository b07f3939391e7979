"""The default scoring and Service Star policy of the domain brief; it applies to every month until a later one."""

from decimal import Decimal

from django.db import migrations

DEFAULT = {
    "name": "默认政策 / Default policy",
    "timeliness_floor": Decimal("90"), "timeliness_target": Decimal("98"), "timeliness_excellence": Decimal("99.5"),
    "resolution_floor": Decimal("85"), "resolution_target": Decimal("95"), "resolution_excellence": Decimal("99"),
    "satisfaction_floor": Decimal("75"), "satisfaction_target": Decimal("90"), "satisfaction_excellence": Decimal("98"),
    "complaint_floor": Decimal("2.0"), "complaint_target": Decimal("0.5"), "complaint_excellence": Decimal("0.1"),
    "weight_kpi": Decimal("50"), "weight_quality": Decimal("30"), "weight_learning": Decimal("20"),
    "required_hours": Decimal("4"), "min_contacts": 100, "winners": 10,
}


def create_default(apps, schema_editor):
    ScoringPolicyVersion = apps.get_model("assessments", "ScoringPolicyVersion")
    if not ScoringPolicyVersion.objects.filter(effective_month__isnull=True).exists():
        ScoringPolicyVersion.objects.create(effective_month=None, **DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_scores_kpis_policy")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
