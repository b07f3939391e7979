"""Events the curriculum app announces to higher apps (assessments issues certificates on onboarding and keeps the
monthly scores, which count in-service hours and results).

Sent after the commit:
onboarding_completed.send(sender=None, staff_id=..., completed_on=date)
lesson_completed.send(sender=None, staff_id=..., lesson_id=..., completed_on=date)

Sent inside the writing transaction, so that what receivers write commits or rolls back with the records:
learning_records_changed.send(sender=None, staff_ids=[...], dates=[date, ...], categories=[Category, ...])
(lesson completions, training records or assessment results of `staff_ids`, dated on `dates`, were added or changed)
"""

from django.dispatch import Signal

onboarding_completed = Signal()
lesson_completed = Signal()
learning_records_changed = Signal()
