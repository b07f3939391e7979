"""Which database a read goes to: the replica only for report reads, never inside a write, never just after the
reader's own write, never when no replica is configured. (The same rules against a real streaming replica:
tests/replica/, run by `make replica-check`.)"""

import time

import pytest
from django.core import signing
from django.db import transaction

from portal.db_routing import (
    PIN_COOKIE,
    REPLICA,
    ReplicaRouter,
    pinned_until,
    read_database,
    report_reads,
)
from portal.models import Department


@pytest.mark.parametrize(
    ("report_read", "pinned", "in_transaction", "configured", "expected"),
    [
        (True, False, False, True, REPLICA),
        (False, False, False, True, "default"),  # an ordinary page
        (True, True, False, True, "default"),  # the reader wrote moments ago
        (True, False, True, True, "default"),  # a write reading what it changes
        (True, False, False, False, "default"),  # no replica
    ],
)
def test_only_an_unpinned_report_read_outside_a_write_goes_to_the_replica(
    report_read, pinned, in_transaction, configured, expected
):
    assert (
        read_database(
            report_read=report_read,
            pinned=pinned,
            in_transaction=in_transaction,
            replica_configured=configured,
        )
        == expected
    )


@pytest.mark.django_db
def test_without_a_replica_every_read_and_write_goes_to_the_primary():
    router = ReplicaRouter()
    with report_reads():
        assert router.db_for_read(Department) == "default"
        with transaction.atomic():
            assert router.db_for_read(Department) == "default"
    assert router.db_for_write(Department) == "default"
    assert router.allow_migrate("default", "portal") and not router.allow_migrate(REPLICA, "portal")


def test_the_pin_holds_for_its_seconds_and_only_with_a_genuine_signature(settings):
    settings.PORTAL_REPLICA_PIN_SECONDS = 15
    now = time.time()
    cookie = signing.dumps(str(now), salt=PIN_COOKIE)
    assert pinned_until(cookie, now + 14)
    assert not pinned_until(cookie, now + 16)
    assert not pinned_until(cookie[:-1] + ("A" if cookie[-1] != "A" else "B"), now)
    assert not pinned_until(signing.dumps(str(now), salt="another"), now)
    assert not pinned_until(None, now)
