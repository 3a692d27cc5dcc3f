"""`make bench`: web throughput against a Flask hello-world, then orders at scale.

1. Serves the shop and `bench/hello.py` in turn with the same gunicorn settings and measures
   each page with `wrk` (requests per second, as a ratio of hello-world), then the p99 latency
   at half of that load with a paced client. Budget (quality.md): ratio >= 0.8, p99 < 20 ms.
2. Runs `bench/orders_scale.py` with 100,000 orders (1,000,000 with --full).

Needs `wrk` (apt-get install -y wrk); without it a slower Python client is used instead.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = [
    "/",
    "/learn",
    "/learn/massage-for-upper-and-mid-back-pain",
    "/shop",
    "/shop/balmorex-pro",
]
WORKERS = max(2, os.cpu_count() or 2)


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def shop_environment(tmp: Path) -> dict[str, str]:
    """Settings for a migrated, seeded shop in a temporary folder."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'shop.db'}",
        MEDIA_DIR=str(tmp / "media"),
        SECRET_KEY="bench-" + "x1y2z3" * 8,
        SITE_URL="http://127.0.0.1",
        PAGE_CACHE_STAMP=str(tmp / "page-cache.stamp"),
    )
    flask = [str(BIN / "flask"), "--app", "shop"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*flask, "seed"], env=env, check=True, cwd=ROOT, capture_output=True)
    return env


@contextmanager
def gunicorn(target: str, env: dict[str, str], chdir: Path) -> Iterator[str]:
    """Serve a WSGI app with the shared settings; yields its base URL."""
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(chdir),
        target,
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrk(url: str, seconds: int, connections: int) -> float:
    """Requests per second measured by wrk."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(found.group(1)) if found else 0.0


def python_load(
    url: str, seconds: float, threads: int, rate: float | None
) -> tuple[float, list[float]]:
    """Requests per second and latencies from keep-alive clients, optionally paced to `rate`."""
    parts = re.match(r"http://([^:/]+):(\d+)(.*)", url)
    assert parts
    host, port, path = parts[1], int(parts[2]), parts[3] or "/"
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    interval = threads / rate if rate else 0.0

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=5)
        mine: list[float] = []
        next_at = time.monotonic()
        while time.monotonic() < stop:
            if interval:
                delay = next_at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                next_at += interval
            started = time.perf_counter()
            conn.request("GET", path)
            conn.getresponse().read()
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return len(latencies) / seconds, latencies


def p99_ms(latencies: list[float]) -> float:
    """The 99th percentile in milliseconds."""
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000 if ordered else float("nan")


def throughput(url: str, seconds: int) -> float:
    """Requests per second at full load (wrk if installed)."""
    if shutil.which("wrk"):
        return wrk(url, seconds, connections=4 * WORKERS)
    return python_load(url, seconds, threads=4 * WORKERS, rate=None)[0]


def web_bench(seconds: int) -> None:
    """Shop pages against hello-world on the same gunicorn settings."""
    with tempfile.TemporaryDirectory(prefix="bench-shop-") as folder:
        env = shop_environment(Path(folder))
        with gunicorn("hello:app", env, ROOT / "bench") as url:
            baseline = throughput(url + "/", seconds)
        print(
            f"\nhello-world: {baseline:,.0f} req/s  ({WORKERS} sync workers, "
            f"{'wrk' if shutil.which('wrk') else 'python client'})"
        )
        print(f"{'page':<48} {'req/s':>8} {'ratio':>6} {'p99 ms @ half load':>20}")
        with gunicorn("shop:create_app()", env, ROOT) as url:
            for page in PAGES:
                rate = throughput(url + page, seconds)
                _achieved, latencies = python_load(url + page, min(seconds, 5), 4, rate / 2)
                verdict = "ok" if rate >= 0.8 * baseline else "BELOW 0.8x"
                print(
                    f"{page:<48} {rate:8,.0f} {rate / baseline:6.2f} "
                    f"{p99_ms(latencies):20.1f}  {verdict}"
                )


def main() -> int:
    """Run both benchmarks."""
    parser = argparse.ArgumentParser(description="Balmorex benchmarks")
    parser.add_argument("--full", action="store_true", help="1,000,000 orders instead of 100,000")
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--skip-web", action="store_true")
    parser.add_argument("--skip-orders", action="store_true")
    args = parser.parse_args()
    if not args.skip_web:
        web_bench(args.seconds)
    if not args.skip_orders:
        sys.path.insert(0, str(ROOT / "bench"))
        import orders_scale

        return orders_scale.main(["--orders", "1000000" if args.full else "100000"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
