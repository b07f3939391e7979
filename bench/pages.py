"""Page throughput through gunicorn (2 sync workers, persistent connections) under wrk, beside the bare
`wagtail start` home page and a one-primary-key-query Django view served the same way in the same run; and
in-process median / p95 with the SQL query count (Django test client, CaptureQueriesContext).

Targets: Wagtail content pages (programme, lesson) and the learner's own pages (home, my scores, recognition
wall) ≥ 50% of the bare Wagtail page's requests/s; the team matrix and HR pages ≥ 30% of it. Each figure is
the median of `ctx.runs` wrk runs of `ctx.duration` seconds, the targets measured in turn with the baselines in
every round so that drift hits all alike; a page's ratio is the median of its per-round ratios to the bare page.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench import Context, Figure, fmt, percentile
from bench._http import Gunicorn, drain, fetch, wrk, wrk_available
from bench.baseline_site import prepare_wagtail_site
from portal.months import add_months, first_of_month

CONTENT, LEARNER, DASHBOARD = "content", "learner", "dashboard"
TARGETS = {CONTENT: 0.50, LEARNER: 0.50, DASHBOARD: 0.30}


@dataclass
class PageSpec:
    key: str
    label: str
    kind: str
    role: str
    path: Callable[["Actors"], str | None]


@dataclass
class Actors:
    """The synthetic people the pages are opened as, and the objects the pages show."""

    agent: object
    lead: object
    manager: object
    hr: object
    month: object  # the last complete month
    current_month: object


def _reverse(*candidates: tuple) -> Callable[[Actors], str | None]:
    """The first URL name (with kwargs built from the actors) that exists in this build, else None."""

    def resolve(actors: Actors) -> str | None:
        for name, make_kwargs in candidates:
            try:
                return reverse(name, kwargs=make_kwargs(actors) if make_kwargs else None)
            except NoReverseMatch:
                continue
        return None

    return resolve


def _no_kwargs(actors):
    return None


def _month_kwargs(actors):
    return {"month": f"{actors.month:%Y-%m}"}


def _programme_path(actors: Actors) -> str | None:
    from courses.models import ProgrammePage

    page = ProgrammePage.objects.live().filter(kind="monthly", month=actors.current_month).first()
    return page.url if page else None


def _lesson_path(actors: Actors) -> str | None:
    from courses.models import LessonPage, ProgrammePage

    programme = ProgrammePage.objects.live().filter(kind="monthly", month=actors.current_month).first()
    if programme is None:
        return None
    lesson = LessonPage.objects.live().descendant_of(programme).order_by("path").first()
    return lesson.url if lesson else None


PAGES = [
    PageSpec("learner_home", "Learner home", LEARNER, "agent", _reverse(("portal:home", _no_kwargs))),
    PageSpec("programme", "Programme page", CONTENT, "agent", _programme_path),
    PageSpec("lesson", "Lesson page", CONTENT, "agent", _lesson_path),
    PageSpec("team_matrix", "Team matrix", DASHBOARD, "lead", _reverse(("courses:team-matrix", _no_kwargs))),
    PageSpec(
        "my_scores",
        "My scores",
        LEARNER,
        "agent",
        _reverse(
            ("assessments:my-scores", _no_kwargs),
            ("assessments:my-score", _no_kwargs),
            ("assessments:score-mine", _no_kwargs),
        ),
    ),
    PageSpec(
        "hr_month_overview",
        "HR month overview",
        DASHBOARD,
        "hr",
        _reverse(
            ("assessments:score-overview-month", _month_kwargs),
            ("assessments:score-overview", _no_kwargs),
            ("assessments:scores-overview", _no_kwargs),
            ("assessments:month-overview", _month_kwargs),
        ),
    ),
    PageSpec(
        "star_review",
        "Service Star review",
        DASHBOARD,
        "hr",
        _reverse(
            ("incentives:star-month", _month_kwargs),
            ("incentives:star-review", _month_kwargs),
            ("incentives:service-star-review", _month_kwargs),
            ("incentives:star-round", _month_kwargs),
            ("incentives:star-review", _no_kwargs),
            ("incentives:service-stars", _no_kwargs),
        ),
    ),
    PageSpec(
        "recognition_wall",
        "Recognition wall",
        LEARNER,
        "agent",
        _reverse(
            ("incentives:recognition-wall", _no_kwargs),
            ("incentives:wall", _no_kwargs),
            ("incentives:hall-of-fame", _no_kwargs),
        ),
    ),
]


def _actors(ctx: Context) -> Actors:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from courses.models import Enrolment
    from demo.scale.company import synthetic_staff
    from portal.models import Role

    today = timezone.localdate()
    current = first_of_month(today)
    staff = synthetic_staff().filter(is_active=True)
    enrolled = Enrolment.objects.filter(programme__month=current).values("staff_id")
    agent = (
        staff.filter(role=Role.AGENT, pk__in=enrolled, hire_date__lt=add_months(current, -ctx.months))
        .order_by("employee_no")
        .first()
    )
    if agent is None:
        raise RuntimeError("No synthetic agent enrolled this month: run generate_scale_data first.")
    lead = staff.filter(role=Role.TEAM_LEAD, team_id=agent.team_id).first()
    manager = staff.filter(role=Role.MANAGER, department_id=agent.department_id).first()
    hr = staff.filter(role=Role.HR).order_by("employee_no").first()
    if not Authenticator.objects.filter(user=hr, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(hr, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return Actors(agent, lead, manager, hr, add_months(current, -1), current)


def _client_for(user) -> Client:
    """A logged-in client; HR has passed the two-factor check in this session (as after a TOTP login)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["portal_mfa_ok"] = user.pk
    session.save()
    return client


def _in_process(client: Client, path: str, samples: int) -> dict:
    try:
        response = client.get(path)
    except Exception as exc:  # a page that crashes in this build is reported, not benchmarked
        return {"status": 500, "error": f"{type(exc).__name__}: {str(exc)[:120]}"}
    if response.status_code != 200:
        location = response.headers.get("Location", "")
        return {"status": response.status_code, "error": f"HTTP {response.status_code} {location}".strip()}
    for _ in range(2):
        client.get(path)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "status": 200,
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "queries": len(queries.captured_queries),
    }


def run(ctx: Context) -> list[Figure]:
    if not wrk_available():
        return [Figure.missing("pages", "page throughput", "wrk is not installed (Debian package wrk)")]
    from django.conf import settings
    from django.core.cache import cache

    # Entries of an earlier run may describe another generation of the synthetic company.
    cache.clear()
    cache_note = (
        f"portal served with the Redis cache ({settings.REDIS_URL})"
        if settings.REDIS_URL
        else "portal served without Redis (local-memory cache per process)"
    )
    ctx.log(cache_note)
    actors = _actors(ctx)
    users = {"agent": actors.agent, "lead": actors.lead, "manager": actors.manager, "hr": actors.hr}
    clients = {role: _client_for(user) for role, user in users.items() if user is not None}
    cookies = {role: f"sessionid={client.cookies['sessionid'].value}" for role, client in clients.items()}

    figures: list[Figure] = []
    measured: list[tuple[PageSpec, str, dict]] = []
    samples = 5 if ctx.quick else 20
    for spec in PAGES:
        path = spec.path(actors)
        if path is None:
            figures.append(Figure.missing("pages", f"{spec.label} — req/s", "not available in this build"))
            continue
        stats = _in_process(clients[spec.role], path, samples)
        if stats["status"] != 200:
            figures.append(
                Figure(
                    group="pages",
                    name=f"{spec.label} — req/s",
                    value=None,
                    unit="req/s",
                    note=f"{path}: {stats['error']}",
                    available=False,
                )
            )
            continue
        ctx.log(f"{spec.label} {path}: {stats['median_ms']:.1f} ms in process, {stats['queries']} queries")
        measured.append((spec, path, stats))

    scratch = Path(ctx.results_dir) / "baseline"
    wagtail_env = {"BASELINE_DATABASE_URL": ctx.extra["baseline_database_url"]}
    site_dir, wagtail_settings = prepare_wagtail_site(scratch, wagtail_env)
    with (
        Gunicorn("portal.wsgi", settings="bench.settings", ready_path="/accounts/login/") as portal,
        Gunicorn(
            "benchsite.wsgi",
            settings=wagtail_settings,
            env=wagtail_env,
            cwd=site_dir,
            pythonpath=[site_dir],
        ) as bare,
        Gunicorn(
            "django.core.wsgi:get_wsgi_application()",
            settings="bench.baseline_site.pk_settings",
            ready_path="/ping/",
        ) as pk,
    ):
        targets = {
            "bare_wagtail": (bare.base_url + "/", ""),
            "pk_view": (pk.base_url + f"/staff/{actors.agent.pk}/", ""),
            "trivial_view": (pk.base_url + "/ping/", ""),
        }
        for spec, path, _ in measured:
            targets[spec.key] = (portal.base_url + path, cookies[spec.role])
        for key, (url, cookie) in list(targets.items()):
            status, body = fetch(url, cookie=cookie)
            if status != 200:
                raise RuntimeError(f"{key}: {url} answered {status} through gunicorn")
            wrk(url, seconds=1, cookie=cookie)  # warm both workers
            drain(portal.base_url + "/accounts/login/")
        rounds: dict[str, list[dict]] = {key: [] for key in targets}
        for round_no in range(ctx.runs):
            for key, (url, cookie) in targets.items():
                rounds[key].append(wrk(url, seconds=ctx.duration, cookie=cookie))
                drain(portal.base_url + "/accounts/login/")
            ctx.log(
                f"round {round_no + 1}/{ctx.runs}: "
                + ", ".join(f"{k} {r[-1]['rps']:.0f}" for k, r in rounds.items())
            )

    def median_rps(key):
        return statistics.median(r["rps"] for r in rounds[key])

    def failures(key):
        return sum(r["bad"] + r["socket_errors"] for r in rounds[key])

    bare_rps, pk_rps, trivial_rps = (
        median_rps("bare_wagtail"),
        median_rps("pk_view"),
        median_rps("trivial_view"),
    )
    figures[:0] = [
        Figure(
            group="pages",
            name="baseline: bare `wagtail start` home page",
            value=bare_rps,
            unit="req/s",
            note=cache_note,
            extra={"cache": "redis" if settings.REDIS_URL else "local-memory"},
        ),
        Figure(
            group="pages",
            name="baseline: Django view, one primary-key query",
            value=pk_rps,
            unit="req/s",
            baseline_name="trivial view",
            baseline=trivial_rps,
            note=f"trivial view without a query: {fmt(trivial_rps)} req/s",
        ),
    ]

    def paired_ratio(key):
        # Each round measured the page and the bare page minutes apart: their ratio within the round is what a
        # shared machine's drift between rounds leaves alone.
        return statistics.median(
            page["rps"] / bare["rps"]
            for page, bare in zip(rounds[key], rounds["bare_wagtail"], strict=True)
            if bare["rps"]
        )

    for spec, path, stats in measured:
        rps = median_rps(spec.key)
        bad = failures(spec.key)
        p99 = statistics.median(r["p99_ms"] or 0 for r in rounds[spec.key])
        note = (
            f"{path}; in process {stats['median_ms']:.1f} ms median, {stats['p95_ms']:.1f} ms p95, "
            f"{stats['queries']} queries; {rps / pk_rps:.0%} of the one-query view; p99 {p99:.0f} ms"
        )
        if bad:
            note += f"; {bad} failed responses"
        figures.append(
            Figure(
                group="pages",
                name=f"{spec.label} — req/s",
                value=rps if not bad else None,
                unit="req/s",
                baseline_name="bare Wagtail page",
                baseline=bare_rps,
                paired_ratio=paired_ratio(spec.key),
                target_ratio=TARGETS[spec.kind],
                note=note,
                extra={"path": path, "role": spec.role, **stats, "p99_ms": p99, "failed": bad},
            )
        )
    # Keep the table in page order: baselines first, then the pages as listed (missing ones in place).
    order = {f"{spec.label} — req/s": i for i, spec in enumerate(PAGES)}
    return sorted(figures, key=lambda f: order.get(f.name, -1))
