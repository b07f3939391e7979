from datetime import time

from django.db import migrations


def create_default(apps, schema_editor):
    NotificationPolicy = apps.get_model("notifications", "NotificationPolicy")
    if NotificationPolicy.objects.exists():
        return
    NotificationPolicy.objects.create(
        quiet_start=time(21, 0),
        quiet_end=time(8, 0),
        default_channels=["email", "dingtalk", "feishu", "wecom"],
        disabled_kinds=[],
        onboarding_days=14,
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
