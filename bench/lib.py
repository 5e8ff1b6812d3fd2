"""What every benchmark needs: the machine, services, a govhub server, wrk, and its figures."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
GOVHUB = BIN / "govhub"

PG_HOST = os.environ.get("PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("PGPORT", "5432")
PG_USER = os.environ.get("PGUSER", "postgres")
PG_DATABASE = "govhub_bench"
REDIS_DB = os.environ.get("GOVHUB_BENCH_REDIS_DB", "3")
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
SECRET = "bench-secret-key-not-for-production-0123456789"


def load() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` shows them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return (
        f"{platform.node()}: {os.cpu_count()} x {cpu}{memory}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args: str | Path, env: dict | None = None, quiet: bool = True) -> str:
    """Run a command to completion; its output, or a clear failure."""
    result = subprocess.run(
        [str(a) for a in args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise RuntimeError(f"{' '.join(map(str, args))} exited {result.returncode}")
    if not quiet:
        print(result.stdout, end="")
    return result.stdout


# Services


def ensure_postgres_and_redis() -> None:
    """PostgreSQL and Redis on their usual ports, started when they are down (as .ci does)."""
    ready = ["pg_isready", "-q", "-h", PG_HOST, "-p", PG_PORT]
    if subprocess.run(ready, check=False).returncode != 0:
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False
        )
        _wait(lambda: subprocess.run(ready, check=False).returncode == 0, "PostgreSQL")
    ping = ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"]
    if subprocess.run(ping, capture_output=True, check=False).returncode != 0:
        Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
             "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis"],
            check=False,
        )  # fmt: skip
        _wait(
            lambda: subprocess.run(ping, capture_output=True, check=False).returncode == 0, "Redis"
        )


def _wait(ready, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise SystemExit(f"FAIL: {what} did not come up within {seconds:.0f}s")


def psql(sql: str, database: str = "postgres") -> str:
    return run(
        "psql", "-qAt", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", database, "-c", sql
    )


def fresh_postgres_database() -> str:
    psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {PG_DATABASE}")
    return f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}"


def flush_redis() -> None:
    run("redis-cli", "-h", "127.0.0.1", "-p", "6379", "-n", REDIS_DB, "flushdb")


# Environments and the server


@dataclass
class Setup:
    """One database (and queue) to benchmark: its name in the results and its environment."""

    name: str  # "SQLite" or "PostgreSQL"
    env: dict[str, str]
    var_dir: Path
    extra: dict = field(default_factory=dict)

    def govhub(self, *args: str) -> str:
        return run(GOVHUB, *args, env=self.env)

    def task(self, name: str, *args: str) -> dict:
        """Run ``bench/tasks.py NAME`` against this database; its JSON answer."""
        out = run(PYTHON, ROOT / "bench" / "tasks.py", name, *args, env=self.env)
        return json.loads(out.strip().splitlines()[-1])


def base_env(var_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHUB_")}
    env.update(
        GOVHUB_ENV="production",
        GOVHUB_SECRET_KEY=SECRET,
        GOVHUB_VAR_DIR=str(var_dir),
        GOVHUB_BASE_URL=f"http://127.0.0.1:{port}",
        # The bench's clients stand behind a proxy on loopback (X-Forwarded-For): the
        # registration burst is many residents, not one client over its limit.
        GOVHUB_TRUSTED_PROXIES="127.0.0.1",
        PICCOLO_CONF="govhub.piccolo_conf",
        PYTHONUNBUFFERED="1",
    )
    return env


def make_setup(kind: str, port: int) -> Setup:
    """A fresh, migrated database with the demo partnership: SQLite (embedded queue) or
    PostgreSQL with Redis."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"govhub-bench-{kind}-"))
    env = base_env(var_dir, port)
    if kind == "sqlite":
        env["GOVHUB_DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
        name = "SQLite"
    else:
        env["GOVHUB_DATABASE_URL"] = fresh_postgres_database()
        env["GOVHUB_REDIS_URL"] = REDIS_URL
        flush_redis()
        name = "PostgreSQL"
    setup = Setup(name=name, env=env, var_dir=var_dir)
    setup.govhub("migrate")
    setup.govhub("seed-demo")
    return setup


class Server:
    """``govhub serve`` (one uvicorn process) in its own process group, stopped for sure."""

    def __init__(self, setup: Setup, port: int) -> None:
        self.setup, self.port = setup, port
        self.url = f"http://127.0.0.1:{port}"
        self.log = setup.var_dir / f"serve-{port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(GOVHUB), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.setup.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"FAIL: govhub serve exited; see {self.log}")
            with contextlib.suppress(httpx.HTTPError, ValueError):
                report = httpx.get(self.url + "/healthz", timeout=2).json()
                # Serving: its database and queue answer (on Redis the worker is started later,
                # so /healthz says 503 "no heartbeat" until then).
                if report["database"] == report["queue"] == "ok":
                    return self
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"FAIL: govhub serve did not answer /healthz in 30s; see {self.log}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __exit__(self, *exc) -> None:
        self.stop()


# wrk


@dataclass
class WrkResult:
    command: str
    requests_per_second: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors
    latency_ms: float
    load: str


WRK_THREADS, WRK_CONNECTIONS, WRK_SECONDS = 1, 16, 8


def wrk(
    url: str, *, seconds: int = WRK_SECONDS, headers: dict[str, str] | None = None
) -> WrkResult:
    """A short warm-up, then one measured run."""
    if not shutil.which("wrk"):
        raise SystemExit("FAIL: wrk is not installed (apt-get install wrk; `make bench` does it)")
    args = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    subprocess.run([*args, "-d2s", url], capture_output=True, check=False)
    command = [*args, f"-d{seconds}s", url]
    before = load()
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[latency.group(2)]
    shown = " ".join(
        f"'{part.split(':')[0]}: <signed-in cookies>'" if part.startswith("Cookie:") else part
        for part in command
    )
    return WrkResult(
        command=shown,
        requests_per_second=rps,
        requests=requests,
        errors=errors,
        latency_ms=float(latency.group(1)) * scale,
        load=before,
    )


def today() -> str:
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


@contextlib.contextmanager
def step(title: str) -> Iterator[None]:
    print(f"== {title} (load {load()})", flush=True)
    started = time.monotonic()
    yield
    print(f"   done in {time.monotonic() - started:.0f}s", flush=True)
