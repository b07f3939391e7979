"""Hooks that higher apps register at start-up (in their AppConfig.ready), so courses never imports them.

- Completion gates: `register_completion_gate(fn)` with `fn(staff, lesson) -> str | None`; a string is the
  reason the learner may not complete the lesson yet (e.g. "Pass the quiz first."). Assessments registers one
  for lessons that have a quiz.
- Lesson panels: `register_lesson_panel(fn)` with `fn(request, lesson) -> dict | None`; a dict with a
  "template" key (and any context) is rendered on the lesson page (e.g. the link to its quiz).
- Programme panels: `register_programme_panel(fn)` with `fn(request, programme) -> dict | None`, the same for a
  programme's page (e.g. the leadership course's effect on the manager's department).
- Page contexts: `register_page_context(model, fn)` with `fn(page, request) -> dict`, what a curriculum page
  shows besides its own fields. The models cannot import the selectors that build it (the selectors query the
  models), so the app registers them at start-up; the same for `register_panel_context(name, fn)`, used by the
  editor guidance panels of the admin forms.
"""

from collections.abc import Callable

_completion_gates: list[Callable] = []
_lesson_panels: list[Callable] = []
_programme_panels: list[Callable] = []
_page_contexts: dict[type, Callable] = {}
_panel_contexts: dict[str, Callable] = {}


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


def register_programme_panel(fn: Callable) -> Callable:
    if fn not in _programme_panels:
        _programme_panels.append(fn)
    return fn


def programme_panels(request, programme) -> list[dict]:
    return [panel for fn in _programme_panels if (panel := fn(request, programme))]


def register_page_context(model: type, fn: Callable) -> Callable:
    _page_contexts[model] = fn
    return fn


def page_context(page, request) -> dict:
    return _page_contexts[type(page)](page, request)


def register_panel_context(name: str, fn: Callable) -> Callable:
    _panel_contexts[name] = fn
    return fn


def panel_context(name: str, **kwargs) -> dict:
    return _panel_contexts[name](**kwargs)
