"""Events of quizzes that other concerns answer (certificates issue the onboarding certificate)."""

from django.dispatch import Signal

# Sent on commit when a final exam is passed: staff_id, quiz_id.
final_exam_passed = Signal()

# Sent inside the grading transaction when an attempt has its final grade (at submission, at the deadline, after
# the last essay is graded, or regraded): attempt.
attempt_graded = Signal()
