"""Events of quizzes that other concerns answer (certificates issue the onboarding certificate)."""

from django.dispatch import Signal

# Sent on commit when a final exam is passed: staff_id, quiz_id.
final_exam_passed = Signal()
