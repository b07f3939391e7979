"""Events of certificates that other systems must hear about (HR systems through webhooks, the LRS).

Sent inside the writing transaction, so that what receivers write commits or rolls back with the change:
certificate_changed.send(sender=None, certificate=Certificate, change=...)
with `change` one of "issued", "revoked", "suspended", "restored", "renewed", "expired".
"""

from django.dispatch import Signal

ISSUED, REVOKED, SUSPENDED, RESTORED, RENEWED, EXPIRED = (
    "issued",
    "revoked",
    "suspended",
    "restored",
    "renewed",
    "expired",
)

certificate_changed = Signal()
