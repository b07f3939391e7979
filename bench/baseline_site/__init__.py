"""Baselines served the same way as the portal (gunicorn, same config) in the same run.

- The bare home page of a fresh `wagtail start` site: generated into a scratch directory at bench time (not
  committed), with `wagtail_overlay.py` as its settings (its production settings on our benchmark database).
- A Django view doing one primary-key query, and a trivial view with no query: `pk_settings` / `pk_urls`, a
  tiny project on the portal's benchmark database.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WAGTAIL_PROJECT = "benchsite"


def prepare_wagtail_site(workdir: Path, env: dict) -> tuple[Path, str]:
    """Generate (once per run) and migrate the bare Wagtail site. Returns (its directory, settings module).

    `env` carries BASELINE_DATABASE_URL, the database the bare site uses (created empty by the caller).
    """
    site_dir = workdir / WAGTAIL_PROJECT
    if not (site_dir / "manage.py").exists():
        site_dir.mkdir(parents=True, exist_ok=True)
        wagtail = Path(sys.executable).with_name("wagtail")
        clean_env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
        subprocess.run(
            [str(wagtail), "start", WAGTAIL_PROJECT, str(site_dir)],
            check=True,
            stdout=subprocess.DEVNULL,
            env=clean_env,
        )
    overlay = site_dir / WAGTAIL_PROJECT / "settings" / "bench_overlay.py"
    overlay.write_text((HERE / "wagtail_overlay.py").read_text())
    settings_module = f"{WAGTAIL_PROJECT}.settings.bench_overlay"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=site_dir,
        check=True,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": settings_module, "PYTHONPATH": str(site_dir)},
    )
    return site_dir, settings_module
