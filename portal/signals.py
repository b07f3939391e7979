"""Events the people app announces; higher apps (courses, assessments) answer them with their own services.

`staff_changed` is sent after a commit that created or changed staff, once per batch, so a 10,000-row import
sends one signal, not 10,000:  `staff_changed.send(sender=User, staff_ids=[...], created_ids=[...])`.

`staff_roles_changed` is sent inside the writing transaction when people were created or changed role or were
(de)activated, so that what receivers write (the monthly scores count active agents and team leads) commits or
rolls back with the change:  `staff_roles_changed.send(sender=User, staff_ids=[...])`.
"""

from django.dispatch import Signal

staff_changed = Signal()
staff_roles_changed = Signal()
