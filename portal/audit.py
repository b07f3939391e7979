"""The names people read for the audit trail's action codes (`incentives.star.exclude` → "排除服务之星候选人").

Each app registers the labels of its own actions at start-up, so the trail never shows a code word; a test checks
that every action recorded anywhere in the code has one.
"""

_labels: dict[str, str] = {}


def register_action_labels(labels: dict) -> None:
    _labels.update(labels)


def action_label(action: str) -> str:
    return str(_labels.get(action, action))


def registered_actions() -> set[str]:
    return set(_labels)
