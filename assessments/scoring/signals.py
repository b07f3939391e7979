"""Events of the monthly scores that other systems must hear about (BI, through the portal's webhooks).

Sent inside the writing transaction, so that what receivers write commits or rolls back with the scores:
scores_stored.send(sender=None, month=date, staff_ids=[...])  (the people whose stored score of the month changed)
"""

from django.dispatch import Signal

scores_stored = Signal()

score_summaries_stored = Signal()
"""score_summaries_stored.send(sender=None, month=date, generation=int): a month's summaries were stored again
from its data as of `generation` (inside the refreshing transaction), so summaries built on them are refreshed
too."""
