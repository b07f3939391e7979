"""Role groups exist on every fresh database; their permissions are kept in step by portal.roles on migrate."""

from django.db import migrations

ROLES = ["new_hire", "agent", "team_lead", "manager", "trainer", "hr", "admin"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=f"role:{role}")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
