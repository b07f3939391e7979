import os

# Test settings: no secret key needed, tasks run immediately, fast hashing (see tests/conftest.py).
os.environ.setdefault("PORTAL_TESTING", "1")
