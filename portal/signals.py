"""Events the people app announces; higher apps (courses, assessments) answer them with their own services.

`staff_changed` is sent after a commit that created or changed staff, once per batch, so a 10,000-row import
sends one signal, not 10,000:  `staff_changed.send(sender=User, staff_ids=[...], created_ids=[...])`.
"""

from django.dispatch import Signal

staff_changed = Signal()
