from django.db import models


class Staff(models.Model):
    """The portal's staff table, read-only: the row a one-primary-key-query view fetches."""

    employee_no = models.CharField(max_length=32)
    name = models.CharField(max_length=100)

    class Meta:
        managed = False
        db_table = "portal_user"
        app_label = "baseline_site"
