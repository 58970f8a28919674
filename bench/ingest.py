"""Ingestion benchmark: rows/s importing a generated CSV, and items/s through the batch API.

    .venv/bin/python bench/ingest.py [--rows 200000] [--repeats 3] [--analysis on,off]
        [--backends sqlite,postgresql] [--api-rows 50000] [--skip-api]

Each run is a fresh subprocess on a fresh database (a SQLite file in a temporary data
directory, or the scratch PostgreSQL database `outsidein_bench`, created and dropped
here), so settings pick up the database URL and no run warms another's caches.
Prints the median of the repeats.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "outsidein_bench"
CUSTOMERS = 2000
SAMPLE_TEXT = (
    "regningen var feil og kundeservice svarte aldri fakturaen kom for sent "
    "montøren var blid og rask flyttingen gikk fint men prisen er for høy "
    "great service slow internet friendly staff the app crashed again"
)
WORDS = SAMPLE_TEXT.split()


def generate_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 8, 0)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "listening_post",
                "external_id",
                "customer",
                "touchpoint",
                "received_at",
                "language",
                "text",
                "nps",
                "csat",
                "ces",
                "Kanal",
            ]  # fmt: skip
        )
        for number in range(rows):
            moment = start + timedelta(minutes=number)
            writer.writerow(
                [
                    "nps-survey" if number % 3 else "tickets",
                    f"R{number:08d}",
                    f"C{rng.randrange(CUSTOMERS):05d}" if number % 4 else "",
                    rng.choice(["first-invoice", "installation", ""]),
                    moment.strftime("%d.%m.%Y %H:%M") if number % 2 else moment.isoformat(),
                    rng.choice(["nb", "sv", "da", "en"]),
                    " ".join(rng.choices(WORDS, k=rng.randint(5, 40))),
                    rng.randint(0, 10),
                    rng.choice(["", rng.randint(1, 5)]),
                    "",
                    rng.choice(["app", "web", "telefon"]),
                ]
            )


# ---------------------------------------------------------------------------
# Worker side (runs inside a subprocess with the database settings in its environment)


def seed_database() -> None:
    from outsidein.accounts.models import Team, User
    from outsidein.accounts.tokens import create_token
    from outsidein.cli import ensure_database
    from outsidein.customers.models import Customer
    from outsidein.journeys.models import Journey, Stage, Touchpoint
    from outsidein.listening.models import ListeningPost

    ensure_database()
    team = Team.objects.create(slug="billing", name="Billing")
    for slug in ("nps-survey", "tickets"):
        ListeningPost.objects.create(slug=slug, name=slug, channel="survey", owner_team=team)
    stage = Stage.objects.create(
        journey=Journey.objects.create(slug="move", name="Move"), slug="s", name="S"
    )
    for slug in ("first-invoice", "installation"):
        Touchpoint.objects.create(stage=stage, slug=slug, name=slug, owner_team=team)
    Customer.objects.bulk_create(
        Customer(external_id=f"C{n:05d}", name=f"Kunde {n}") for n in range(CUSTOMERS)
    )
    user = User.objects.create_user("bench@example.com", password="x" * 20, role="cx_lead")
    print(json.dumps({"token": create_token(user, "bench")[1]}))


def time_import(file: str, analyze: bool) -> None:
    from click.testing import CliRunner

    from outsidein.cli import main
    from outsidein.feedback.models import FeedbackItem

    args = ["import", "feedback", file] + ([] if analyze else ["--no-analyze"])
    started, cpu_started = time.perf_counter(), time.process_time()
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    stored = FeedbackItem.objects.count()
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "stored": stored, "exit": result.exit_code}))


def worker(argv: list[str]) -> None:
    from outsidein.cli import setup_django

    setup_django()
    if argv[0] == "seed":
        seed_database()
    elif argv[0] == "import":
        time_import(argv[1], analyze=argv[2] == "on")


# ---------------------------------------------------------------------------
# Driver side


def run_worker(env: dict[str, str], *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "_worker", *args],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def psql(command: str) -> None:
    subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-q", "-c", command], check=True, capture_output=True
    )


def fresh_env(backend: str, data_dir: str) -> dict[str, str]:
    env = {**os.environ, "OUTSIDEIN_DATA_DIR": data_dir, "OUTSIDEIN_HTTPS": "0"}
    env.pop("OUTSIDEIN_DATABASE_URL", None)
    if backend == "postgresql":
        psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        psql(f"CREATE DATABASE {PG_DATABASE}")
        env["OUTSIDEIN_DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    return env


def bench_import(
    backend: str, file: Path, rows: int, analyze: bool, repeats: int
) -> tuple[float, float]:
    """Median rows/s of wall-clock time, and of the importer process's own CPU time."""
    rates, cpu_rates = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as data_dir:
            env = fresh_env(backend, data_dir)
            run_worker(env, "seed")
            result = run_worker(env, "import", str(file), "on" if analyze else "off")
            assert result["stored"] == rows, result
            rates.append(rows / result["seconds"])
            cpu_rates.append(rows / result["cpu"])
    if backend == "postgresql":
        psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    return statistics.median(rates), statistics.median(cpu_rates)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_items(file: Path, limit: int) -> list[list[dict]]:
    batches, batch = [], []
    with file.open(encoding="utf-8", newline="") as source:
        for number, row in enumerate(csv.DictReader(source)):
            if number >= limit:
                break
            row.pop("Kanal")
            item = {key: value for key, value in row.items() if value != ""}
            for score in ("nps", "csat", "ces"):
                if score in item:
                    item[score] = int(item[score])
            if "." in item["received_at"][:3]:  # the API takes ISO 8601 only
                item["received_at"] = datetime.strptime(
                    item["received_at"], "%d.%m.%Y %H:%M"
                ).isoformat()
            batch.append(item)
            if len(batch) == 1000:
                batches.append(batch)
                batch = []
    return batches + ([batch] if batch else [])


def post_batches(url: str, token: str, batches: list[list[dict]], clients: int) -> None:
    queue = list(enumerate(batches))
    lock = threading.Lock()
    failures: list[str] = []

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                _, batch = queue.pop()
            body = json.dumps({"items": batch}).encode()
            request = urllib.request.Request(
                url, body, {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=300) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                failures.append(f"{error.code}: {error.read()[:300]!r}")
                return

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(failures[0])


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # any answer means it is listening
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def bench_api(file: Path, rows: int, repeats: int, workers: int) -> float | None:
    batches = api_items(file, rows)
    rates = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as data_dir:
            env = fresh_env("postgresql", data_dir)
            token = run_worker(env, "seed")["token"]
            port = free_port()
            log = Path(data_dir) / "server.log"
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "outsidein.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(workers), "--timeout", "300"],
                env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                base = f"http://127.0.0.1:{port}"
                try:
                    wait_for(f"{base}/api/v1/openapi.json", server, seconds=180)
                except RuntimeError:
                    print(log.read_text()[-2000:], file=sys.stderr)
                    raise
                url = f"{base}/api/v1/feedback"
                try:
                    post_batches(url, token, batches[:1], 1)  # is the endpoint there yet?
                except RuntimeError as error:
                    print(f"batch API not usable, skipped: {error}", file=sys.stderr)
                    return None
                started = time.perf_counter()
                post_batches(url, token, batches[1:], clients=workers)
                rates.append(sum(map(len, batches[1:])) / (time.perf_counter() - started))
            finally:
                server.terminate()
                server.wait(timeout=30)
    psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--api-rows", type=int, default=50_000)
    parser.add_argument("--api-workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--analysis", default="on,off", help="on, off or on,off")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        file = Path(work) / "feedback.csv"
        generate_csv(file, options.rows)
        size = file.stat().st_size / 1e6
        print(f"{options.rows:,} rows, {size:.1f} MB CSV; median of {options.repeats} runs")
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for backend in options.backends.split(","):
            for analyze in [mode == "on" for mode in options.analysis.split(",")]:
                rate, cpu_rate = bench_import(backend, file, options.rows, analyze, options.repeats)
                label = "analysis on " if analyze else "analysis off"
                print(
                    f"import {backend:<10} {label}: {rate:>9,.0f} rows/s "
                    f"({cpu_rate:,.0f} rows per CPU-second of the importer)",
                    flush=True,
                )
        if not options.skip_api:
            rate = bench_api(file, options.api_rows, options.repeats, options.api_workers)
            if rate is not None:
                print(f"batch API  postgresql, {options.api_workers} workers, 1,000-item batches: "
                      f"{rate:>9,.0f} items/s")  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:2] == ["_worker"]:
        worker(sys.argv[2:])
    else:
        main()
