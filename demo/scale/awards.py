"""The incentives part of the synthetic company (see `demo.scale.company`).

Through the services HR and reviewers use: the Service Stars of every complete month but the last are approved by
one HR user and published by another (which freezes the month's scores and locks the month); the last complete
month is left for review. Improvement suggestions are submitted by about 1% of the staff, reviewed by two
managers, and decided and approved by HR; their dates are the generation date (the services stamp them now).
"""

import random
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from demo.scale.company import Company
from incentives import services
from incentives.models import Suggestion
from portal.models import Role, User

TOPICS = [
    (
        "投诉工单自动分派",
        "投诉工单靠人工分派，高峰期积压。",
        "按问题类别自动分派到专席组。",
        "平均处理时长缩短约20%。",
    ),
    (
        "常见问题知识卡片",
        "新员工查找答案耗时长。",
        "把高频问题做成一页知识卡片嵌入工作台。",
        "首次解决率提高。",
    ),
    ("回访话术优化", "回访时客户常挂断。", "开场先说明回访目的和时长。", "回访完成率提高。"),
    ("夜班交接清单", "夜班与早班交接时遗漏未结工单。", "统一交接清单并在系统中勾选确认。", "遗漏工单减少。"),
    ("宽带故障预判提示", "同一区域故障重复来电多。", "区域故障时在来电弹屏提示已知故障。", "重复来电减少。"),
]


def generate(*, rng: random.Random, company: Company, months: list[date], stdout) -> None:
    hr = [User.objects.get(pk=p.pk) for p in company.with_roles(Role.HR)[:2]]
    if len(hr) < 2:
        stdout.write("Incentives: skipped (two HR users are needed for maker-checker).")
        return
    published = 0
    for month in months[:-1]:
        services.service_star_round_approve(
            month=month, acting_user=hr[0], reason="核对无误", acknowledgement="已知悉"
        )
        services.service_star_round_publish(month=month, acting_user=hr[1], reason="按规则公示")
        published += 1

    managers = [User.objects.get(pk=p.pk) for p in company.with_roles(Role.MANAGER)]
    submitters = rng.sample(company.in_service, k=max(1, len(company.people) // 100))
    outcome = {"submitted": 0, "reviewed": 0, "adopted": 0, "awarded": 0}
    for index, person in enumerate(submitters):
        title, problem, proposal, benefit = TOPICS[index % len(TOPICS)]
        suggestion = services.suggestion_submit(
            title=f"{title}（{index + 1}）",
            problem=problem,
            proposal=proposal,
            expected_benefit=benefit,
            acting_user=User.objects.get(pk=person.pk),
        )
        outcome["submitted"] += 1
        if len(managers) < 2 or rng.random() < 0.4:
            continue
        base = rng.uniform(1.5, 4.8)
        for reviewer in rng.sample(managers, 2):
            scores = [Decimal(str(min(5, max(0, round(base + rng.uniform(-0.7, 0.7)))))) for _ in range(5)]
            services.suggestion_review(suggestion=suggestion, scores=scores, acting_user=reviewer)
        outcome["reviewed"] += 1
        if rng.random() < 0.3:
            continue
        adopt = base >= 2.5
        suggestion = services.suggestion_decide(suggestion=suggestion, adopt=adopt, acting_user=hr[0])
        if adopt:
            outcome["adopted"] += 1
            if rng.random() < 0.7:
                try:
                    services.suggestion_award_approve(
                        suggestion=Suggestion.objects.get(pk=suggestion.pk),
                        acting_user=hr[1],
                        reason="价值评分已复核",
                    )
                except ValidationError:  # the month's award budget is spent: the rest wait for next month
                    continue
                outcome["awarded"] += 1
    stdout.write(
        f"Incentives: Service Stars published for {published} months; suggestions "
        + ", ".join(f"{k} {v}" for k, v in outcome.items())
        + "."
    )
