"""Events of incentives that other systems must hear about (payroll, through the portal's webhooks).

Sent inside the writing transaction, so that what receivers write (an outbox row) commits or rolls back with the
change:
month_published.send(sender=None, publication=ServiceStarPublication)
month_unpublished.send(sender=None, publication=ServiceStarPublication)  (the publication just undone)
"""

from django.dispatch import Signal

month_published = Signal()
month_unpublished = Signal()
