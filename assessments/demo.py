"""Demo data of the assessments app (seed_demo calls `seed`)."""

from assessments import scoring_demo


def seed(stdout=None):
    logins = []
    logins.extend(scoring_demo.seed(stdout=stdout) or [])
    return logins
