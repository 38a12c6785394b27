"""`gms backup` and `gms restore`: the demo instance, with every plugin's data and uploaded
files, is backed up and restored into an empty instance, and every row and file comes back
identical; damaged or tampered archives, archives of other migrations and non-empty databases
are refused with nothing written.

Runs on SQLite, and on PostgreSQL when GMS_TEST_DATABASE_URL is set (each instance in a schema
of its own, so the session's test database is left alone). The ``services`` test restores
across engines: PostgreSQL → SQLite → PostgreSQL.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import os
import re
import stat
import tarfile
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from gms import demo
from gms.extensions import db
from gms.models import Competition, Organisation
from gms.services import accounts, audit
from gms.services import backup as backups
from gms.services.backup import database as backup_database
from gms.services.backup import writing as backup_writing
from gms.testing import support

PG_URL = os.environ.get("GMS_TEST_DATABASE_URL") or None


# ------------------------------------------------------------------------------ helpers


@contextlib.contextmanager
def blank_database(path: Path, engine: str | None = None):
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL schema."""
    engine = engine or ("postgresql" if PG_URL else "sqlite")
    if engine == "sqlite":
        yield "sqlite:///" + str(path)
        return
    schema = f"gms_backup_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(support.sqlalchemy_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextlib.contextmanager
def instance(root: Path, engine: str | None = None):
    """An app on a blank database with its own instance and upload folders."""
    root.mkdir(parents=True, exist_ok=True)
    with blank_database(root / "gms.sqlite3", engine) as url:
        app = support.create_app_in({
            "TESTING": True, "SECRET_KEY": "test-secret-key", "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": url, "DATABASE_URL": None, "BROKER_URL": None,
            "CELERY": {}, "UPLOAD_FOLDER": str(root / "uploads"), "MAIL_BACKEND": "outbox",
            "TWO_FACTOR_ROLES": []}, root / "instance")
        app.database_url = url
        if url.startswith("sqlite"):
            with app.app_context():  # no fsync per commit: the demo loads in seconds, not 30
                sa.event.listen(db.engine, "connect", _no_fsync)
        try:
            yield app
        finally:
            support.dispose(app)


def _no_fsync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def gms(app, *args: str):
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def database_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table as the models read it, in primary-key order; JSON columns as
    their text, so that JSON ``null`` and SQL ``NULL`` differ."""
    with app.app_context(), db.engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert present == set(db.metadata.tables), "a table the models do not know"
        rows = {}
        for table in db.metadata.sorted_tables:
            columns = [sa.cast(c, sa.Text).label(c.name) if isinstance(c.type, sa.JSON) else c
                       for c in table.c]
            rows[table.name] = [tuple(r) for r in conn.execute(
                sa.select(*columns).order_by(*table.primary_key.columns))]
        rows["alembic_version"] = sorted(conn.scalars(sa.text(
            "SELECT version_num FROM alembic_version")))
        return rows


def upload_files(app) -> dict[str, bytes]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def tables_with_rows(app) -> list[str]:
    with app.app_context(), db.engine.connect() as conn:
        return backup_database.tables_with_rows(conn)


def rewrite(archive: Path, out: Path, changes: dict) -> Path:
    """A copy of ``archive`` whose members named in ``changes`` are replaced by
    ``changes[name](content)``."""
    by_name = dict(changes)
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name in by_name:
                data = by_name.pop(member.name)(data)
            info = copy.copy(member)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    assert not by_name, f"no such members: {by_name}"
    return out


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile(backups.MANIFEST))


def assert_nothing_written(app) -> None:
    assert tables_with_rows(app) == []
    assert upload_files(app) == {}


# ------------------------------------------------------------------------------ source


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The demo instance (every plugin's demo data, result letters, grant documents) with a
    few awkward values and files added, and its archive made with ``gms backup``."""
    root = tmp_path_factory.mktemp("backup-source")
    with pytest.MonkeyPatch.context() as mp:
        support.clean_environment(mp)
        # one Argon2 hash for all demo users instead of thirty (a third of the demo's time)
        mp.setattr(accounts, "hash_password", functools.cache(accounts.hash_password))
        # and a stand-in for fpdf, which spends seconds per letter loading its fonts
        for module in ("gms.services.letters", "gms.money.agreement_pdf",
                       "gms.evaluation.minutes"):
            mp.setattr(f"{module}.render_pdf", _stand_in_pdf)
        with instance(root / "source") as app:
            yield _load_source(app, root)


def _stand_in_pdf(document) -> bytes:
    return b"%PDF-1.4\n% stand-in\n" + json.dumps(
        [document.title, document.blocks], default=str, ensure_ascii=False).encode()


def _load_source(app, root: Path) -> SimpleNamespace:
    """Load the demo, add awkward values and files, back it up with ``gms backup``."""
    with app.app_context():
        demo.ensure_schema()
        demo.load()
        calls = db.session.scalars(sa.select(Competition.id).order_by(Competition.id)).all()
        db.session.execute(sa.update(Competition).where(Competition.id == calls[0])
                           .values(frozen_rules=sa.null()))  # SQL NULL
        db.session.execute(sa.update(Competition).where(Competition.id == calls[1])
                           .values(frozen_rules=sa.JSON.NULL))  # the JSON value null
        db.session.execute(sa.update(Organisation).where(Organisation.id == 1).values(
            address='line 1\nline 2\u2028«кавычки» "quotes" \\ \t 🏔'))
        db.session.commit()
    uploads = Path(app.config["UPLOAD_FOLDER"])
    (uploads / "архив" / "2026").mkdir(parents=True)
    (uploads / "архив" / "2026" / "протокол №1.bin").write_bytes(os.urandom(70_000))
    (uploads / "empty").write_bytes(b"")
    archive = root / "demo.tar.gz"
    result = gms(app, "backup", "--output", archive)
    assert result.exit_code == 0, result.output
    return SimpleNamespace(app=app, archive=archive, output=result.output)


# ------------------------------------------------------------------------------- tests


def test_restore_into_an_empty_instance_gives_back_every_row_and_file(source, tmp_path):
    rows = database_rows(source.app)
    files = upload_files(source.app)
    n_rows = sum(len(r) for name, r in rows.items() if name != "alembic_version")
    assert len(rows["alembic_version"]) >= 2  # the core head and a plugin's labelled branch
    assert len(rows["audit_log"]) > 100 and len(rows["transfers"]) > 5
    assert len(files) > 100
    assert str(source.archive) in source.output
    assert f"{len(rows) - 1} tables, {n_rows} rows, {len(files)} files" in source.output
    assert stat.S_IMODE(source.archive.stat().st_mode) == 0o600  # password hashes inside

    manifest = manifest_of(source.archive)
    assert manifest["revisions"] == rows["alembic_version"]
    assert set(manifest["plugins"]) == set(source.app.extensions["gms.enabled_plugins"])
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {
        name: len(r) for name, r in rows.items() if name != "alembic_version"}

    with instance(tmp_path / "restored") as target:
        assert upload_files(target) == {}
        result = gms(target, "restore", source.archive)
        assert result.exit_code == 0, result.output
        assert (f"restored {len(rows) - 1} tables, {n_rows} rows and {len(files)} files"
                in result.output)
        restored = database_rows(target)
        for name in rows:
            assert restored[name] == rows[name], f"table {name} differs"
        assert upload_files(target) == files
        verified = gms(target, "audit", "verify")
        assert verified.exit_code == 0 and "audit log intact" in verified.output

        # the restored instance carries on: new ids follow the restored ones (sequences)
        with target.app_context():
            entry = audit.record("backup.test", object_type="system")
            db.session.commit()
            assert entry.id == rows["audit_log"][-1][0] + 1
            assert audit.verify() is None
            org = Organisation(kind="ngo", name="After the restore")
            db.session.add(org)
            db.session.commit()
            assert org.id == max(r[0] for r in rows["organisations"]) + 1

        again = gms(target, "restore", source.archive)
        assert again.exit_code == 1
        assert "not empty" in again.output


def _altered_amount(archive: Path, out: Path) -> Path:
    return rewrite(archive, out, {"data/transfers.jsonl": lambda b: b.replace(
        b'"700000.00"', b'"7000000.00"', 1)})


def _removed_audit_entry(archive: Path, out: Path) -> Path:
    return rewrite(archive, out, {"data/audit_log.jsonl": lambda b: b[:b.rindex(b"\n", 0, -1)
                                                                      + 1]})


def _truncated(archive: Path, out: Path) -> Path:
    out.write_bytes(archive.read_bytes()[:200_000])
    return out


def _not_an_archive(archive: Path, out: Path) -> Path:
    out.write_bytes(b"not an archive\n" * 100)
    return out


@pytest.mark.parametrize("damage, message", [
    (_altered_amount, "checksum mismatch for data/transfers.jsonl"),
    (_removed_audit_entry, "checksum mismatch for data/audit_log.jsonl"),
    (_truncated, "damaged or not a .tar.gz archive"),
    (_not_an_archive, "damaged or not a .tar.gz archive"),
], ids=["altered-amount", "removed-audit-entry", "truncated", "not-an-archive"])
def test_damaged_archive_is_refused_and_nothing_is_written(source, tmp_path, damage, message):
    bad = damage(source.archive, tmp_path / "bad.tar.gz")
    with instance(tmp_path / "target") as target:
        result = gms(target, "restore", bad)
        assert result.exit_code == 1
        assert message in result.output
        assert result.output.count("\n") == 1, "one line"
        assert_nothing_written(target)


def test_a_file_changed_in_the_archive_is_refused(source, tmp_path):
    name = sorted(f["path"] for f in manifest_of(source.archive)["files"])[0]
    bad = rewrite(source.archive, tmp_path / "bad.tar.gz",
                  {f"uploads/{name}": lambda b: b"%PDF-1.4 forged"})
    with instance(tmp_path / "target") as target:
        result = gms(target, "restore", bad)
        assert result.exit_code == 1
        assert f"checksum mismatch for uploads/{name}" in result.output
        assert_nothing_written(target)


def test_a_database_with_rows_is_refused(source, tmp_path):
    with instance(tmp_path / "target") as target:
        with target.app_context():
            demo.ensure_schema()
            db.session.add(Organisation(kind="ngo", name="Already here"))
            db.session.commit()
        before = database_rows(target)
        result = gms(target, "restore", source.archive)
        assert result.exit_code == 1
        assert "the database is not empty (organisations have rows)" in result.output
        assert database_rows(target) == before
        assert upload_files(target) == {}


def _older(manifest: dict, heads: set[str], script) -> None:
    core = next(h for h in heads if not script.get_revision(h).branch_labels
                and script.get_revision(h).down_revision)
    manifest["revisions"] = sorted((set(manifest["revisions"]) - {core})
                                   | {script.get_revision(core).down_revision})


def _without_pilot_selection(manifest: dict, heads: set[str], script) -> None:
    head = next(h for h in heads if "pilot_selection" in script.get_revision(h).branch_labels)
    manifest["revisions"].remove(head)
    del manifest["plugins"]["pilot_selection"]


@pytest.mark.parametrize("change, message", [
    (_older, "the archive is older; restore it with GMS"),
    (_without_pilot_selection, "plugins enabled here were not where the archive was made "
                               "(pilot_selection): disable them for the restore"),
    (lambda m, heads, script: m["revisions"].append("ffffffffffff"),
     "the archive is newer or has other plugins' migrations; upgrade GMS"),
    (lambda m, heads, script: m["plugins"].update(no_such_plugin="1.0"),
     "plugins not enabled here (no_such_plugin)"),
    (lambda m, heads, script: m.update(format_version=99), "upgrade GMS first"),
], ids=["older-archive", "plugin-only-here", "newer-archive", "missing-plugin",
         "newer-format"])
def test_an_archive_of_other_migrations_or_plugins_is_refused(source, tmp_path, change,
                                                              message):
    from alembic.script import ScriptDirectory

    with source.app.app_context():
        heads = backup_database.code_heads()
        script = ScriptDirectory.from_config(
            source.app.extensions["migrate"].migrate.get_config())

    def edit(data: bytes) -> bytes:
        manifest = json.loads(data)
        change(manifest, heads, script)
        return json.dumps(manifest).encode()

    bad = rewrite(source.archive, tmp_path / "other.tar.gz", {backups.MANIFEST: edit})
    with instance(tmp_path / "target") as target:
        result = gms(target, "restore", bad)
        assert result.exit_code == 1
        assert message in result.output
        assert_nothing_written(target)


def test_default_output_and_no_overwrite(source):
    result = gms(source.app, "backup")
    assert result.exit_code == 0, result.output
    path = Path(result.output.splitlines()[0])
    try:
        assert path.parent == Path(source.app.instance_path) / "backups"
        assert re.fullmatch(r"gms-\d{8}-\d{6}\.tar\.gz", path.name)
        again = gms(source.app, "backup", "--output", path)
        assert again.exit_code == 1 and "exists already" in again.output
        assert not list(path.parent.glob("*.partial")) and not list(path.parent.glob(".gms-*"))
    finally:
        path.unlink()


def test_the_dump_is_one_snapshot(tmp_path, monkeypatch):
    """A write made while the backup runs is not in the archive: PostgreSQL reads one
    REPEATABLE READ snapshot; SQLite holds its read transaction, so the writer waits."""
    with instance(tmp_path / "live") as app:
        with app.app_context():
            demo.ensure_schema()
            db.session.add(Organisation(kind="ngo", name="Before"))
            db.session.commit()
        sqlite = app.database_url.startswith("sqlite")
        writer = sa.create_engine(support.sqlalchemy_url(app.database_url),
                                  **({"connect_args": {"timeout": 0.2}} if sqlite else {}))
        outcome = []
        real = backup_writing.dump_table

        def dump_then_write(conn, inspector, name, work, tar):
            if name == "organisations":  # the snapshot began with the first query
                try:
                    with writer.begin() as other:
                        other.execute(sa.text(
                            "INSERT INTO organisations (kind, name, created_at) "
                            "VALUES ('ngo', 'During', '2026-01-01 00:00:00')"))
                    outcome.append("written")
                except sa.exc.OperationalError as exc:
                    assert "locked" in str(exc)
                    outcome.append("locked")
            return real(conn, inspector, name, work, tar)

        monkeypatch.setattr(backup_writing, "dump_table", dump_then_write)
        try:
            with app.app_context():
                summary = backups.backup(tmp_path / "live.tar.gz")
        finally:
            writer.dispose()
        with tarfile.open(summary.path) as tar:
            organisations = tar.extractfile("data/organisations.jsonl").read().decode()
        assert "Before" in organisations and "During" not in organisations
        assert outcome == (["locked"] if sqlite else ["written"])


@pytest.mark.services
def test_across_engines_postgresql_sqlite_postgresql(source, tmp_path):
    """The PostgreSQL demo restores into SQLite, whose backup restores into PostgreSQL again;
    rows, files and even the data files of both archives are identical."""
    assert source.app.database_url.startswith("postgresql")
    rows, files = database_rows(source.app), upload_files(source.app)
    with instance(tmp_path / "sqlite", "sqlite") as lite:
        assert gms(lite, "restore", source.archive).exit_code == 0
        assert database_rows(lite) == rows and upload_files(lite) == files
        assert gms(lite, "audit", "verify").exit_code == 0
        second = tmp_path / "from-sqlite.tar.gz"
        assert gms(lite, "backup", "--output", second).exit_code == 0
    with instance(tmp_path / "pg", "postgresql") as pg:
        result = gms(pg, "restore", second)
        assert result.exit_code == 0, result.output
        assert "on sqlite" in result.output
        assert database_rows(pg) == rows and upload_files(pg) == files
        assert gms(pg, "audit", "verify").exit_code == 0

    def data_files(archive):
        with tarfile.open(archive) as tar:
            return {m.name: tar.extractfile(m).read() for m in tar if m.name.startswith("data/")}

    assert data_files(second) == data_files(source.archive)
