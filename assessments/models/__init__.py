"""Assessment records: QA evaluations, question banks and quizzes, certificates, KPIs and monthly scores."""

from assessments.models.evaluation import Evaluation, EvaluationKind
from assessments.models.scoring import KpiRecord, MonthlyScore, ScoringPolicyVersion

__all__ = ["Evaluation", "EvaluationKind", "KpiRecord", "MonthlyScore", "ScoringPolicyVersion"]
