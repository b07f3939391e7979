"""Assessment records: QA evaluations, question banks and quizzes, certificates, KPIs and monthly scores."""

from assessments.models.evaluation import Evaluation, EvaluationKind

__all__ = ["Evaluation", "EvaluationKind"]
