"""Events of QA evaluations that a higher app answers (incentives flags a revision that changes published stars)."""

from django.dispatch import Signal

# Sent inside the deciding transaction when a QA lead revises the score of an evaluation dated in a published
# (locked) month: evaluation (with `revised_score_pending` set), acting_user.
evaluation_revised_after_publication = Signal()
