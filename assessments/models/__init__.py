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
from assessments.models.coaching import CoachingAssignment, CoachingModule, KpiCode
from assessments.models.evaluation import (
    OPEN_DISPUTE_STATUSES,
    DisputeStatus,
    DisputeStep,
    DisputeStepKind,
    Evaluation,
    EvaluationKind,
    QaLead,
)
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
    "DisputeStatus",
    "DisputeStep",
    "DisputeStepKind",
    "EarnedBy",
    "Evaluation",
    "EvaluationKind",
    "KpiCode",
    "KpiRecord",
    "OPEN_DISPUTE_STATUSES",
    "QaLead",
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
