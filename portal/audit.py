"""The names people read for the audit trail's action codes (`incentives.star.exclude` → "排除服务之星候选人").

All of them in one place, so the trail never shows a code word and translators find every one together; a test
checks that every action recorded anywhere in the code has a label. (Codes are plain strings: portal imports
nothing of the apps whose actions it names.)
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # portal
    "staff.create": _("Staff member created"),
    "staff.deactivate": _("Staff member deactivated"),
    "staff.invite": _("Invitation sent"),
    "staff.role_change": _("Role changed"),
    "month.lock": _("Month locked"),
    "month.unlock": _("Month unlocked"),
    "wagtail.publish": _("Page published"),
    "scale.generate": _("Synthetic company generated"),
    "import.staff": _("Roster imported"),
    "import.attendance": _("Attendance imported"),
    "import.training_records": _("Training records imported"),
    "import.questions": _("Questions imported"),
    "import.evaluations": _("Evaluations imported"),
    "import.kpis": _("KPIs imported"),
    "import.calls": _("Call list imported"),
    "import_mapping.save": _("Column mapping saved"),
    "sso.refused": _("Sign-in through DingTalk, Feishu or WeCom refused"),
    # courses
    "courses.attendance": _("Attendance recorded"),
    "courses.enrolment.create": _("Enrolment added"),
    "courses.enrolment.delete": _("Enrolment withdrawn"),
    "courses.enrolment.update": _("Enrolment corrected"),
    "courses.training_record.create": _("Training record added"),
    "courses.training_record.delete": _("Training record deleted"),
    "courses.training_record.update": _("Training record corrected"),
    "courses.session.create": _("Offline session scheduled"),
    "courses.session.start": _("Offline session started"),
    "courses.session.check_in": _("Checked in by QR code"),
    "courses.session.add": _("Attendee added by the trainer"),
    "courses.session.remove": _("Attendee removed by the trainer"),
    "courses.session.close": _("Offline session closed"),
    # notifications
    "notifications.policy_update": _("Notification settings changed"),
    "notifications.resend": _("Message sent again"),
    # assessments
    "certificate.batch": _("Certificates regenerated"),
    "certificate.expire": _("Certificate expired"),
    "certificate.issue": _("Certificate issued"),
    "certificate.rename": _("Certificate holder renamed"),
    "certificate.renew": _("Certificate renewed"),
    "certificate.restore": _("Certificate restored"),
    "certificate.revoke": _("Certificate revoked"),
    "certificate.suspend": _("Certificate suspended"),
    "certification_type.create": _("Certification type version added"),
    "certification_type.update": _("Certification type version changed"),
    "coaching.assign": _("Coaching assigned"),
    "coaching.module_clear": _("Remedial module cleared"),
    "coaching.module_set": _("Remedial module set"),
    "evaluation.critical_review": _("Critical-item failure reviewed by HR"),
    "coaching.review": _("Remedial lesson studied again"),
    "evaluation.dispute": _("Evaluation disputed"),
    "qa.policy_update": _("QA policy changed"),
    "qa.evaluator_capacity": _("QA evaluator capacity changed"),
    "qa.rule_create": _("Transcript rule added"),
    "qa.rule_update": _("Transcript rule changed"),
    "qa.rule_delete": _("Transcript rule deleted"),
    "rubric.create": _("Scorecard rubric added"),
    "rubric.update": _("Scorecard rubric changed"),
    "rubric.delete": _("Scorecard rubric deleted"),
    "qa.sample_draw": _("QA spot-check sample drawn"),
    "qa.sampled_call.evaluate": _("Sampled call evaluated"),
    "evaluation.dispute_endorse": _("Dispute endorsed by the team lead"),
    "evaluation.dispute_reject": _("Dispute rejected by the team lead"),
    "calibration.open": _("Calibration session opened"),
    "calibration.score": _("Calibration call scored"),
    "calibration.reference": _("Calibration reference set"),
    "calibration.policy_update": _("Calibration policy changed"),
    "calibration.review_draw": _("Evaluations drawn for review"),
    "calibration.review": _("Evaluation reviewed by a QA lead"),
    "evaluation.dispute_upheld": _("Dispute decided: score upheld"),
    "evaluation.dispute_revised": _("Dispute decided: score revised"),
    "evaluation.revision_apply": _("Revision after publication applied"),
    "evaluation.score": _("Evaluation scored"),
    "kpis.replace": _("Month's KPIs replaced"),
    "policy.create": _("Scoring policy version added"),
    "policy.update": _("Scoring policy version changed"),
    "qa_lead.appoint": _("QA lead appointed"),
    "qa_lead.remove": _("QA lead role ended"),
    "quiz.completion_in_locked_month": _("Quiz pass in a locked month"),
    "quiz.appeal_file": _("Exam appeal filed"),
    "quiz.essay_grade": _("Essay graded"),
    "quiz.idle_submit": _("Exam submitted after a time without activity"),
    "quiz.leave_limit_submit": _("Exam submitted for leaving the page too often"),
    "quiz.regrade": _("Quiz regraded"),
    "quiz.result_in_locked_month": _("Quiz result in a locked month"),
    "quiz.review_decide": _("Exam review decided"),
    "scores.compute": _("Monthly scores computed"),
    # incentives
    "incentives.case.approve": _("Case award approved"),
    "incentives.case.reject": _("Case nomination turned down"),
    "incentives.case.nominate": _("Case nominated"),
    "incentives.policy.create": _("Award policy version added"),
    "incentives.policy.delete": _("Award policy version deleted"),
    "incentives.policy.update": _("Award policy version changed"),
    "incentives.star.approve": _("Service Stars approved"),
    "incentives.star.exclude": _("Service Star candidate excluded"),
    "incentives.star.exclusion_withdraw": _("Service Star exclusion withdrawn"),
    "incentives.star.publish": _("Service Stars published"),
    "incentives.star.revision_flag": _("Revision after publication would change the Service Stars"),
    "incentives.star.revision_keep": _("Published Service Stars kept despite a revision"),
    "incentives.star.undo": _("Service Star publication undone"),
    "incentives.suggestion.adopt": _("Suggestion adopted"),
    "incentives.suggestion.award_approve": _("Suggestion award approved"),
    "incentives.suggestion.implemented": _("Suggestion implemented"),
    "incentives.suggestion.review": _("Suggestion reviewed"),
    "incentives.suggestion.submit": _("Suggestion submitted"),
}

_labels: dict[str, str] = dict(ACTION_LABELS)


def register_action_labels(labels: dict) -> None:
    _labels.update(labels)


def action_label(action: str) -> str:
    return str(_labels.get(action, action))


def registered_actions() -> set[str]:
    return set(_labels)
