"""Dashboard benchmark: pages and the metrics API from rollups vs the same figures from raw rows.

    .venv/bin/python bench/dashboards.py --backend postgresql --items 1000000 [--runs 5]
    .venv/bin/python bench/dashboards.py --backend sqlite --items 1000000

Creates a scratch database (PostgreSQL: `outsidein_bench_dash` on $BENCH_PG_SERVER, created and
dropped here; SQLite: a file in a temporary data directory), generates the organisation and
N feedback items with one INSERT ... SELECT over a generated series, builds the rollups, then
times (median of --runs, after one warm-up):
  * the overview's figures, the journey heatmap's figures and a metrics API breakdown, from
    rollups and from raw rows (same function, ``source=raw_counts``), and checks they are equal;
  * the full pages and the API call through Django's test client (rollups).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "outsidein_bench_dash"
CUSTOMERS = 50_000
POSTS = 5
JOURNEYS, STAGES, TOUCHPOINTS = 3, 3, 3  # 27 touchpoints
DAYS = 730
THEMES = 12


def psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


# --- data generation --------------------------------------------------------------------------


def _series(n: int, vendor: str) -> tuple[str, str]:
    """(prefix, FROM clause) producing rows i = 1..n."""
    if vendor == "postgresql":
        return "", f"FROM generate_series(1, {n}) AS g(i)"
    return (
        f"WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {n}) ",
        "FROM g",
    )


def rnd(k: int, vendor: str) -> str:
    """A random integer 0..k-1."""
    return f"floor(random() * {k})::int" if vendor == "postgresql" else f"(abs(random()) % {k})"


def _default(field, vendor: str) -> str:
    from django.db import models

    if field.null:
        return "NULL"
    if isinstance(field, models.JSONField):
        return "'[]'" if field.default is list else "'{}'"
    if isinstance(field, models.BooleanField):
        return "FALSE"
    if isinstance(field, models.DateTimeField):
        return "now()" if vendor == "postgresql" else "datetime('now')"
    if isinstance(field, models.DateField):
        return "CURRENT_DATE"
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
        return "0"
    return "''"


def insert_series(model, n: int, values: dict[str, str]) -> None:
    """INSERT INTO model's table one row per i in 1..n; columns not given get a neutral value."""
    from django.db import connection

    vendor = connection.vendor
    prefix, source = _series(n, vendor)
    cols, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.column)
        exprs.append(values.get(f.column, _default(f, vendor)))
    sql = f"{prefix}INSERT INTO {model._meta.db_table} ({', '.join(cols)}) SELECT {', '.join(exprs)} {source}"
    if vendor == "sqlite":  # SQLite wants the WITH inside the INSERT ... SELECT
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) {prefix}SELECT {', '.join(exprs)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql)


def build_org():
    from outsidein.accounts.models import Team, User
    from outsidein.journeys.models import Journey, Stage, Touchpoint
    from outsidein.listening.models import Channel, ListeningPost

    teams = [Team.objects.create(slug=f"team-{i}", name=f"Team {i}") for i in range(4)]
    channels = [
        Channel.SURVEY,
        Channel.SUPPORT_TICKET,
        Channel.CHAT,
        Channel.EMAIL,
        Channel.REVIEW_SITE,
    ]
    for i in range(POSTS):
        ListeningPost.objects.create(
            slug=f"post-{i}", name=f"Post {i}", channel=channels[i], owner_team=teams[i % 4]
        )
    for j in range(JOURNEYS):
        journey = Journey.objects.create(slug=f"journey-{j}", name=f"Journey {j}", position=j)
        for s in range(STAGES):
            stage = Stage.objects.create(
                journey=journey, slug=f"stage-{s}", name=f"Stage {s}", position=s
            )
            for t in range(TOUCHPOINTS):
                Touchpoint.objects.create(
                    stage=stage,
                    slug=f"tp-{j}-{s}-{t}",
                    name=f"Touchpoint {j}.{s}.{t}",
                    owner_team=teams[(j + s + t) % 4],
                    moment_of_truth=t == 0,
                    position=t,
                )
    return User.objects.create_user("bench@example.com", "bench-password-1", role="cx_lead")


def generate(n: int) -> dict[str, float]:
    from django.db import connection

    from outsidein.customers.models import Customer
    from outsidein.feedback.models import FeedbackItem
    from outsidein.insights.models import CustomerValue
    from outsidein.journeys.models import Touchpoint
    from outsidein.listening.models import ListeningPost

    v = connection.vendor
    t0 = time.perf_counter()
    user = build_org()
    insert_series(
        Customer,
        CUSTOMERS,
        {
            "external_id": "'C' || i",
            "country": f"substr('NOSEDKFIGB', 1 + 2 * {rnd(5, v)}, 2)",
        },
    )
    c0 = Customer.objects.order_by("id").values_list("id", flat=True).first()
    tier = "CASE WHEN i % 20 = 0 THEN 'platinum' WHEN i % 20 < 4 THEN 'gold' WHEN i % 20 < 10 THEN 'silver' ELSE 'bronze' END"
    insert_series(
        CustomerValue,
        CUSTOMERS,
        {
            "customer_id": f"{c0} - 1 + i",
            "recency_days": "1",
            "frequency": "1",
            "monetary": "100",
            "r": "3",
            "f": "3",
            "m": "3",
            "rfm_score": "9",
            "rfm_code": "'333'",
            "tier": tier,
        },
    )
    p0 = ListeningPost.objects.order_by("id").first().pk
    tp0 = Touchpoint.objects.order_by("id").first().pk
    n_tp = JOURNEYS * STAGES * TOUCHPOINTS
    if v == "postgresql":
        received = f"now() - ({rnd(DAYS * 86400, v)} * interval '1 second')"
        themes = f"CASE WHEN random() < 0.6 THEN ('[{{\"code\": \"t' || {rnd(THEMES, v)} || '\"}}]')::jsonb ELSE '[]'::jsonb END"
    else:
        received = f"datetime('now', '-' || {rnd(DAYS * 86400, v)} || ' seconds')"
        themes = f"CASE WHEN {rnd(10, v)} < 6 THEN '[{{\"code\": \"t' || {rnd(THEMES, v)} || '\"}}]' ELSE '[]' END"
    t1 = time.perf_counter()
    insert_series(
        FeedbackItem,
        n,
        {
            "listening_post_id": f"{p0} + {rnd(POSTS, v)}",
            "external_id": "'b' || i",
            "customer_id": f"CASE WHEN {rnd(10, v)} < 8 THEN {c0} + {rnd(CUSTOMERS, v)} END",
            "touchpoint_id": f"CASE WHEN {rnd(10, v)} < 9 THEN {tp0} + {rnd(n_tp, v)} END",
            "received_at": received,
            "language": f"substr('nbsvdaennn', 1 + 2 * {rnd(5, v)}, 2)",
            "nps": f"CASE WHEN {rnd(10, v)} < 8 THEN {rnd(11, v)} END",
            "csat": f"CASE WHEN {rnd(10, v)} < 5 THEN 1 + {rnd(5, v)} END",
            "ces": f"CASE WHEN {rnd(10, v)} < 3 THEN 1 + {rnd(7, v)} END",
            "sentiment": f"CASE {rnd(3, v)} WHEN 0 THEN 'negative' WHEN 1 THEN 'neutral' ELSE 'positive' END",
            "themes": themes,
        },
    )
    t2 = time.perf_counter()
    if v == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"org_customers_s": t1 - t0, "feedback_s": t2 - t1, "user": user}


# --- timing -----------------------------------------------------------------------------------


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up (imports, connection, plan cache)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def measure(runs: int, user) -> dict:
    from django.test import Client

    from outsidein.accounts.tokens import create_token
    from outsidein.insights import pages
    from outsidein.insights import query as q
    from outsidein.insights.measures import metric_breakdown

    scope = q.Scope()
    cat = q.Catalog.load()
    tasks = {
        "overview": lambda src: pages.overview_figures(scope, "month", 30, cat, src),
        "heatmap": lambda src: metric_breakdown(
            "nps", scope, by="touchpoint", min_n=30, cat=cat, source=src
        ),
        "metric_api": lambda src: metric_breakdown(
            "nps", scope, by="touchpoint", period="month", min_n=30, cat=cat, source=src
        ),
    }
    # exactness at scale: every figure equal
    a, b = tasks["overview"](q.rollup_counts), tasks["overview"](q.raw_counts)
    for m in pages.HEADLINE:
        assert a["headline"][m].total.value == b["headline"][m].total.value, m
    assert a["themes"].rows == b["themes"].rows
    for name in ("heatmap", "metric_api"):
        x, y = tasks[name](q.rollup_counts), tasks[name](q.raw_counts)
        assert [(g.key, g.value, g.trend) for g in x.groups] == [
            (g.key, g.value, g.trend) for g in y.groups
        ]
    out = {}
    for name, fn in tasks.items():
        rolled = median_ms(lambda fn=fn: fn(q.rollup_counts), runs)
        raw = median_ms(lambda fn=fn: fn(q.raw_counts), max(3, runs // 2))
        out[name] = {
            "rollup_ms": round(rolled, 1),
            "raw_ms": round(raw, 1),
            "ratio": round(raw / rolled, 1),
        }
    client = Client()
    client.force_login(user)
    token = create_token(user, "bench")[1]
    http = {
        "overview_page": lambda: client.get("/insights/"),
        "heatmap_page": lambda: client.get("/insights/journeys/"),
        "metric_api_http": lambda: client.get(
            "/api/v1/metrics",
            {"metric": "nps", "by": "touchpoint", "period": "month"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ),
    }
    if os.environ.get("BENCH_PROFILE"):
        profile(http["overview_page"])
    for name, fn in http.items():
        assert fn().status_code == 200, name
        out[name] = {"rollup_ms": round(median_ms(fn, runs), 1)}
    return out


def table_sizes() -> dict[str, int]:
    from outsidein.feedback.models import FeedbackItem
    from outsidein.insights.rollups import TABLES

    return {m.__name__: m.objects.count() for m in (FeedbackItem, *[t.model for t in TABLES])}


def profile(fn) -> None:
    """BENCH_PROFILE=<file>: where the overview page's time goes."""
    import cProfile
    import pstats

    fn()  # warm: imports and URL resolver
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    with open(os.environ["BENCH_PROFILE"], "w") as out:
        pstats.Stats(profiler, stream=out).sort_stats("cumtime").print_stats(40)


def run_inside(items: int, runs: int) -> dict:
    """Runs in the child process, with the database settings in the environment."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsidein.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    gen = generate(items)
    user = gen.pop("user")
    from outsidein.insights.rollups import rebuild_rollups

    t = time.perf_counter()
    rebuild_rollups()
    gen["rollup_rebuild_s"] = time.perf_counter() - t
    from datetime import date, timedelta

    from outsidein.insights.rollups import refresh_days

    t = time.perf_counter()
    refresh_days([date.today() - timedelta(days=1)])
    gen["refresh_one_day_s"] = time.perf_counter() - t
    return {
        "items": items,
        **{k: round(v, 2) for k, v in gen.items()},
        "sizes": table_sizes(),
        "timings": measure(runs, user),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_inside(args.items, args.runs)))
        return
    env = dict(os.environ)
    env.pop("OUTSIDEIN_DATABASE_URL", None)
    env["OUTSIDEIN_HTTPS"] = "0"
    with tempfile.TemporaryDirectory() as data_dir:
        env["OUTSIDEIN_DATA_DIR"] = data_dir
        if args.backend == "postgresql":
            psql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            psql(f"CREATE DATABASE {PG_DATABASE}")
            env["OUTSIDEIN_DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
        try:
            cmd = [
                sys.executable,
                __file__,
                "--child",
                "--items",
                str(args.items),
                "--runs",
                str(args.runs),
            ]
            result = subprocess.run(
                cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
            if result.returncode:
                sys.stderr.write(result.stderr)
                raise SystemExit(result.returncode)
        finally:
            if args.backend == "postgresql":
                psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["backend"] = args.backend
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
