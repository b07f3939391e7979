"""The garbage collector pause around bulk work: paused inside, resumed as it was after."""

import gc

import pytest

from portal.bulkwork import gc_paused


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_inside_and_resumed_after(collector_on):
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_resumes_after_an_error(collector_on):
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()


def test_nested_blocks_resume_only_when_the_outermost_ends(collector_on):
    @gc_paused()
    def inner():
        return gc.isenabled()

    with gc_paused():
        assert inner() is False
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()
