"""`outsidein serve`: the production web server (gunicorn, static files through WhiteNoise)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
from gunicorn.app.base import BaseApplication

DEFAULT_BIND = "127.0.0.1:8000"
MAX_DEFAULT_WORKERS = 8
THREADS_PER_WORKER = 4


def default_workers() -> int:
    """gunicorn's rule of thumb (2 × cores + 1), capped so small servers keep memory free."""
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


class OutsideInServer(BaseApplication):
    """gunicorn run from Python, so `outsidein serve` needs no gunicorn config file."""

    def __init__(self, options: dict[str, object]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer gunicorn settings are skipped on older ones
                self.cfg.set(key, value)

    def load(self) -> Callable[..., object]:
        from outsidein.wsgi import application

        return application


def server_options(bind: str, workers: int) -> dict[str, object]:
    return {
        "bind": bind,
        "workers": workers,
        # Threads keep slow clients and htmx polling from blocking a whole worker.
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "accesslog": "-",
        "errorlog": "-",
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "proc_name": "outsidein",
        # Load Django once in the master: workers start faster and share its memory.
        "preload_app": True,
        "post_worker_init": warm_up_text_analysis,
        # One shared ~/.gunicorn control socket would clash between servers on one machine.
        "control_socket_disable": True,
    }


def warm_up_text_analysis(_worker: object) -> None:
    """Load the language and sentiment models in each worker before it takes requests,
    so the first customer who answers a survey does not wait for them. Done after the
    fork, not in the master: native thread pools must not be forked."""
    import logging

    from outsidein.feedback.analysis import current_analyzer

    try:
        current_analyzer().analyze_batch(["Takk for hjelpen!"], [None])
    except Exception:  # noqa: BLE001 - a slow first request beats a worker that won't boot
        logging.getLogger(__name__).exception("could not warm up the text analysis")


def start_background_worker() -> subprocess.Popen:
    """`outsidein worker` beside the web server, so rules, SLAs and notifications run."""
    return subprocess.Popen([sys.executable, "-m", "outsidein", "worker"])


def serve_app(bind: str = DEFAULT_BIND, workers: int | None = None) -> None:
    """Run the web app until interrupted (blocks).

    Workers are forked from this process: call it before any heavy computation has
    started native thread pools (numpy/BLAS), or the forked workers hang on exit.
    """
    from django.conf import settings
    from django.db import connections

    # Workers are forked: a connection opened by the master (migrations, the demo
    # build) must not be shared with them.
    connections.close_all()
    # WhiteNoise warns about a missing STATIC_ROOT although assets come from the finders.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    OutsideInServer(server_options(bind, workers or default_workers())).run()


@click.command()
@click.option("--bind", default=DEFAULT_BIND, show_default=True, help="HOST:PORT to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help=f"Worker processes [default: 2 × cores + 1, at most {MAX_DEFAULT_WORKERS}].",
)
@click.option("--no-migrate", is_flag=True, help="Do not apply pending migrations first.")
@click.option(
    "--with-worker", is_flag=True, help="Also run `outsidein worker` (background jobs) beside it."
)
def serve(bind: str, workers: int | None, no_migrate: bool, with_worker: bool) -> None:
    """Serve the web app with a production server (gunicorn + WhiteNoise)."""
    if not no_migrate:
        from outsidein.cli import ensure_database

        ensure_database()
    background = start_background_worker() if with_worker else None
    click.echo(f"Outside-In listening on http://{bind}/ (Ctrl+C stops)")
    try:
        serve_app(bind, workers)
    finally:
        if background is not None:
            background.terminate()
            background.wait(timeout=30)
