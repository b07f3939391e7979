"""Events the curriculum app announces to higher apps (assessments issues certificates on onboarding).

onboarding_completed.send(sender=None, staff_id=..., completed_on=date)
lesson_completed.send(sender=None, staff_id=..., lesson_id=..., completed_on=date)
"""

from django.dispatch import Signal

onboarding_completed = Signal()
lesson_completed = Signal()
