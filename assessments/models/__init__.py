"""Assessment records: QA evaluations, question banks and quizzes, certificates, KPIs and monthly scores."""

from assessments.models.bank import Question, QuestionBank, QuestionCategory, QuestionType
from assessments.models.certificate import (
    Certificate,
    CertificateBatch,
    CertificateKind,
    CertificatePeriod,
    CertificateStatus,
    CertificateVerification,
    CertificationType,
    EarnedBy,
    PerformanceRuleKind,
)
from assessments.models.coaching import CoachingAssignment, CoachingModule, CoachingReview, KpiCode
from assessments.models.evaluation import DisputeStatus, Evaluation, EvaluationKind
from assessments.models.quiz import Attempt, AttemptItem, AttemptStatus, Quiz, QuizQuestion, ReviewPolicy
from assessments.models.scorecard import Rubric, RubricCriterion
from assessments.models.scoring import KpiRecord, MonthlyScore, ScoringPolicyVersion

__all__ = [
    "Attempt",
    "AttemptItem",
    "AttemptStatus",
    "Certificate",
    "CertificateBatch",
    "CertificateKind",
    "CertificatePeriod",
    "CertificateStatus",
    "CertificateVerification",
    "CertificationType",
    "CoachingAssignment",
    "CoachingModule",
    "CoachingReview",
    "DisputeStatus",
    "EarnedBy",
    "Evaluation",
    "EvaluationKind",
    "KpiCode",
    "KpiRecord",
    "MonthlyScore",
    "PerformanceRuleKind",
    "Question",
    "QuestionBank",
    "QuestionCategory",
    "QuestionType",
    "Quiz",
    "QuizQuestion",
    "ReviewPolicy",
    "Rubric",
    "RubricCriterion",
    "ScoringPolicyVersion",
]
