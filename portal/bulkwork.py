"""Bulk work in one process: an import of 100,000 rows, a month's scores of 50,000 people, a ranking."""

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def gc_paused():
    """Run the block (or, as a decorator, the function) with Python's cyclic garbage collector paused.

    Bulk work allocates many objects that all stay alive until it ends (parsed rows, score tuples), and each
    burst of allocations makes the collector walk every live object of the process again: measured on a KPI file
    of 100,000 rows, that was half the parse. Reference counting still frees everything outside a cycle while
    paused; the collector resumes, as it was before, when the last paused block of the process ends (blocks may
    nest and run in several threads).
    """
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
