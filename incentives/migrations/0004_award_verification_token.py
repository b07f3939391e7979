import secrets

from django.db import migrations, models

import portal.verification


def give_each_award_a_token(apps, schema_editor):
    Award = apps.get_model("incentives", "Award")
    for award in Award.objects.filter(verification_token__isnull=True).only("pk"):
        Award.objects.filter(pk=award.pk).update(verification_token=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [("incentives", "0003_award_rank_constraints")]

    operations = [
        migrations.AddField(
            model_name="award",
            name="verification_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_award_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="award",
            name="verification_token",
            field=models.CharField(
                default=portal.verification.verification_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
