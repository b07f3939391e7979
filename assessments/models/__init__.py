"""Assessment records: QA evaluations, question banks and quizzes, certificates, KPIs and monthly scores."""

from assessments.models.coaching import CoachingAssignment, CoachingModule, KpiCode
from assessments.models.evaluation import Evaluation, EvaluationKind
from assessments.models.scoring import KpiRecord, MonthlyScore, ScoreMonthState, ScoringPolicyVersion

__all__ = [
    "CoachingAssignment",
    "CoachingModule",
    "Evaluation",
    "EvaluationKind",
    "KpiCode",
    "KpiRecord",
    "MonthlyScore",
    "ScoreMonthState",
    "ScoringPolicyVersion",
]
