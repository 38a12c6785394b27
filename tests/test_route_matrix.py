"""Every route × every role (issue 6, item 1).

One world (tests/route_world.py) holds an object of organisation A for every URL parameter.
For each rule of ``app.url_map`` the table below says how to fill its arguments, which
methods to try, what to send, and which roles may use it; every other role must get
``DENIED`` (403 or 404) or, when anonymous, ``LOGIN`` (a redirect to the log-in page). A rule
without an entry fails ``test_every_route_has_an_entry``, as does an entry without a rule.

Each request runs against the same world: after it, a digest of every table (and of the
upload folder) is compared with the world's; a request by a role that may not use the route
must change nothing, and whatever a request changed is put back before the next one.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask import url_for

from gms.testing.apps import IsolatedClient
from gms.testing.support import clean_environment, create_app_in
from gms.testing.users import login, session_key

from . import route_world
from .route_world import PDF, ROLES

OK, LOGIN, DENIED = "OK", "LOGIN", "DENIED"
GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

PUBLIC = frozenset(ROLES)
USERS = PUBLIC - {"anonymous"}
NOBODY: frozenset[str] = frozenset()
ADMIN = frozenset({"admin"})
A = frozenset({"applicant_a"})
APPLICANTS = frozenset({"applicant_a", "applicant_b"})
MEMBERS = frozenset({"member_assigned", "member_unassigned", "member_conflicted",
                     "municipal_member_a"})
#: the programme's staff (and administrators), who manage every call
STAFF = frozenset({"staff"}) | ADMIN
FINANCE = frozenset({"finance"}) | ADMIN
STAFF_FINANCE = STAFF | FINANCE
#: staff pages that list only the calls one manages: municipality B's staff too
ANY_STAFF = STAFF | {"municipal_staff_b"}
ANY_STAFF_FINANCE = STAFF_FINANCE | {"municipal_staff_b"}
#: who may see A's application in evaluation: A, the member assigned to it, staff, finance
SEES_A = A | {"member_assigned"} | STAFF_FINANCE

W = dict  # the world's ids


def _today(_w: W) -> str:
    return datetime.now(UTC).date().isoformat()


def _local(delta: timedelta) -> str:
    return (datetime.now(UTC) + timedelta(hours=6) + delta).strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Route:
    """One rule: its endpoint, the methods tried, the roles allowed (``ok``), the outcome
    for an anonymous visitor who is not allowed, its URL arguments and the form sent."""

    endpoint: str
    methods: tuple[str, ...]
    ok: frozenset[str]
    args: Callable[[W], dict] = lambda w: {}
    anonymous: str = LOGIN
    data: Callable[[W], dict] | None = None
    #: the statuses an allowed role may get (default: 200 for GET; for POST 200, a redirect
    #: or 422 for a form sent back with its errors)
    ok_status: tuple[int, ...] | None = None
    #: an allowed role's redirect may lead to the log-in page (log-in flows only)
    login_redirect_ok: bool = False
    #: a known leak that needs a bigger change than this test's fixes: the reason
    xfail: dict[str, str] = field(default_factory=dict)

    def expected(self, role: str) -> str:
        if role in self.ok:
            return OK
        return self.anonymous if role == "anonymous" else DENIED


def app_id(key: str) -> Callable[[W], dict]:
    return lambda w: {"application_id": w[key]}


def call_id(key: str) -> Callable[[W], dict]:
    return lambda w: {"call_id": w[key]}


TABLE: dict[str, Route] = {
    # ------------------------------------------------------------------ public, log-in
    "/": Route("public.index", GET, PUBLIC),
    "/home": Route("public.home", GET, PUBLIC, ok_status=(302,)),
    "/calls/<int:call_id>": Route("public.call", GET, PUBLIC, call_id("call_open")),
    "/calls/<int:call_id>/results": Route("public.results", GET, PUBLIC, call_id("call_pub")),
    "/lang/<code>": Route("set_language", GET, PUBLIC, lambda w: {"code": "ru"},
                          ok_status=(302,)),
    "/login": Route("auth.login", BOTH, PUBLIC),
    "/login/two-factor": Route("auth.two_factor_login", BOTH, PUBLIC, ok_status=(302,),
                               login_redirect_ok=True),
    "/account/security": Route("auth.security", BOTH, USERS, ok_status=(200,)),
    "/logout": Route("auth.logout", POST, PUBLIC),
    "/account/log-out-everywhere": Route("auth.log_out_everywhere", POST, USERS,
                                         login_redirect_ok=True),
    "/two-factor/enrol/<token>": Route("auth.enrol_link", BOTH, PUBLIC,
                                       lambda w: {"token": "not-a-token"}),
    "/two-factor/setup": Route("auth.two_factor_setup", BOTH, PUBLIC, ok_status=(302,),
                               login_redirect_ok=True),
    "/register": Route("auth.register", BOTH, PUBLIC),
    "/reset": Route("auth.reset_request", BOTH, PUBLIC),
    "/register/check-email": Route("membership.check_email", GET, PUBLIC),
    "/account/confirm": Route("membership.unconfirmed", GET, USERS, ok_status=(302,)),
    "/account/confirm/send": Route("membership.resend", POST, USERS),
    "/confirm/<token>": Route("membership.confirm", GET, PUBLIC,
                              lambda w: {"token": "not-a-token"}, ok_status=(302,),
                              login_redirect_ok=True),
    "/membership/requests": Route("membership.requests", GET, STAFF),
    "/membership/requests/<int:request_id>": Route(
        "membership.decide", POST, A | STAFF, lambda w: {"request_id": w["membership_request_a"]},
        data=lambda w: {"approve": "Approve"}),
    "/reset/<token>": Route("auth.reset_password", BOTH, PUBLIC,
                            lambda w: {"token": "not-a-token"}),
    "/invitation/<token>": Route("admin.accept_invitation", BOTH, PUBLIC,
                                 lambda w: {"token": "not-a-token"}, ok_status=(404,)),
    "/admin/accounts": Route("admin.accounts", BOTH, ADMIN),
    "/finance/open-data": Route("finance.open_data", GET, PUBLIC),
    "/finance/open-data/360giving.json": Route("finance.open_data_json", GET, PUBLIC),
    "/finance/open-data/360giving.csv": Route("finance.open_data_csv", GET, PUBLIC),
    # ------------------------------------------------------------------------ applicant
    "/my": Route("applicant.dashboard", GET, APPLICANTS | ADMIN),
    "/calls/<int:call_id>/apply": Route("applicant.start", POST, APPLICANTS | ADMIN,
                                        call_id("call_open")),
    "/applications/<int:application_id>": Route(
        "applicant.edit", BOTH, A, app_id("app_draft_a"),
        data=lambda w: {"action": "save", "title": "Changed by the matrix"}),
    "/applications/<int:application_id>/view": Route("applicant.view", GET, A,
                                                     app_id("app_eval_a")),
    "/applications/<int:application_id>/view#b": Route(
        "applicant.view", GET, frozenset({"applicant_b"}), app_id("app_eval_b")),
    "/applications/<int:application_id>/documents": Route(
        "applicant.upload", POST, A, app_id("app_draft_a"),
        data=lambda w: {"kind": "other", "file": (io.BytesIO(PDF), "more.pdf")}),
    "/applications/<int:application_id>/documents/<int:attachment_id>/delete": Route(
        "applicant.remove_document", POST, A,
        lambda w: {"application_id": w["app_draft_a"], "attachment_id": w["att_draft_a"]}),
    "/applications/<int:application_id>/withdraw": Route("applicant.withdraw", POST, A,
                                                         app_id("app_open_a")),
    # naming a conflicted commission member, before the deadline (issue 16)
    "/applications/<int:application_id>/conflict-claims": Route(
        "applicant.claim_conflict", POST, A, app_id("app_open_a"),
        data=lambda w: {"member": str(w["user_member_unassigned"]),
                        "reason": "He advised our council on this project."}),
    "/applications/<int:application_id>/appeal": Route(
        "applicant.appeal", POST, A, app_id("app_pub_a"),
        data=lambda w: {"grounds": "The second hearing was not counted; please recount."}),
    "/documents/<int:attachment_id>": Route(
        "applicant.download", GET, SEES_A, lambda w: {"attachment_id": w["att_eval_a"]},
        anonymous=DENIED),
    # a draft's documents are its organisation's alone, as the draft itself
    "/documents/<int:attachment_id>#draft": Route(
        "applicant.download", GET, A, lambda w: {"attachment_id": w["att_draft_a"]},
        anonymous=DENIED),
    "/documents/<int:attachment_id>#letter": Route(
        "applicant.download", GET, A | STAFF_FINANCE,
        lambda w: {"attachment_id": w["att_letter_a"]}, anonymous=DENIED),
    # --------------------------------------------------------------------- commission
    "/review/": Route("review.assignments", GET, MEMBERS | ADMIN),
    "/review/<int:assignment_id>": Route(
        "review.score", BOTH, frozenset({"member_assigned"}),
        lambda w: {"assignment_id": w["assignment_assigned"]},
        data=lambda w: {"action": "save", "comment": "Saved by the matrix."}),
    # the conflicted member's own assignment: recused, so 403 to him too
    "/review/<int:assignment_id>#conflicted": Route(
        "review.score", BOTH, NOBODY, lambda w: {"assignment_id": w["assignment_conflicted"]},
        data=lambda w: {"action": "submit", "comment": "Seen anyway."}),
    "/review/<int:assignment_id>/declare": Route(
        "review.declare", POST, frozenset({"member_assigned"}),
        lambda w: {"assignment_id": w["assignment_assigned"]},
        data=lambda w: {"conflict": "no"}),
    "/review/<int:assignment_id>/decline": Route(
        "review.decline", POST, frozenset({"member_assigned"}),
        lambda w: {"assignment_id": w["assignment_assigned"]},
        data=lambda w: {"reason": "Away that week."}),
    "/review/<int:assignment_id>/reopen/<int:other_id>": Route(
        "review.reopen", POST, frozenset({"member_assigned"}),
        lambda w: {"assignment_id": w["assignment_assigned"],
                   "other_id": w["assignment_conflicted"]},
        data=lambda w: {"reason": "A criterion was misread."}),
    # A's scores do not diverge (issue 15): the consensus sent is refused (409, nothing written)
    "/review/consensus/<int:application_id>": Route(
        "review.consensus", BOTH, frozenset({"member_assigned"}), app_id("app_eval_a"),
        data=lambda w: {"score": "70", "text": "The commission agreed."},
        ok_status=(200, 409)),
    "/review/consensus/<int:application_id>/confirm": Route(
        "review.consensus_confirm", POST, frozenset({"member_assigned"}), app_id("app_eval_a"),
        data=lambda w: {"score": "70"}),
    # B's application: the rapporteur has not declared on it, so sees only the declaration
    # form, and a consensus sent is refused (403, nothing written)
    "/review/consensus/<int:application_id>#undeclared": Route(
        "review.consensus", BOTH, frozenset({"member_assigned"}), app_id("app_eval_b"),
        data=lambda w: {"score": "70", "text": "Agreed without declaring."},
        ok_status=(200, 403)),
    "/review/consensus/<int:application_id>/declare": Route(
        "review.consensus_declare", POST, frozenset({"member_assigned"}), app_id("app_eval_b"),
        data=lambda w: {"conflict": "no"}),
    # -------------------------------------------------------------------------- staff
    "/staff/": Route("staff.calls", GET, ANY_STAFF_FINANCE),
    "/staff/outbox": Route("staff.outbox", GET, STAFF),
    "/staff/audit": Route("staff.audit_log", GET, STAFF),
    "/staff/calls/new/<type_key>": Route("staff.call_form", BOTH, ANY_STAFF,
                                         lambda w: {"type_key": "small_grants"}),
    "/staff/calls/<int:call_id>/edit": Route("staff.call_form", BOTH, STAFF,
                                             call_id("call_draft")),
    "/staff/calls/<int:call_id>": Route("staff.call", GET, STAFF_FINANCE, call_id("call_eval")),
    "/staff/calls/<int:call_id>#municipal": Route("staff.call", GET, ANY_STAFF_FINANCE,
                                                  call_id("call_muni")),
    "/staff/calls/<int:call_id>/advance": Route(
        "staff.advance", POST, STAFF, call_id("call_eval"), data=lambda w: {"action": "decide"}),
    "/staff/calls/<int:call_id>/applications": Route("staff.applications", GET, STAFF_FINANCE,
                                                     call_id("call_eval")),
    "/staff/applications/<int:application_id>": Route("staff.application", GET, STAFF_FINANCE,
                                                      app_id("app_eval_a")),
    "/staff/applications/<int:application_id>#draft": Route(
        "staff.application", GET, NOBODY, app_id("app_draft_a")),
    "/staff/applications/<int:application_id>/screen": Route(
        "staff.screen", POST, STAFF, app_id("app_eval_a"),
        data=lambda w: {"decision": "ineligible", "reason": "Not a municipality."}),
    "/staff/applications/<int:application_id>/assign": Route(
        "staff.assign", POST, STAFF, app_id("app_eval_a"),
        data=lambda w: {"reviewers": [str(w["user_member_unassigned"])]}),
    # anonymised copies of documents (coded review, issue 16); the evaluation call is not
    # coded, so staff's actions are refused with a message, and nothing changes
    "/staff/documents/<int:attachment_id>/anonymised-copy": Route(
        "staff.upload_anonymised_copy", POST, STAFF,
        lambda w: {"attachment_id": w["att_eval_a"]},
        data=lambda w: {"file": (io.BytesIO(PDF), "copy.pdf")}),
    "/staff/documents/<int:attachment_id>/anonymised-copy/file": Route(
        "staff.anonymised_copy", GET, STAFF_FINANCE,
        lambda w: {"attachment_id": w["att_eval_a"]}),
    "/staff/documents/<int:attachment_id>/anonymised-copy/approve": Route(
        "staff.approve_anonymised_copy", POST, STAFF,
        lambda w: {"attachment_id": w["att_eval_a"]}, data=lambda w: {"confirm": "y"}),
    "/staff/documents/<int:attachment_id>/no-identity": Route(
        "staff.mark_no_identity", POST, STAFF,
        lambda w: {"attachment_id": w["att_eval_a"]}, data=lambda w: {"confirm": "y"}),
    "/staff/applications/<int:application_id>/override": Route(
        "staff.override_conflict", POST, STAFF, app_id("app_eval_a"),
        data=lambda w: {"user_id": str(w["user_member_conflicted"]), "reason": "Cleared."}),
    "/staff/applications/<int:application_id>/why": Route("staff.why_rank", GET, STAFF,
                                                          app_id("app_eval_a"),
                                                          ok_status=(200, 302)),
    "/staff/calls/<int:call_id>/ranking": Route("staff.ranking", GET, STAFF,
                                                call_id("call_eval")),
    "/staff/calls/<int:call_id>/reports/<key>": Route(
        "staff.report", GET, STAFF_FINANCE,
        lambda w: {"call_id": w["call_eval"], "key": w["report_key_eval"]}),
    "/staff/calls/<int:call_id>/commission": Route("staff.commission_page", GET, STAFF,
                                                   call_id("call_eval")),
    "/staff/calls/<int:call_id>/commission/member": Route(
        "staff.commission_member", POST, STAFF, call_id("call_eval"),
        data=lambda w: {"user_id": str(w["user_member_unassigned"]), "role": "chair"}),
    "/staff/calls/<int:call_id>/commission/settings": Route(
        "staff.commission_settings", POST, STAFF, call_id("call_eval"),
        data=lambda w: {"quorum": "2", "appeal_days": "10"}),
    "/staff/calls/<int:call_id>/commission/assign": Route(
        "staff.commission_assign", POST, STAFF, call_id("call_eval"),
        data=lambda w: {"seed": "7"}),
    "/staff/calls/<int:call_id>/meeting": Route(
        "staff.record_meeting", POST, STAFF, call_id("call_eval"),
        data=lambda w: {"held_at": _local(timedelta(hours=-2)),
                        "attendees": [str(w["user_member_assigned"])], "votes_for": "1"}),
    "/staff/calls/<int:call_id>/minutes.pdf": Route("staff.minutes", GET, STAFF,
                                                    call_id("call_pub")),
    "/staff/calls/<int:call_id>/analytics": Route("staff.analytics", GET, STAFF,
                                                  call_id("call_eval")),
    "/staff/awards/<int:award_id>/decline": Route(
        "staff.decline_award", POST, STAFF, lambda w: {"award_id": w["award_pub_b"]},
        data=lambda w: {"reason": "The municipality declined the prize."}),
    "/staff/conflict-claims/<int:claim_id>/decide": Route(
        "staff.decide_conflict_claim", POST, STAFF, lambda w: {"claim_id": w["claim_eval_a"]},
        data=lambda w: {"decision": "uphold", "reason": "He did advise the council."}),
    "/staff/appeals/<int:appeal_id>/decide": Route(
        "staff.decide_appeal", POST, STAFF, lambda w: {"appeal_id": w["appeal_a"]},
        data=lambda w: {"upheld": "no", "decision": "The hearing was counted."}),
    # ------------------------------------------------------------------------ finance
    "/finance/": Route("finance.dashboard", GET, ANY_STAFF_FINANCE),
    "/finance/grants": Route("finance.grants", GET, ANY_STAFF_FINANCE),
    "/finance/transfers": Route("finance.transfers", GET, ANY_STAFF_FINANCE),
    "/finance/export/<table>.<fmt>": Route("finance.export", GET, ANY_STAFF_FINANCE,
                                           lambda w: {"table": "grants", "fmt": "csv"}),
    "/finance/awards/<int:award_id>": Route("finance.award", GET, STAFF_FINANCE,
                                            lambda w: {"award_id": w["award_pub_a"]}),
    "/finance/awards/<int:award_id>/open": Route(
        "finance.open_grant", POST, STAFF, lambda w: {"award_id": w["award_pub_b"]},
        data=lambda w: {"language": "ru"}),
    "/finance/grants/<int:grant_id>/terms": Route(
        "finance.terms", POST, STAFF, lambda w: {"grant_id": w["grant_a"]},
        data=lambda w: {"language": "ky", "currency": "KGS", "amount": "100000"}),
    "/finance/grants/<int:grant_id>/payee": Route(
        "finance.payee", POST, STAFF, lambda w: {"grant_id": w["grant_a"]},
        data=lambda w: {"recipient_account": "4402011100009999", "treasury_code": "440001"}),
    "/finance/grants/<int:grant_id>/plan": Route(
        "finance.plan", POST, STAFF, lambda w: {"grant_id": w["grant_a"]},
        data=lambda w: {"tranches-0-percent": "100"}),
    "/finance/grants/<int:grant_id>/agreement.pdf": Route(
        "finance.agreement_pdf", GET, A | STAFF_FINANCE, lambda w: {"grant_id": w["grant_a"]},
        anonymous=DENIED),
    "/finance/grants/<int:grant_id>/sign": Route(
        "finance.sign", POST, STAFF, lambda w: {"grant_id": w["grant_a"]},
        data=lambda w: {"grantee_signed_on": _today(w), "programme_signed_on": _today(w),
                        "scan": (io.BytesIO(PDF), "signed.pdf")}),
    "/finance/grants/<int:grant_id>/contributions": Route(
        "finance.contribution", POST, STAFF_FINANCE, lambda w: {"grant_id": w["grant_a"]},
        data=lambda w: {"stage": "actual", "source": "local_budget", "amount": "500"}),
    "/finance/documents/<int:document_id>": Route(
        "finance.document", GET, A | STAFF_FINANCE,
        lambda w: {"document_id": w["grant_document_a"]}, anonymous=DENIED),
    "/finance/tranches/<int:tranche_id>/release": Route(
        "finance.release", POST, FINANCE, lambda w: {"tranche_id": w["tranche_a"]}),
    "/finance/grants/<int:grant_id>/transfers": Route(
        "finance.record_transfer", POST, FINANCE, lambda w: {"grant_id": w["grant_a"]},
        data=lambda w: {"tranche_id": str(w["tranche_a"]), "value_date": _today(w),
                        "amount_kgs": "10", "payment_order": "PO-MATRIX",
                        "recipient_account": "4402011100005821"}),
    "/finance/transfers/<int:transfer_id>/reverse": Route(
        "finance.reverse", POST, FINANCE, lambda w: {"transfer_id": w["transfer_a"]},
        data=lambda w: {"value_date": _today(w), "payment_order": "REV-MATRIX",
                        "reason": "Wrong account."}),
    "/finance/grants/<int:grant_id>/returns": Route(
        "finance.record_return", POST, FINANCE, lambda w: {"grant_id": w["grant_a"]},
        data=lambda w: {"value_date": _today(w), "amount_kgs": "5",
                        "payment_order": "RET-MATRIX"}),
    "/finance/grants/<int:grant_id>/close": Route(
        "finance.close", POST, FINANCE, lambda w: {"grant_id": w["grant_a"]},
        data=lambda w: {"shortfall_reason": "Closed by the matrix."}),
    "/finance/reports/<int:report_id>": Route("finance.report", GET, STAFF_FINANCE,
                                              lambda w: {"report_id": w["report_a"]}),
    "/finance/reports/<int:report_id>/decide": Route(
        "finance.decide_report", POST, STAFF, lambda w: {"report_id": w["report_a"]},
        data=lambda w: {"decision": "approve", "comment": ""}),
    "/finance/reports/<int:report_id>/monitoring": Route(
        "finance.monitoring", POST, STAFF, lambda w: {"report_id": w["report_a"]},
        data=lambda w: {"findings": "The monitoring group saw the hearings."}),
    "/finance/my": Route("finance.my_grants", GET, APPLICANTS | ADMIN),
    "/finance/my/grants/<int:grant_id>": Route("finance.my_grant", GET, A,
                                               lambda w: {"grant_id": w["grant_a"]}),
    "/finance/my/reports/<int:report_id>": Route(
        "finance.my_report", BOTH, A, lambda w: {"report_id": w["report_a"]},
        data=lambda w: {"narrative": "Changed by the matrix.", "action": "save"}),
    # ------------------------------------------------------------------------- plugins
    "/p/pilot_selection/calls/<int:call_id>/visits": Route(
        "pilot_selection.call_visits", BOTH, STAFF, call_id("call_eval"),
        data=lambda w: {"application": [str(w["app_eval_b"])], "planned_on": _today(w)}),
    "/p/pilot_selection/applications/<int:application_id>/visit": Route(
        "pilot_selection.visit", BOTH, STAFF, app_id("app_eval_a"),
        data=lambda w: {"verifier_id": str(w["user_staff"]), "visited_on": _today(w),
                        "conclusion": "confirmed", "findings": "As declared."}),
    "/p/pilot_selection/applications/<int:application_id>/visit/cancel": Route(
        "pilot_selection.cancel_visit", POST, STAFF, app_id("app_eval_a")),
    "/p/pilot_selection/applications/<int:application_id>/memorandum.pdf": Route(
        "pilot_selection.memorandum_pdf", GET, A | STAFF, app_id("app_pilot_a")),
    "/p/citizen_budget_contest/applications/<int:application_id>/certificate.pdf": Route(
        "citizen_budget_contest.certificate", GET, A | STAFF_FINANCE, app_id("app_pub_a"),
        anonymous=DENIED),
    "/p/citizen_budget_contest/calls/<int:call_id>/prizes": Route(
        "citizen_budget_contest.prize_report", GET, STAFF_FINANCE, call_id("call_pub")),
    "/p/local_initiative/calls/<int:call_id>": Route("local_initiative.terms", GET, PUBLIC,
                                                     call_id("call_li")),
    "/p/local_initiative/calls/<int:call_id>/documents": Route(
        "local_initiative.documents", GET, STAFF_FINANCE, call_id("call_li")),
    "/p/local_initiative/applications/<int:application_id>/award.pdf": Route(
        "local_initiative.award_pdf", GET, A | STAFF_FINANCE, app_id("app_li_a"),
        anonymous=DENIED),
}


def _cases():
    for key, route in TABLE.items():
        for method in route.methods:
            for role in ROLES:
                marks = ()
                if role in route.xfail:
                    marks = (pytest.mark.xfail(reason=route.xfail[role], strict=True),)
                yield pytest.param(key, method, role, marks=marks,
                                   id=f"{method} {key} as {role}")


def rule_of(key: str) -> str:
    """The rule of a TABLE key (``rule`` or ``rule#variant``, another set of arguments)."""
    return key.split("#")[0]


def _is_static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


# ---------------------------------------------------------------------------- the world


@dataclass
class World:
    app: object
    ids: dict
    snapshot: route_world.Snapshot

    def url(self, route: Route, **args) -> str:
        with self.app.test_request_context():
            return url_for(route.endpoint, **(args or route.args(self.ids)))

    def client(self, role: str) -> IsolatedClient:
        client = self.app.test_client()
        if role != "anonymous":
            login(client, SimpleNamespace(id=self.ids[f"user_{role}"]), via="session",
                  key=self.ids[f"session_{role}"])
        return client

    def send(self, role: str, method: str, url: str, data: dict | None = None):
        """One request; then whatever it changed is put back. Returns the response and the
        names of the tables it changed."""
        response = self.client(role).open(url, method=method, data=data)
        changed = self.snapshot.changed()
        if changed:
            self.snapshot.restore(changed)
            assert not self.snapshot.changed(), "the world could not be put back"
        return response, changed


@pytest.fixture(scope="module")
def world(gms_databases, gms_default_plugins, tmp_path_factory):
    root = tmp_path_factory.mktemp("route-matrix")
    config = {
        "TESTING": True, "SECRET_KEY": "test-secret-key", "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": None,
        "BROKER_URL": None, "CELERY": {}, "UPLOAD_FOLDER": str(root / "uploads"),
        "PLUGINS": gms_default_plugins, "MAIL_BACKEND": "outbox", "TWO_FACTOR_ROLES": [],
        "SESSION_LAST_SEEN_EVERY": 0,
    }
    config["SQLALCHEMY_DATABASE_URI"] = gms_databases.url_for(root, config)
    with pytest.MonkeyPatch.context() as mp:
        clean_environment(mp)
        app = create_app_in(config, root / "instance")
        app.test_client_class = IsolatedClient
        snapshot = None
        try:
            with app.test_request_context():
                ids = route_world.build()
            # one server-side log-in per role, part of the world (put back like the rest)
            ids.update({f"session_{role}": session_key(app, ids[f"user_{role}"])
                        for role in ROLES if role != "anonymous"})
            snapshot = route_world.Snapshot(app, root)
            yield World(app, ids, snapshot)
        finally:
            if snapshot is not None:
                snapshot.close()
            route_world._dispose(app)
            gms_databases.reset()


# ---------------------------------------------------------------------------- the tests


def test_every_route_has_an_entry(world):
    """A new route needs an entry in TABLE; an entry needs its route."""
    rules = {r.rule: r for r in world.app.url_map.iter_rules() if not _is_static(r.endpoint)}
    keys = {rule_of(k) for k in TABLE}
    missing = sorted(f"{rules[r].endpoint} {r}" for r in set(rules) - keys)
    stale = sorted(f"{TABLE[k].endpoint} {k}" for k in TABLE if rule_of(k) not in rules)
    assert not missing, "routes without an entry in TABLE: " + ", ".join(missing)
    assert not stale, "entries in TABLE for routes that no longer exist: " + ", ".join(stale)
    wrong = []
    for key, route in TABLE.items():
        rule = rules[rule_of(key)]
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if route.endpoint != rule.endpoint or set(route.methods) != methods:
            wrong.append(f"{key}: {rule.endpoint} {sorted(methods)}")
    assert not wrong, "entries whose endpoint or methods differ from the rule: " + ", ".join(
        wrong)


@pytest.mark.parametrize(("key", "method", "role"), list(_cases()))
def test_route_as_role(world, key, method, role):
    route = TABLE[key]
    expected = route.expected(role)
    url = world.url(route)
    data = route.data(world.ids) if route.data and method == "POST" else None
    response, changed = world.send(role, method, url, data)
    status, location = response.status_code, response.headers.get("Location", "")
    to_login = status in (301, 302, 303) and "/login" in location.split("?")[0]
    what = f"{method} {url} as {role}: HTTP {status} {location}".strip()
    assert status < 500, what + "\n" + response.get_data(as_text=True)[:2000]
    if expected == OK:
        allowed = route.ok_status or ((200,) if method == "GET" else (200, 302, 303, 422))
        assert status in allowed, f"{what}, expected one of {allowed}"
        assert route.login_redirect_ok or not to_login, f"{what}, expected {OK}"
        return
    if expected == LOGIN:
        assert to_login, f"{what}, expected a redirect to the log-in page"
    else:
        assert status in (403, 404), f"{what}, expected 403 or 404"
    assert not changed, f"{what} changed {changed}"


def test_documents_of_a_are_hidden_from_b_and_the_conflicted_member(world):
    """Every document of organisation A answers 404 to B's applicant and to the member who
    declared a conflict on A's application (and 200 to A)."""
    ids = world.ids
    urls = [world.url(TABLE[rule], **args) for rule, args in (
        ("/documents/<int:attachment_id>", {"attachment_id": ids["att_eval_a"]}),
        ("/documents/<int:attachment_id>", {"attachment_id": ids["att_letter_a"]}),
        ("/documents/<int:attachment_id>", {"attachment_id": ids["att_draft_a"]}),
        ("/finance/documents/<int:document_id>", {"document_id": ids["grant_document_a"]}),
        ("/finance/grants/<int:grant_id>/agreement.pdf", {"grant_id": ids["grant_a"]}),
        ("/p/citizen_budget_contest/applications/<int:application_id>/certificate.pdf",
         {"application_id": ids["app_pub_a"]}),
        ("/p/local_initiative/applications/<int:application_id>/award.pdf",
         {"application_id": ids["app_li_a"]}),
        ("/p/pilot_selection/applications/<int:application_id>/memorandum.pdf",
         {"application_id": ids["app_pilot_a"]}),
    )]
    for url in urls:
        assert world.send("applicant_a", "GET", url)[0].status_code == 200, url
        for role in ("applicant_b", "member_conflicted", "member_unassigned",
                     "municipal_staff_b", "municipal_member_a"):
            response, changed = world.send(role, "GET", url)
            assert (response.status_code, changed) == (404, []), f"{url} as {role}"


def test_conflicted_member_cannot_see_the_score_sheet(world):
    """The member who declared a conflict gets 403 on A's score sheet, in both methods, and
    404 on the sheet of the member who did not."""
    own = world.url(TABLE["/review/<int:assignment_id>"],
                    assignment_id=world.ids["assignment_conflicted"])
    other = world.url(TABLE["/review/<int:assignment_id>"])
    assert world.send("member_conflicted", "GET", own)[0].status_code == 403
    response, changed = world.send("member_conflicted", "POST", own,
                                   {"action": "submit", "comment": "x"})
    assert (response.status_code, changed) == (403, [])
    assert world.send("member_conflicted", "GET", other)[0].status_code == 404
    assert world.send("member_assigned", "GET", other)[0].status_code == 200



def test_undeclared_rapporteur_sees_only_the_declaration_form(world):
    """The rapporteur has declared on A's application (assigned to it), not on B's: B's
    consensus page shows the declaration form and no score sheet, and a consensus sent
    before declaring is refused with nothing written."""
    page = world.url(TABLE["/review/consensus/<int:application_id>#undeclared"])
    response, changed = world.send("member_assigned", "GET", page)
    body = response.get_data(as_text=True)
    assert (response.status_code, changed) == (200, [])
    assert "Declaration of conflict of interest" in body
    assert "Individual score sheets" not in body and 'name="score"' not in body
    response, changed = world.send("member_assigned", "POST", page,
                                   {"score": "70", "text": "Agreed without declaring."})
    assert (response.status_code, changed) == (403, [])
    own = world.url(TABLE["/review/consensus/<int:application_id>"])
    assert "Individual score sheets" in world.send(
        "member_assigned", "GET", own)[0].get_data(as_text=True)
