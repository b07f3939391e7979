"""The signed codes of offline-session check-in: the QR code's token and the learner's confirmation token.

The QR token names the session and the 30-second window it was made in (`courses.rules.check_in_window`); the
confirmation token, embedded in the page a learner opens by scanning, names the session and the learner and
lives two minutes, so a confirm button pressed a little after the code changed still counts.
"""

from django.core import signing

_QR_SALT = "courses.check-in.qr"
_CONFIRM_SALT = "courses.check-in.confirm"
CONFIRM_MAX_AGE_SECONDS = 120


class BadCode(Exception):
    """The token was not made by this portal (tampered, truncated) or has expired."""


def qr_token(*, session_id: int, window: int) -> str:
    return signing.dumps([session_id, window], salt=_QR_SALT)


def qr_token_read(token: str) -> tuple[int, int]:
    """(session id, window) of a QR token; raises BadCode when it is not ours."""
    try:
        session_id, window = signing.loads(token, salt=_QR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadCode from None
    return int(session_id), int(window)


def confirm_token(*, session_id: int, user_id: int) -> str:
    return signing.dumps([session_id, user_id], salt=_CONFIRM_SALT)


def confirm_token_read(token: str, *, user_id: int) -> int:
    """The session id of a confirmation token made for `user_id` in the last two minutes; else BadCode."""
    try:
        session_id, token_user = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadCode from None
    if int(token_user) != user_id:
        raise BadCode
    return int(session_id)
