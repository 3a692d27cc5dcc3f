"""Orders at scale: fill PostgreSQL with N orders, time the /admin/orders list and the export.

    .venv/bin/python bench/orders_scale.py --orders 100000

Everything lives in a schema of its own (bench_<pid>) inside BENCH_DATABASE_URL, dropped at
the end, so a test run using the same database is not disturbed. Orders and lines are written
with COPY in batches. Timings go through the Flask test client signed in as an operator, so
they measure the app and the database, not a web server. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import sqlalchemy as sa

from shop import create_app, migrate
from shop.accounts.models import Role
from shop.accounts.services import create_staff
from shop.catalog.models import Product, PublishStatus, Variant
from shop.config import TestConfig

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "bench password, not a secret"
BATCH = 50_000
#: Rough shape of a shop's order book: mostly shipped, some waiting, a few of everything else.
STATUSES = [
    ("fulfilled", 62),
    ("paid", 12),
    ("expired", 10),
    ("cancelled", 4),
    ("refunded", 4),
    ("partially_refunded", 2),
    ("pending_payment", 3),
    ("needs_review", 1),
    ("payment_processing", 2),
]
PAID = {"fulfilled", "paid", "refunded", "partially_refunded", "needs_review"}


def schema_url(url: str, schema: str) -> str:
    """The URL with every connection's search_path set to `schema`."""
    separator = "&" if "?" in url else "?"
    # application_name tags our connections, so cleanup can end any a stream left open.
    return f"{url}{separator}options=-csearch_path%3D{schema}&application_name={schema}"


def psycopg_dsn(url: str) -> str:
    """A libpq connection string from an SQLAlchemy URL."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def fill(url: str, schema: str, orders: int, seed: int = 7) -> dict[str, Any]:
    """Create the schema, migrate it, add a small catalog and `orders` orders with lines."""
    rng = random.Random(seed)
    with psycopg.connect(psycopg_dsn(url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    bench_url = schema_url(url, schema)
    migrate.upgrade(bench_url)
    engine = sa.create_engine(bench_url)
    with sa.orm.Session(engine) as session:
        for n in range(5):
            product = Product(
                slug=f"bench-{n}", name=f"Bench product {n}", status=PublishStatus.PUBLISHED
            )
            product.variants = [
                Variant(
                    sku=f"BENCH-{n}-{v}",
                    name=f"Option {v}",
                    price_amount=2500 + 1000 * n,
                    currency="USD",
                    stock_on_hand=10**6,
                    position=v,
                )
                for v in range(2)
            ]
            session.add(product)
        session.commit()
        variants = [
            (v.id, v.product.name, v.name, v.sku, v.price_amount)
            for v in session.scalars(sa.select(Variant))
        ]
    engine.dispose()

    weights = [w for _s, w in STATUSES]
    names = [s for s, _w in STATUSES]
    now = datetime.now(UTC)
    started = time.perf_counter()
    line_id = 0
    with psycopg.connect(psycopg_dsn(bench_url)) as conn, conn.cursor() as cur:
        for first in range(1, orders + 1, BATCH):
            last = min(first + BATCH, orders + 1)
            order_rows, line_rows = [], []
            for order_id in range(first, last):
                status = rng.choices(names, weights)[0]
                created = now - timedelta(seconds=rng.randrange(0, 730 * 86400))
                chosen = rng.sample(variants, rng.choice((1, 1, 1, 2)))
                subtotal = 0
                for vid, pname, vname, sku, price in chosen:
                    qty = rng.choice((1, 1, 1, 2, 3))
                    subtotal += price * qty
                    line_id += 1
                    line_rows.append((line_id, order_id, vid, pname, vname, sku, price, qty))
                shipping = 0 if subtotal >= 7500 else 695
                total = subtotal + shipping
                refunded = (
                    total
                    if status == "refunded"
                    else (total // 2 if status == "partially_refunded" else 0)
                )
                order_rows.append(
                    (
                        order_id,
                        f"BMX-{order_id:08d}",
                        secrets.token_urlsafe(24),
                        status,
                        "committed" if status in PAID else "released",
                        "USD",
                        subtotal,
                        shipping,
                        0,
                        0,
                        total,
                        refunded,
                        f"shopper{rng.randrange(200_000)}@example.com",
                        f"cs_test_bench{order_id}",
                        created,
                        created,
                        created + timedelta(minutes=3) if status in PAID else None,
                    )
                )
            with cur.copy(
                "COPY orders (id, number, access_token, status, stock_hold, currency, "
                "subtotal_amount, shipping_amount, discount_amount, tax_amount, total_amount, "
                "refunded_amount, email, stripe_session_id, created_at, updated_at, paid_at) "
                "FROM STDIN"
            ) as copy:
                for row in order_rows:
                    copy.write_row(row)
            with cur.copy(
                "COPY order_line (id, order_id, variant_id, product_name, variant_name, sku, "
                "unit_amount, quantity) FROM STDIN"
            ) as copy:
                for row in line_rows:
                    copy.write_row(row)
            conn.commit()
            print(f"  inserted {last - 1:,} orders", file=sys.stderr)
        cur.execute("SELECT setval(pg_get_serial_sequence('orders', 'id'), %s)", (orders,))
        cur.execute("SELECT setval(pg_get_serial_sequence('order_line', 'id'), %s)", (line_id,))
        conn.commit()
        conn.autocommit = True
        # What autovacuum would soon do: statistics, and the visibility map that lets
        # index-only scans skip the table.
        cur.execute("VACUUM ANALYZE orders")
        cur.execute("VACUUM ANALYZE order_line")
    elapsed = time.perf_counter() - started
    return {"url": bench_url, "orders": orders, "lines": line_id, "fill_seconds": elapsed}


def reuse(url: str, schema: str) -> dict[str, Any]:
    """A schema filled by an earlier run: its URL and size; the bench operator is reset."""
    bench_url = schema_url(url, schema)
    with psycopg.connect(psycopg_dsn(bench_url), autocommit=True) as conn:
        conn.execute("DELETE FROM staff_user WHERE email = 'bench-operator@example.com'")
        orders = conn.execute("SELECT count(*) FROM orders").fetchone()
        lines = conn.execute("SELECT count(*) FROM order_line").fetchone()
    return {
        "url": bench_url,
        "orders": orders[0] if orders else 0,
        "lines": lines[0] if lines else 0,
        "fill_seconds": None,
    }


def drop(url: str, schema: str) -> None:
    """Remove everything the benchmark created."""
    with psycopg.connect(psycopg_dsn(url), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (schema,),
        )
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def signed_in_client(app: Any) -> Any:
    """A test client signed in as a fresh operator."""
    with app.extensions["db_sessionmaker"]() as session:
        create_staff(session, "bench-operator@example.com", PASSWORD, Role.OPERATOR)
        session.commit()
    client = app.test_client()
    html = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token, "no login form"
    response = client.post(
        "/admin/login",
        data={"email": "bench-operator@example.com", "password": PASSWORD, "csrf_token": token[1]},
    )
    assert response.status_code == 303, response.status_code
    return client


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of samples, in milliseconds."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


def time_list(client: Any, filters: dict[str, str], requests: int) -> Iterator[dict[str, Any]]:
    """p50/p99 of the orders list page for each filter."""
    for name, query in filters.items():
        if "PAGE2" in query:  # the second page of the default view, by its key
            html = client.get("/admin/orders").get_data(as_text=True)
            found = re.search(r"after=([0-9]+\.[0-9]+)", html)
            assert found, "the first page links to no second page"
            query = query.replace("PAGE2", found[1])
        path = f"/admin/orders{query}"
        for _ in range(5):  # warm caches and the connection pool
            client.get(path)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        yield {
            "filter": name,
            "query": query or "(none)",
            "p50_ms": percentile(samples, 50),
            "p99_ms": percentile(samples, 99),
            "requests": requests,
        }


def time_export(client: Any, query: str, trace: bool) -> dict[str, Any]:
    """Stream the CSV export; rows per second, and the peak Python memory when traced."""
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/admin/orders/export{query}", buffered=False)
    rows = -1  # the header line
    size = 0
    for chunk in response.response:
        rows += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        size += len(chunk)
    response.close()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    return {
        "query": query or "(all)",
        "rows": rows,
        "bytes": size,
        "seconds": elapsed,
        "rows_per_s": rows / elapsed if elapsed else 0.0,
        "peak_mib": peak / 2**20 if peak is not None else None,
    }


def measure(bench_url: str, requests: int, with_export: bool = True) -> dict[str, Any]:
    """Time the list page per filter and the export, if those routes exist."""
    media = Path(tempfile.mkdtemp(prefix="bench-media-"))
    config = TestConfig(database_url=bench_url, media_dir=media)
    app = create_app(config)
    try:
        endpoints = set(app.view_functions)
        if "backoffice.orders" not in endpoints:
            print("  /admin/orders does not exist (yet): list timings skipped", file=sys.stderr)
            return {"list": None, "export": None}
        client = signed_in_client(app)
        today = datetime.now(UTC).date()
        filters = {
            "default": "",
            "status=paid": "?status=paid",
            "q=email": "?q=shopper1234",
            "q=number": "?q=BMX-0004242",
            "date range": f"?from={today - timedelta(days=60)}&to={today - timedelta(days=30)}",
            "sort=total_high": "?sort=total_high",
            "paid by total": "?status=paid&sort=total_low",
            "page 2": "?after=PAGE2",
        }
        listing = list(time_list(client, filters, requests))
        export = None
        if not with_export:
            pass
        elif "backoffice.orders_export" in endpoints:
            export = [
                time_export(client, "", trace=False),
                time_export(client, "", trace=True),
                time_export(client, "?rows=lines&status=paid", trace=False),
            ]
        else:
            print("  /admin/orders/export does not exist (yet): skipped", file=sys.stderr)
        return {"list": listing, "export": export}
    finally:
        app.extensions["db_engine"].dispose()


def report(filled: dict[str, Any], results: dict[str, Any]) -> None:
    """Print the figures as a small table."""
    seconds = filled["fill_seconds"]
    speed = f"fill: {seconds:.1f}s ({filled['orders'] / seconds:,.0f} orders/s)" if seconds else ""
    print(f"\norders: {filled['orders']:,}  lines: {filled['lines']:,}  {speed}")
    if results["list"]:
        print("\n/admin/orders            p50 ms   p99 ms  (requests)")
        for row in results["list"]:
            print(
                f"  {row['filter']:<20} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f}  "
                f"({row['requests']})"
            )
    if results["export"]:
        print("\n/admin/orders/export     rows       s     rows/s   peak MiB")
        for row in results["export"]:
            peak = f"{row['peak_mib']:.1f}" if row["peak_mib"] is not None else "-"
            print(
                f"  {row['query']:<20} {row['rows']:>8,} {row['seconds']:6.1f} "
                f"{row['rows_per_s']:10,.0f} {peak:>9}"
            )
        print("  (rows/s measured without tracemalloc; peak measured in a separate traced run)")


def main(argv: list[str] | None = None) -> int:
    """Fill, measure, report, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="per filter")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the filled schema")
    parser.add_argument("--schema", help="measure a schema kept by an earlier --keep run")
    parser.add_argument("--no-export", action="store_true", help="time the list page only")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    schema = args.schema or f"bench_{os.getpid()}"
    try:
        if args.schema:
            filled = reuse(args.url, schema)
        else:
            print(f"filling {args.orders:,} orders into schema {schema}...", file=sys.stderr)
            filled = fill(args.url, schema, args.orders)
        results = measure(filled["url"], args.requests, with_export=not args.no_export)
        report(filled, results)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL unreachable at {args.url}: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep or args.schema:
            print(f"kept schema {schema} (measure again with --schema {schema})", file=sys.stderr)
        else:
            try:
                drop(args.url, schema)
                print(f"dropped schema {schema}", file=sys.stderr)
            except psycopg.OperationalError:
                pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
