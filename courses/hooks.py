"""Hooks that higher apps register at start-up (in their AppConfig.ready), so courses never imports them.

- Completion gates: `register_completion_gate(fn)` with `fn(staff, lesson) -> str | None`; a string is the
  reason the learner may not complete the lesson yet (e.g. "Pass the quiz first."). Assessments registers one
  for lessons that have a quiz.
- Lesson panels: `register_lesson_panel(fn)` with `fn(request, lesson) -> dict | None`; a dict with a
  "template" key (and any context) is rendered on the lesson page (e.g. the link to its quiz).
"""

from collections.abc import Callable

_completion_gates: list[Callable] = []
_lesson_panels: list[Callable] = []


def register_completion_gate(fn: Callable) -> Callable:
    if fn not in _completion_gates:
        _completion_gates.append(fn)
    return fn


def register_lesson_panel(fn: Callable) -> Callable:
    if fn not in _lesson_panels:
        _lesson_panels.append(fn)
    return fn


def lesson_completion_blockers(staff, lesson) -> list[str]:
    return [reason for gate in _completion_gates if (reason := gate(staff, lesson))]


def lesson_panels(request, lesson) -> list[dict]:
    return [panel for fn in _lesson_panels if (panel := fn(request, lesson))]
