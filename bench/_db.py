"""The benchmark databases: the synthetic company (kept between runs while its inputs are unchanged) and an
empty one for the bare Wagtail baseline. SQLite files live in bench/results/; on PostgreSQL they are databases
beside the one DATABASE_URL names (which is never written), each name ending in a tag of the checkout, so that
two checkouts benchmarking on one server never drop each other's databases."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
# The generator's code: a change to it regenerates the company.
SCALE_SOURCES = ["demo/scale/*.py", "demo/management/commands/generate_scale_data.py"]


def vendor_of(database_url: str) -> str:
    scheme = urlsplit(database_url).scheme if database_url else "sqlite"
    return "postgresql" if scheme.startswith("postgres") else "sqlite"


def _with_database(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _pg_admin(database_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def checkout_tag() -> str:
    """A short tag of this checkout (its path): PostgreSQL databases are shared by every checkout on the machine."""
    return hashlib.sha256(str(REPO).encode()).hexdigest()[:6]


def database_url_for(vendor: str, base_url: str, name: str, results_dir: Path) -> str:
    if vendor == "postgresql":
        return _with_database(base_url, f"{name}_{checkout_tag()}")
    return f"sqlite:///{results_dir / (name + '.sqlite3')}"


def recreate(vendor: str, base_url: str, name: str, results_dir: Path) -> str:
    """Drop and create the database `name`; returns its URL."""
    url = database_url_for(vendor, base_url, name, results_dir)
    if vendor == "postgresql":
        name = urlsplit(url).path.lstrip("/")
        _pg_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(results_dir / (name + ".sqlite3")) + suffix).unlink(missing_ok=True)
    return url


def scratch_database(name: str) -> str:
    """Point DATABASE_URL at a fresh, empty database `name` before Django starts (on PostgreSQL beside the one it
    names, on SQLite a file in bench/results/); returns the vendor."""
    base = os.environ.get("DATABASE_URL", "")
    vendor = vendor_of(base)
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = recreate(vendor, base, name, results)
    return vendor


def fingerprint(*, staff: int, months: int, seed: int, month: str) -> str:
    """Changes when the generated data would: the generator's code, the migrations, the size, the month."""
    digest = hashlib.sha256(json.dumps([staff, months, seed, month]).encode())
    for pattern in SCALE_SOURCES:
        for path in sorted(REPO.glob(pattern)):
            digest.update(path.read_bytes())
    for migration in sorted(REPO.glob("*/migrations/0*.py")):
        digest.update(str(migration.relative_to(REPO)).encode())
    return digest.hexdigest()


def manage(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env={**os.environ, **env}, check=True)


def prepare_company(
    *,
    vendor: str,
    base_url: str,
    results_dir: Path,
    staff: int,
    months: int,
    seed: int,
    month: str,
    fresh: bool,
) -> tuple[str, bool]:
    """The synthetic company's database URL, generated unless an identical one exists. Returns (url, generated)."""
    name = f"portal_bench_{staff}s_{months}m_seed{seed}"
    marker = results_dir / f"{name}.{vendor}.json"
    stamp = fingerprint(staff=staff, months=months, seed=seed, month=month)
    url = database_url_for(vendor, base_url, name, results_dir)
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if not fresh and marker.exists() and json.loads(marker.read_text()).get("fingerprint") == stamp:
        manage(["migrate", "--noinput", "-v", "0"], env)
        return url, False
    marker.unlink(missing_ok=True)
    url = recreate(vendor, base_url, name, results_dir)
    manage(["migrate", "--noinput", "-v", "0"], env)
    manage(
        ["generate_scale_data", "--staff", str(staff), "--months", str(months), "--seed", str(seed)],
        env,
    )
    marker.write_text(json.dumps({"fingerprint": stamp, "url": url}))
    return url, True


def database_version(vendor: str, url: str) -> str:
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(url) as conn:
            return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"
