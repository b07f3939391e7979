"""Settings for the load test: the benchmark settings (production, over HTTP on 127.0.0.1) plus two changes.

- MD5 password hashing, so that hundreds of logins measure the portal and not PBKDF2 (~0.25 s of CPU each by
  design). Only here: production keeps PBKDF2.
- The per-IP login rate limit raised: every simulated learner comes from 127.0.0.1. (In production an exam
  room behind one NAT address meets the same limit: see docs/scaling.md.)
"""

from bench.settings import *  # noqa: F403
from bench.settings import ACCOUNT_RATE_LIMITS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "100000/m/ip"}
