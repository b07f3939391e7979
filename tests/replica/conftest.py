"""Tests against a real primary and streaming replica, run by `make replica-check` (scripts/replica-check.sh),
which creates both, migrates the primary and sets PORTAL_REPLICA_CHECK=1. Elsewhere nothing here is collected."""

import os

import pytest

collect_ignore_glob = [] if os.environ.get("PORTAL_REPLICA_CHECK") else ["test_*.py"]


@pytest.fixture(scope="session")
def django_db_setup():
    """Use the migrated database of the private primary as it is: the replica copies it by itself, so no test
    database is created (it would not reach the replica under the same name)."""
