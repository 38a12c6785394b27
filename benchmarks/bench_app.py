"""The WSGI app the load tests serve: GMS as in production plus one bare endpoint.

    gunicorn -w 4 -k gthread --threads 4 'benchmarks.bench_app:make_app()'

``POST /bench/bare`` is the baseline of the submission benchmark: a plain Flask view on the
same server, app, database and session machinery that writes the posted form (a row of the
same size as a submitted application's answers) into a table of its own, ``bench_rows``, and
answers with a redirect like the real submit does. It does nothing else: no log-in check, no
form validation, no eligibility rules, no audit entry. It lives here, not in the core.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, redirect, request
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, insert

from gms.app import create_app
from gms.extensions import csrf, db

metadata = MetaData()
bench_rows = Table(
    "bench_rows", metadata,
    Column("id", Integer, primary_key=True),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

bare = Blueprint("bench", __name__, url_prefix="/bench")


@bare.route("/bare", methods=["POST"])
@csrf.exempt
def bare_write():
    payload = json.dumps(request.form.to_dict(flat=False), ensure_ascii=False)
    db.session.execute(insert(bench_rows).values(
        payload=payload, created_at=datetime.now(UTC).replace(tzinfo=None)))
    db.session.commit()
    return redirect("/bench/bare")


def create_table(engine) -> None:
    """The bench's own table, in the bench database (not part of GMS's schema)."""
    metadata.create_all(engine, tables=[bench_rows])


def make_app():
    application = create_app()
    application.register_blueprint(bare)
    return application
