"""Serving through gunicorn on 127.0.0.1 and loading it with wrk, for the page benchmarks and the load test."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, *, cookie: str = "", timeout: float = 30) -> tuple[int, str]:
    """GET without following redirects: (status, body). Only 127.0.0.1 is ever asked."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"benchmarks only talk to 127.0.0.1, not {url}")
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


class Gunicorn:
    """`gunicorn -c deploy/gunicorn.conf.py APP` on a free 127.0.0.1 port, for the length of a `with` block."""

    def __init__(
        self,
        app: str,
        *,
        settings: str,
        env: dict | None = None,
        cwd: Path | None = None,
        workers: int = 2,
        ready_path: str = "/",
        pythonpath: list[Path] | None = None,
    ):
        self.app = app
        self.port = free_port()
        self.ready_path = ready_path
        self.cwd = cwd or REPO
        paths = [str(p) for p in (pythonpath or [])] + [str(REPO)]
        self.env = {
            **os.environ,
            **(env or {}),
            "DJANGO_SETTINGS_MODULE": settings,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            # No worker recycling while measuring: a restart costs seconds of Django start-up.
            "GUNICORN_MAX_REQUESTS": "0",
            "PYTHONPATH": os.pathsep.join(paths),
        }
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Gunicorn":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", str(GUNICORN_CONF), self.app],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited with {self.process.returncode}")
            try:
                fetch(self.base_url + self.ready_path, timeout=5)
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn {self.app} did not answer within 120 s")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def drain(url: str, *, fast: float = 0.5, limit: float = 90) -> None:
    """Wait until the server behind `url` answers quickly again: requests queued by the last load run must
    not spill into the next measurement."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            fetch(url, timeout=limit)
        except OSError:
            pass
        if time.monotonic() - started < fast:
            return


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, *, seconds: float, cookie: str = "", connections: int = 4, threads: int = 2) -> dict:
    """One wrk run: requests/s, latency percentiles (ms), and how many answers were not 2xx/3xx or failed."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {pct: _ms(value) for pct, value in re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.MULTILINE)}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(n) for n in errors.groups()) if errors else 0
    return {
        "rps": rps,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": socket_errors,
    }
