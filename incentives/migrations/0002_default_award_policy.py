from decimal import Decimal

from django.db import migrations


def create_default(apps, schema_editor):
    AwardPolicy = apps.get_model("incentives", "AwardPolicy")
    if AwardPolicy.objects.filter(effective_month__isnull=True).exists():
        return
    AwardPolicy.objects.create(
        effective_month=None,
        name="默认奖励政策",
        star_bonus_yuan=1000,
        star_gift_card="购物卡（面值 500 元）",
        innovation_bonus_yuan=2000,
        monthly_budget_yuan=30000,
        tier1_min_score=Decimal("85"),
        tier1_yuan=5000,
        tier2_min_score=Decimal("70"),
        tier2_yuan=3000,
        tier3_min_score=Decimal("55"),
        tier3_yuan=2000,
        tier4_min_score=Decimal("40"),
        tier4_yuan=1000,
        base_yuan=500,
    )


class Migration(migrations.Migration):
    dependencies = [("incentives", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
