"""The world the route × role matrix (tests/test_route_matrix.py) visits: every kind of object
a URL can name, each belonging to organisation A (or to a call A applied to), built once.

Organisations A and B (two municipalities), their applicant users, three commission members
(assigned to A's application and declared free of conflict; on the commission but assigned
nothing; assigned to A's application and declared a conflict), staff, finance and an
administrator. Calls:

``eval``     pilot_selection in evaluation: A's and B's applications (eligible), a document
             of A, the two assignments on A's application, a planned verification visit
``open``     small_grants, open: A's draft with a document, A's submitted application
``draft``    small_grants in draft
``muni``     local_initiative.municipal, open: municipality B's own call
``pub``      citizen_budget_contest, published: A won (award, signed grant, tranche,
             transfer, final report sent, the signed scan, an appeal, the result letter);
             B won too but has no agreement yet; the decision meeting
``pilot``    pilot_selection, published: A selected (its memorandum)
``li``       local_initiative contest, published: A placed (its diploma)

Objects are built through the services where the services make them (assignments,
declarations, uploads, grants, transfers, reports, appeals, letters, visits) and as rows
where only a past state is needed (calls in a given stage, decided awards).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Integer, inspect, select, text
from sqlalchemy.exc import DBAPIError

from gms.extensions import db

PDF = b"%PDF-1.4\n% route matrix\n%%EOF\n"
SOATE_A, SOATE_B = "41708203814000", "41704220808000"  # Chui and Naryn oblasts

ROLES = ("anonymous", "applicant_a", "applicant_b", "member_assigned", "member_unassigned",
         "member_conflicted", "staff", "finance", "admin",
         # beyond the list: the two people an organisation-based check most easily
         # lets through by mistake
         "municipal_staff_b",  # staff of municipality B, running B's own call
         "municipal_member_a")  # on municipality A's own commission (organisation A)


def build(now: datetime | None = None) -> dict:
    """Create the world in the current app context; returns the ids by name."""
    from gms.competition import stored_values
    from gms.evaluation import appeals, assignment, declarations
    from gms.evaluation.models import Award, CommissionMember, Meeting
    from gms.models import Application, Competition, Organisation, Territory, User
    from gms.money import agreements
    from gms.money import models as M
    from gms.money import reports as grant_reports
    from gms.money import transfers as money
    from gms.services import letters, uploads
    from gms.services.accounts import hash_password
    from gms.services.common import registry
    from gms.services.contract import freeze
    from gms.services.territories import load_reference
    from plugins.pilot_selection import visits

    now = now or datetime.now(UTC).replace(microsecond=0)
    today = now.date()
    load_reference()
    password = hash_password("route matrix password")

    def org(code: str) -> Organisation:
        t = db.session.get(Territory, code)
        o = Organisation(kind="municipality", name=t.display_name, territory_code=code,
                         oblast=t.oblast)
        db.session.add(o)
        db.session.flush()
        return o

    org_a, org_b = org(SOATE_A), org(SOATE_B)

    def user(role: str, name: str, organisation=None) -> User:
        u = User(email=f"{name}@matrix.kg", name=name.replace("_", " ").title(), role=role,
                 password_hash=password, organisation_id=organisation.id if organisation
                 else None, locale="en")
        db.session.add(u)
        db.session.flush()
        return u

    users = {
        "applicant_a": user("applicant", "applicant_a", org_a),
        "applicant_b": user("applicant", "applicant_b", org_b),
        "member_assigned": user("commission", "member_assigned"),
        "member_unassigned": user("commission", "member_unassigned"),
        "member_conflicted": user("commission", "member_conflicted"),
        "staff": user("staff", "staff"),
        "finance": user("finance", "finance"),
        "admin": user("admin", "admin"),
        "municipal_staff_b": user("staff", "municipal_staff_b", org_b),
        "municipal_member_a": user("commission", "municipal_member_a", org_a),
    }
    staff = users["staff"]
    ua, ub = users["applicant_a"], users["applicant_b"]

    def call(type_key: str, status: str, **fields) -> Competition:
        ctype = registry()[type_key]
        published = status == "published"
        c = Competition(
            type_key=type_key, status=status, title={"en": f"{type_key} {status}",
                                                     "ru": f"{type_key} {status}"},
            description={"en": "The route matrix's call."},
            oblasts=[org_a.oblast, org_b.oblast],
            opens_at=fields.pop("opens_at", now - timedelta(days=60)),
            deadline_at=fields.pop("deadline_at", now - timedelta(days=30)),
            budget=Decimal("1000000"),
            settings=stored_values(ctype.settings_fields(), ctype.default_settings()),
            published_at=now - timedelta(days=1) if published else None, **fields)
        db.session.add(c)
        db.session.flush()
        if status != "draft":
            freeze(c)
        return c

    numbers = iter(range(1, 1000))

    def application(c: Competition, organisation, by: User, status: str, **fields):
        n = next(numbers)
        a = Application(competition_id=c.id, organisation_id=organisation.id,
                        number=f"M-{n:03d}", status=status, title=f"Application {n}",
                        answers=_blank_answers(c), language="ru",
                        requested_amount=Decimal("100000"), created_by_id=by.id,
                        submitted_at=None if status == "draft" else c.deadline_at
                        - timedelta(days=1), **fields)
        db.session.add(a)
        db.session.flush()
        return a

    def award(c, a, outcome: str, rank: int, amount="100000", reason="") -> Award:
        row = Award(competition_id=c.id, application_id=a.id, outcome=outcome,
                    amount=Decimal(amount), rank=rank, score=Decimal("80"), reason=reason,
                    decided_by_id=staff.id, decided_at=now - timedelta(days=2))
        db.session.add(row)
        db.session.flush()
        return row

    def with_document(a, kind: str | None = None):
        """A document uploaded while ``a`` was a draft (through the upload service)."""
        status, a.status = a.status, "draft"
        kinds = [k.code for k in registry()[a.competition.type_key].document_kinds(
            _info(a.competition))]
        att = uploads.save_attachment(a, kind or (kinds[0] if kinds else "other"),
                                      "plan.pdf", PDF, db.session.get(User, a.created_by_id))
        a.status = status
        db.session.commit()
        return att

    # --- the call in evaluation ----------------------------------------------------------
    c_eval = call("pilot_selection", "evaluation")
    a_eval = application(c_eval, org_a, ua, "eligible")
    b_eval = application(c_eval, org_b, ub, "eligible")
    for key, role in (("member_assigned", "rapporteur"), ("member_unassigned", "member"),
                      ("member_conflicted", "member")):
        db.session.add(CommissionMember(competition_id=c_eval.id, user_id=users[key].id,
                                        role=role))
    db.session.commit()
    att_eval = with_document(a_eval)
    # an anonymised copy of it, as staff upload under coded review (issue 16), to check it
    from gms.models import AnonymisedCopy

    copy_name = hashlib.md5(b"route matrix copy").hexdigest()  # noqa: S324 - a file name
    (Path(uploads.path_of(att_eval).parent) / copy_name).write_bytes(PDF)
    db.session.add(AnonymisedCopy(
        attachment_id=att_eval.id, filename="copy.pdf", stored_name=copy_name,
        content_type="application/pdf", size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(),
        hits={"readable": False, "hits": []}, uploaded_by_id=staff.id))
    db.session.commit()
    assigned, conflicted = assignment.assign(
        a_eval, [users["member_assigned"].id, users["member_conflicted"].id], staff)
    if assigned.reviewer_id != users["member_assigned"].id:
        assigned, conflicted = conflicted, assigned
    declarations.declare(assigned, conflict=False, reason="", now=now)
    declarations.declare(conflicted, conflict=True, reason="My cousin heads this municipality.",
                       now=now)
    visits.pick(c_eval, [a_eval.id], today + timedelta(days=3), staff)
    # A's claim that a member is conflicted, waiting for staff's decision (issue 16)
    from gms.evaluation.models import ConflictClaim

    claim = ConflictClaim(application_id=a_eval.id, member_id=users["member_unassigned"].id,
                          reason="He advised our council on this project.", filed_by_id=ua.id,
                          filed_at=now - timedelta(days=31), status="pending")
    db.session.add(claim)
    db.session.commit()

    # --- the open call and the draft -----------------------------------------------------
    c_open = call("small_grants", "open", opens_at=now - timedelta(days=1),
                  deadline_at=now + timedelta(days=30))
    a_draft = application(c_open, org_a, ua, "draft")
    a_open = application(c_open, org_a, ua, "submitted")
    db.session.commit()
    att_draft = with_document(a_draft)
    c_draft = call("small_grants", "draft", opens_at=now + timedelta(days=10),
                   deadline_at=now + timedelta(days=40))

    c_muni = call("local_initiative.municipal", "open", organiser_id=org_b.id,
                  opens_at=now - timedelta(days=1), deadline_at=now + timedelta(days=30))

    # --- the published call with money -----------------------------------------------------
    c_pub = call("citizen_budget_contest", "published", appeal_days=30)
    a_pub = application(c_pub, org_a, ua, "funded")
    b_pub = application(c_pub, org_b, ub, "funded")
    award_a = award(c_pub, a_pub, "funded", 1)
    award_b = award(c_pub, b_pub, "funded", 2, amount="80000")
    db.session.add(Meeting(competition_id=c_pub.id, held_at=now - timedelta(days=3),
                           attendees=[], votes_for=0, votes_against=0, abstained=0,
                           notes="", recorded_by_id=staff.id))
    db.session.commit()
    grant = agreements.open_grant(award_a, staff)
    agreements.sign(grant, grantee_signed_on=today, programme_signed_on=today,
                    filename="signed.pdf", data=PDF, actor=staff)
    tranche = grant.tranches[0]
    transfer = money.record_transfer(
        grant, tranche_id=tranche.id, value_date=today, amount_kgs=Decimal("1000"),
        payment_order="PO-1", recipient_account="4402011100005821",
        actor=users["finance"])
    report = next(r for r in grant_reports.reports_of(grant) if r.kind == M.FINAL)
    grant_reports.save(report, narrative="The hearings were held.", lines=[], beneficiaries=10,
                       monitoring_findings="", files=[], user=ua, submit=True)
    scan = agreements.signed_scan(grant)
    appeal = appeals.file_appeal(a_pub, ua, "The hearing in May was not counted at all.", now)
    letters.send_result_letters(c_pub.id)
    letter = db.session.scalar(select(_attachment()).where(
        _attachment().application_id == a_pub.id, _attachment().kind == letters.KIND))

    # --- pilot selection, published; the local initiative contest, published --------------
    c_pilot = call("pilot_selection", "published")
    a_pilot = application(c_pilot, org_a, ua, "funded")
    award(c_pilot, a_pilot, "funded", 1)
    c_li = call("local_initiative", "published")
    a_li = application(c_li, org_a, ua, "funded")
    award(c_li, a_li, "funded", 1, reason="place_1")
    db.session.commit()

    # --- a person asking to join organisation A (issue 15) -------------------------------
    from gms.models.people import MembershipRequest

    asked = MembershipRequest(user_id=user("applicant", "joining_a").id,
                              organisation_id=org_a.id, status="pending")
    db.session.add(asked)
    db.session.commit()

    ids = {f"user_{k}": u.id for k, u in users.items()}
    ids.update(
        org_a=org_a.id, org_b=org_b.id,
        call_eval=c_eval.id, call_open=c_open.id, call_draft=c_draft.id, call_pub=c_pub.id,
        call_muni=c_muni.id,
        call_pilot=c_pilot.id, call_li=c_li.id,
        app_eval_a=a_eval.id, app_eval_b=b_eval.id, app_draft_a=a_draft.id,
        app_open_a=a_open.id, app_pub_a=a_pub.id, app_pub_b=b_pub.id,
        app_pilot_a=a_pilot.id, app_li_a=a_li.id,
        att_eval_a=att_eval.id, att_draft_a=att_draft.id, att_letter_a=letter.id,
        assignment_assigned=assigned.id, assignment_conflicted=conflicted.id,
        award_pub_a=award_a.id, award_pub_b=award_b.id, grant_a=grant.id,
        tranche_a=tranche.id, transfer_a=transfer.id, report_a=report.id,
        grant_document_a=scan.id, appeal_a=appeal.id, membership_request_a=asked.id,
        claim_eval_a=claim.id,
        report_key_eval=_first_report_key(c_eval), report_key_pub=_first_report_key(c_pub),
    )
    db.session.remove()
    return ids


def _blank_answers(call) -> dict:
    """Every question of the call's form, unanswered: what a draft saved empty stores."""
    from gms.services.common import competition_type

    form = competition_type(call).application_form(_info(call))
    return form.from_answers({}).answers()


def _attachment():
    from gms.models import Attachment

    return Attachment


def _info(call):
    from gms.services.common import competition_info

    return competition_info(call)


def _first_report_key(call) -> str:
    from gms.services.common import competition_type

    return competition_type(call).reports(_info(call))[0].key


# ---------------------------------------------------------------------- state snapshots


def table_names() -> list[str]:
    """The database's tables (the migration bookkeeping left out)."""
    return sorted(t for t in inspect(db.engine).get_table_names() if t != "alembic_version")


#: reference data no page writes: only counted, to keep the digest cheap
REFERENCE_TABLES = frozenset({"territories"})


def fingerprint(tables: list[str], upload_folder: str) -> dict[str, str]:
    """A digest of every row of every table (the reference list: its count), and of the
    upload folder's file names: any insert, update or delete changes it."""
    out = {}
    with db.engine.connect() as conn:
        for name in tables:
            if name in REFERENCE_TABLES:
                out[name] = str(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar())
                continue
            rows = conn.execute(text(f'SELECT * FROM "{name}" ORDER BY 1')).all()
            out[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    out["<uploads>"] = _listing(upload_folder)
    return out


def _listing(folder: str) -> str:
    return ",".join(sorted(os.listdir(folder))) if os.path.isdir(folder) else ""


class Snapshot:
    """The world's state, put back after a request changed it.

    SQLite: a copy of the database file. PostgreSQL: the rows of every table, put back into
    the changed tables, the sequences moved past the restored ids. The upload folder is
    copied either way.
    """

    def __init__(self, app, root: Path):
        self.app = app
        self.root = root
        self.uploads = Path(app.config["UPLOAD_FOLDER"])
        self.saved_uploads = root / "uploads-snapshot"
        with app.app_context():
            self.kind = db.engine.dialect.name
            self.tables = table_names()
            url = db.engine.url
            if self.kind == "sqlite":
                self.path = Path(url.database)
                self.saved = root / "world.sqlite3"
                _dispose(app)
                shutil.copyfile(self.path, self.saved)
            else:
                self._save_rows()
            self.baseline = fingerprint(self.tables, str(self.uploads))
        shutil.rmtree(self.saved_uploads, ignore_errors=True)
        if self.uploads.exists():
            shutil.copytree(self.uploads, self.saved_uploads)
        self.uploads_baseline = self.baseline["<uploads>"]
        self.marker = self._marker()

    def _marker(self):
        """A value that moves whenever anything is written to the database: SQLite's
        ``data_version`` seen from a connection of its own; on PostgreSQL the next
        transaction id, which every writing transaction takes (those of other databases
        of the server too: then the digest decides)."""
        if self.kind == "sqlite":
            if getattr(self, "watcher", None) is None:
                self.watcher = sqlite3.connect(self.path)
            return self.watcher.execute("PRAGMA data_version").fetchone()[0]
        with self.app.app_context(), db.engine.connect() as conn:
            return conn.execute(text(
                "SELECT pg_snapshot_xmax(pg_current_snapshot())::text")).scalar()

    def close(self) -> None:
        if getattr(self, "watcher", None) is not None:
            self.watcher.close()
            self.watcher = None

    def _save_rows(self) -> None:
        metadata = db.metadata
        missing = set(self.tables) - set(metadata.tables)
        assert not missing, f"tables without a model cannot be restored: {missing}"
        self.order = [t for t in metadata.sorted_tables if t.name in self.tables]
        with db.engine.connect() as conn:
            self.rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())]
                         for t in self.order}
        # who refers to whom, to truncate a changed table with the tables that refer to it
        self.referrers: dict[str, set[str]] = {t.name: set() for t in self.order}
        for t in self.order:
            for fk in t.foreign_keys:
                self.referrers.setdefault(fk.column.table.name, set()).add(t.name)

    def changed(self) -> list[str]:
        """Names of the tables (and ``<uploads>``) that differ from the snapshot; the rows
        are compared only when something was written since the last look."""
        marker = self._marker()
        if marker == self.marker:
            uploads = _listing(str(self.uploads))
            return [] if uploads == self.uploads_baseline else ["<uploads>"]
        with self.app.app_context():
            now = fingerprint(self.tables, str(self.uploads))
        diff = sorted(k for k, v in now.items() if self.baseline.get(k) != v)
        if not diff:
            self.marker = marker
        return diff

    def restore(self, changed: list[str]) -> None:
        if "<uploads>" in changed:
            shutil.rmtree(self.uploads, ignore_errors=True)
            if self.saved_uploads.exists():
                shutil.copytree(self.saved_uploads, self.uploads)
        tables = [t for t in changed if t != "<uploads>"]
        if not tables:
            return
        if self.kind == "sqlite":
            _dispose(self.app)
            self.close()
            shutil.copyfile(self.saved, self.path)
            self.marker = None
            return
        try:
            self._put_back(tables, truncate=False)
        except DBAPIError:  # not allowed to switch triggers off: truncate instead
            self._put_back(tables, truncate=True)
        self.marker = None  # look at the rows next time

    def _put_back(self, tables: list[str], *, truncate: bool) -> None:
        """Empty the changed tables and insert their saved rows. With ``truncate``, the
        tables referring to them are emptied and refilled too; without, foreign keys and
        triggers (those that keep money records unchanged) are off for the transaction
        (``session_replication_role``, which needs a superuser)."""
        todo, stack = set(), list(tables)
        while stack:
            name = stack.pop()
            if name not in todo:
                todo.add(name)
                if truncate:
                    stack.extend(self.referrers.get(name, ()))
        order = [t for t in self.order if t.name in todo]
        with self.app.app_context(), db.engine.begin() as conn:
            if truncate:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in order)
                                  + " RESTART IDENTITY CASCADE"))
            else:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for t in order:
                    conn.execute(t.delete())
            for t in order:
                if self.rows[t.name]:
                    conn.execute(t.insert(), self.rows[t.name])
                pk = list(t.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer):
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', '{pk[0].name}'),"
                        f" COALESCE((SELECT max(\"{pk[0].name}\") FROM \"{t.name}\"), 0) + 1,"
                        " false)"))


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
