"""The national-scale data set: what GMS holds after a few years of the programme.

Full size (``Size.full()``): 20 calls (small grants and «Local initiative» contests, from open
to published), 20,000 applications of 8,500 organisations (every SOATE municipality, NGOs and
initiative groups, one applicant user each), 300 commission members (20 per call), about
63,000 score sheets (5 per eligible small-grants application, 4 per contest entry, with their
per-criterion scores and the members' declarations), about 10,600 awards of which 5,004
funded, each with a grant, its tranches, transfers (with reversals and returns), reports and
co-financing, 8,800 e-mails in the outbox and a valid hash-chained audit log of about 120,000
entries. :func:`top_up_transfers` then brings the transfers to 100,000 (monthly instalments).

Rows are bulk inserted with SQLAlchemy Core and explicit ids (PostgreSQL's sequences are moved
past them at the end). The schema must already exist (``gms db upgrade heads``). The calls are
built with the services' ``freeze`` so their sheets and rules are the plugins' own; answers are
the plugins' demo answers; totals follow each call's scoring sheet; rankings, awards, grant
totals and statuses are consistent with what the services would have produced.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import insert, select

LAYOUT = ([("small_grants", "open"), ("local_initiative", "open"),
           ("small_grants", "closed"), ("local_initiative", "screening"),
           ("small_grants", "evaluation"), ("local_initiative", "evaluation"),
           ("small_grants", "evaluation"), ("local_initiative", "evaluation"),
           ("small_grants", "decided"), ("local_initiative", "decided")]
          + [("small_grants", "published"), ("local_initiative", "published")] * 5)
SCORED = ("evaluation", "decided", "published")
LEDGER = ("decided", "published")
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Size:
    apps_per_call: int
    members: int
    per_commission: int
    reviewers: int
    #: score sheets per application in the small-grants calls (their sheet is longer)
    sg_reviewers: int
    funded_per_call: int
    ngos: int
    groups: int

    @classmethod
    def full(cls) -> Size:
        return cls(apps_per_call=1000, members=300, per_commission=20, reviewers=4,
                   sg_reviewers=5, funded_per_call=417, ngos=6000, groups=2000)

    @classmethod
    def quick(cls) -> Size:
        return cls(apps_per_call=100, members=60, per_commission=10, reviewers=3,
                   sg_reviewers=4, funded_per_call=40, ngos=600, groups=200)


def _chunks(rows: list[dict], n: int = 5000):
    for i in range(0, len(rows), n):
        yield rows[i:i + n]


def bulk(model, rows: list[dict]) -> int:
    from gms.extensions import db

    for part in _chunks(rows):
        db.session.execute(insert(model), part)
    return len(rows)


class Ids:
    """Explicit primary keys, continuing after what the table already holds."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def take(self, model) -> int:
        from gms.extensions import db

        name = model.__tablename__
        if name not in self.next:
            self.next[name] = (db.session.scalar(select(db.func.max(model.id))) or 0) + 1
        value = self.next[name]
        self.next[name] += 1
        return value


def _templates(kind: str, opened: date) -> list[dict]:
    if kind == "small_grants":
        from plugins.small_grants import demo as sg

        return [f(opened) for f in (sg._boroldoi, sg._onbir_jylga, sg._ak_tal, sg._kyzyl_suu,
                                    sg._kochkor, sg._kok_bel, sg._uzgen)]
    from plugins.local_initiative import demo as li

    return [f(opened - timedelta(days=200)) for f in (
        li._entry_kindergarten, li._entry_ak_tal_lighting, li._entry_kemin_trees,
        li._entry_boroldoi_hearings, li._entry_onbir_jylga_water)]


LI_ROLE = {"ngo": "ngo", "initiative_group": "initiative_group", "municipality": "lsg_body"}


def build(size: Size, seed: int = 2026, log=print) -> dict:
    """Insert the data set into the (migrated, empty) database of the current app context.

    Returns ids the other benchmarks need (users by role, calls by status) and row counts.
    """
    from gms.competition import ScoringSheet, stored_values
    from gms.evaluation import review_totals
    from gms.evaluation.models import (
        Assignment,
        Award,
        CommissionMember,
        Conflict,
        ConsensusReport,
        Score,
    )
    from gms.extensions import db
    from gms.models import (
        Application,
        AuditEntry,
        Competition,
        EligibilityCheck,
        Organisation,
        OutboxMessage,
        Territory,
        User,
    )
    from gms.money.models import Contribution, Grant, GrantReport, Tranche, Transfer
    from gms.services import audit
    from gms.services.common import registry
    from gms.services.contract import freeze
    from gms.services.territories import load_reference

    from .drafts import password_hash

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    ids = Ids()
    counts: dict[str, int] = {}
    events: list[tuple] = []  # (at, actor, action, object_type, object_id, payload)

    # the rows come with their own audit entries, explicit ids and all: no entries of the
    # tamper check's making in between (``gms audit baseline`` records the rows' digests)
    db.session.info[audit.BULK_LOAD] = True
    load_reference()
    territories = db.session.scalars(select(Territory).order_by(Territory.soate_code)).all()

    # ------------------------------------------------------------- organisations, people
    orgs, users = [], []
    digest = password_hash()
    oblasts = sorted({t.oblast for t in territories})

    def person(role: str, email: str, name: str, org_id: int | None, locale: str) -> int:
        uid = ids.take(User)
        users.append({"id": uid, "email": email, "name": name, "password_hash": digest,
                      "role": role, "organisation_id": org_id, "locale": locale,
                      "active": True, "created_at": now - timedelta(days=900)})
        return uid

    by_kind: dict[str, list[int]] = {"municipality": [], "ngo": [], "initiative_group": []}
    applicant_of: dict[int, int] = {}
    org_name: dict[int, str] = {}
    for t in territories:
        oid = ids.take(Organisation)
        orgs.append({"id": oid, "kind": "municipality", "name": t.display_name,
                     "territory_code": t.soate_code, "oblast": t.oblast,
                     "tax_id": f"0{oid:08d}", "address": t.display_name,
                     "created_at": now - timedelta(days=900)})
        by_kind["municipality"].append(oid)
    for kind, n, label in (("ngo", size.ngos, "ОО «Жарандык демилге {}»"),
                           ("initiative_group", size.groups, "Демилгелүү топ №{}")):
        for i in range(n):
            oid = ids.take(Organisation)
            orgs.append({"id": oid, "kind": kind, "name": label.format(i + 1),
                         "territory_code": None, "oblast": rng.choice(oblasts),
                         "tax_id": f"1{oid:08d}" if kind == "ngo" else None,
                         "address": None, "created_at": now - timedelta(days=800)})
            by_kind[kind].append(oid)
    org_kind = {o["id"]: o["kind"] for o in orgs}
    for o in orgs:
        org_name[o["id"]] = o["name"]
        applicant_of[o["id"]] = person("applicant", f"org{o['id']}@applicants.bench.gms.kg",
                                       f"Applicant of {o['name'][:150]}", o["id"],
                                       rng.choice(("ky", "ru", "ru")))
    staff = [person("staff", f"staff{i}@bench.gms.kg", f"Staff {i}", None, "ru")
             for i in range(5)]
    finance = [person("finance", f"finance{i}@bench.gms.kg", f"Finance {i}", None, "ru")
               for i in range(3)]
    admin = person("admin", "admin@bench.gms.kg", "Administrator", None, "en")
    members = [person("commission", f"member{i}@bench.gms.kg", f"Member {i:03d}", None,
                      rng.choice(("ky", "ru")))
               for i in range(size.members)]
    counts["organisations"] = bulk(Organisation, orgs)
    counts["users"] = bulk(User, users)
    log(f"  {len(orgs):,} organisations, {len(users):,} users")

    # ------------------------------------------------------------------------ calls
    calls = []
    published_k = 0
    for i, (type_key, status) in enumerate(LAYOUT):
        if status == "open":
            deadline = now + timedelta(days=20 + i)
        elif status == "published":
            deadline = now - timedelta(days=120 + 75 * published_k)
            published_k += 1
        else:
            deadline = now - timedelta(days={"closed": 3, "screening": 10, "evaluation": 30 + i,
                                             "decided": 60 + i}[status])
        opens = deadline - timedelta(days=60)
        ctype = registry()[type_key]
        year = deadline.year
        title = ({"ky": f"Чакан гранттар программасы {year}, {i + 1}-раунд",
                  "ru": f"Программа малых грантов {year}, раунд {i + 1}",
                  "en": f"Small Grants Programme {year}, round {i + 1}"}
                 if type_key == "small_grants" else
                 {"ky": f"«Жергиликтүү демилге» сынагы {year} ({i + 1})",
                  "ru": f"Конкурс «Местная инициатива» {year} ({i + 1})",
                  "en": f"Local initiative contest {year} ({i + 1})"})
        call = Competition(
            type_key=type_key, status="draft", title=title,
            description={k: v + " — " + "описание конкурса. " * 20 for k, v in title.items()},
            oblasts=[], opens_at=opens, deadline_at=deadline,
            budget=Decimal(1_000_000_000), max_awards=None,
            max_grant=Decimal(1_000_000) if type_key == "small_grants" else None,
            settings=stored_values(ctype.settings_fields(), ctype.default_settings()),
            created_at=opens - timedelta(days=10),
            divergence_limit=(Decimal(25) if type_key == "small_grants" else Decimal(12))
            if status == "evaluation" else None)
        db.session.add(call)
        db.session.flush()
        freeze(call)
        call.status = status
        calls.append(call)
        events.append((call.created_at, staff[0], "call.created", "competitions", call.id,
                       {"type": type_key}))
        events.append((opens, staff[0], "call.open", "competitions", call.id,
                       {"from": "draft", "to": "open"}))
    db.session.flush()
    counts["calls"] = len(calls)

    # ----------------------------------------------------------------- commissions
    commission_rows, scorers = [], {}
    for call in calls:
        chosen = rng.sample(members, size.per_commission)
        scorers[call.id] = chosen
        for j, uid in enumerate(chosen):
            commission_rows.append({"id": ids.take(CommissionMember), "competition_id": call.id,
                                    "user_id": uid,
                                    "role": "chair" if j == 0 else "rapporteur" if j == 1
                                    else "member"})
    counts["commission_members"] = bulk(CommissionMember, commission_rows)

    # ---------------------------------------------------------------- applications
    apps, checks = [], []
    app_meta: dict[int, dict] = {}
    for call in calls:
        status = call.status
        opened = call.opens_at.date()
        templates = _templates(call.type_key, opened)
        rules = call.frozen_rules or []
        if call.type_key == "small_grants":
            pool = by_kind["municipality"] * 2
            rng.shuffle(pool)
            applicants = pool[:size.apps_per_call]
        else:
            everyone = by_kind["ngo"] + by_kind["initiative_group"] + by_kind["municipality"]
            applicants = [rng.choice(everyone) for _ in range(size.apps_per_call)]
        span = (min(call.deadline_at, now) - call.opens_at).total_seconds()
        for k, org_id in enumerate(applicants):
            aid = ids.take(Application)
            answers = copy.deepcopy(templates[k % len(templates)])
            answers["title"] = f"{answers['title']} ({org_name[org_id][:60]})"[:300]
            if call.type_key == "small_grants":
                requested = Decimal(rng.randrange(300, 1001) * 1000)
                answers["requested_amount"] = f"{requested}.00"
            else:
                requested = Decimal(0)
                answers["applicant_role"] = LI_ROLE[org_kind[org_id]]
            created = call.opens_at + timedelta(seconds=span * rng.random() ** 0.7)
            submitted = min(created + timedelta(hours=rng.randrange(1, 300)),
                            call.deadline_at - timedelta(minutes=1), now)
            draft_share = {"open": 0.6, "closed": 0.08}.get(status, 0.05)
            r = rng.random()
            if r < draft_share:
                state = "draft"
            elif r < draft_share + 0.01:
                state = "withdrawn"
            elif status in ("open", "closed") or (status == "screening" and rng.random() < .5):
                state = "submitted"
            else:
                state = "ineligible" if rng.random() < 0.06 else "eligible"
            done = state not in ("draft",)
            row = {"id": aid, "competition_id": call.id, "organisation_id": org_id,
                   "number": f"{call.id:03d}-{aid:05d}" if done else None, "status": state,
                   "title": answers["title"], "answers": answers,
                   "language": rng.choice(("ky", "ru")), "requested_amount": requested,
                   "created_by_id": applicant_of[org_id], "created_at": created,
                   "updated_at": submitted if done else created,
                   "submitted_at": submitted if done else None, "screening_reason": None,
                   "screened_by_id": None, "screened_at": None}
            user = applicant_of[org_id]
            events.append((created, user, "application.created", "applications", aid,
                           {"competition_id": call.id}))
            if done:
                events.append((submitted, user, "application.submitted", "applications", aid,
                               {"number": row["number"], "at": submitted.isoformat()}))
            if state in ("eligible", "ineligible"):
                at = call.deadline_at + timedelta(days=rng.randrange(1, 5))
                row.update(screened_by_id=staff[1], screened_at=at,
                           screening_reason="Бюджет не соответствует требованиям конкурса."
                           if state == "ineligible" else None)
                events.append((at, staff[1], "application.screened", "applications", aid,
                               {"eligible": state == "eligible", "automatic": True,
                                "reason": row["screening_reason"] or ""}))
            if done and state != "withdrawn":
                failing = rng.randrange(len(rules)) if state == "ineligible" and rules else -1
                for j, rule in enumerate(rules):
                    checks.append({"id": ids.take(EligibilityCheck), "application_id": aid,
                                   "rule_code": rule["code"], "passed": j != failing,
                                   "blocking": rule["blocking"],
                                   "message": ("Условие выполнено: " if j != failing else
                                               "Условие не выполнено: ") + rule["code"],
                                   "checked_at": submitted})
            apps.append(row)
            app_meta[aid] = {"call": call, "org": org_id, "requested": requested,
                             "submitted": submitted, "state": state}
    counts["applications"] = bulk(Application, apps)
    counts["eligibility_checks"] = bulk(EligibilityCheck, checks)
    log(f"  {len(apps):,} applications, {len(checks):,} eligibility checks")
    del checks

    # ------------------------------------------------------------ sheets and scores
    assignments, scores, conflicts, consensus = [], [], [], []
    totals: dict[int, list[Decimal]] = {}
    sheets = {c.id: ScoringSheet.from_dict(c.frozen_sheet) for c in calls}
    scale_choices = {(k.key, cid): k.scale.choices() for cid, sh in sheets.items()
                     for k in sh.criteria}
    for row in apps:
        call = app_meta[row["id"]]["call"]
        if call.status not in SCORED or row["status"] != "eligible":
            continue
        sheet = sheets[call.id]
        quality = rng.random()
        reviewers = rng.sample(scorers[call.id], size.sg_reviewers
                               if call.type_key == "small_grants" else size.reviewers)
        for uid in reviewers:
            asg_id = ids.take(Assignment)
            assigned = call.deadline_at + timedelta(days=6)
            submitted = call.status != "evaluation" or rng.random() < 0.75
            bias = rng.gauss(0, 0.12) + (0.45 if rng.random() < 0.03 else 0)
            values, comments = {}, {}
            for c in sheet.criteria:
                choices = scale_choices[c.key, call.id]
                pos = min(len(choices) - 1, max(0, round((quality + bias) * (len(choices) - 1))))
                value = choices[pos] if submitted else None
                values[c.key] = value
                if submitted and c.comment_required(value):
                    comments[c.key] = "Недостаточно обосновано, см. замечания в заявке."
            total = sheet.total(values) if submitted else None
            at = assigned + timedelta(days=rng.randrange(1, 14))
            assignments.append({
                "id": asg_id, "application_id": row["id"], "reviewer_id": uid,
                "assigned_by_id": staff[1], "assigned_at": assigned,
                "status": "submitted" if submitted else "pending",
                "due_at": assigned + timedelta(days=21), "declined_reason": None,
                "run_id": None, "total": total,
                "comment": "Заявка хорошо обоснована." if submitted else None,
                "submitted_at": at if submitted else None})
            conflicts.append({"id": ids.take(Conflict), "application_id": row["id"],
                              "user_id": uid, "source": "declared", "status": "none",
                              "reason": "", "at": assigned + timedelta(hours=2),
                              "decided_by_id": None})
            if submitted:
                totals.setdefault(row["id"], []).append(total)
                for c in sheet.criteria:
                    scores.append({"id": ids.take(Score), "assignment_id": asg_id,
                                   "criterion_key": c.key, "value": values[c.key],
                                   "comment": comments.get(c.key)})
                events.append((at, uid, "review.submitted", "assignments", asg_id,
                               {"application_id": row["id"], "total": str(total)}))
        got = totals.get(row["id"], [])
        if (call.divergence_limit is not None and len(got) > 1
                and max(got) - min(got) > call.divergence_limit and rng.random() < 0.5):
            consensus.append({"id": ids.take(ConsensusReport), "application_id": row["id"],
                              "rapporteur_id": scorers[call.id][1],
                              "score": (sum(got) / len(got)).quantize(TWO),
                              "text": "Комиссия пришла к согласованной оценке.",
                              "at": call.deadline_at + timedelta(days=25),
                              # a commission act: confirmed by a second member (issue 15)
                              "status": "confirmed", "confirmed_by_id": scorers[call.id][0],
                              "confirmed_at": call.deadline_at + timedelta(days=25)})
    counts["assignments"] = bulk(Assignment, assignments)
    review_totals.refresh_all(db.session.connection())  # the ORM's listener sees no bulk load
    counts["conflict_declarations"] = bulk(Conflict, conflicts)
    counts["scores"] = bulk(Score, scores)
    counts["consensus_reports"] = bulk(ConsensusReport, consensus)
    log(f"  {len(assignments):,} score sheets, {len(scores):,} scores")
    del scores, conflicts

    # -------------------------------------------------------------- awards and money
    awards, grants, tranches, transfers, reports, contributions, outbox = [], [], [], [], [], [], []
    status_updates: list[dict] = []
    po = 0
    for call in calls:
        if call.status not in LEDGER:
            continue
        ranked = [r for r in apps if r["competition_id"] == call.id and r["status"] == "eligible"]
        ranked.sort(key=lambda r: (-(sum(totals[r["id"]]) / len(totals[r["id"]])),
                                   r["requested_amount"], r["submitted_at"], r["id"]))
        decided = call.deadline_at + timedelta(days=40)
        funded_total = Decimal(0)
        for rank, r in enumerate(ranked, start=1):
            mean = (sum(totals[r["id"]]) / len(totals[r["id"]])).quantize(TWO)
            if rank <= size.funded_per_call:
                outcome = "funded"
                amount = (r["requested_amount"] if call.type_key == "small_grants"
                          else Decimal(rng.choice((50000, 70000, 80000, 100000))))
            else:
                outcome, amount = ("reserve" if rank <= size.funded_per_call * 1.2
                                   else "not_funded"), Decimal(0)
            award_id = ids.take(Award)
            awards.append({"id": award_id, "competition_id": call.id,
                           "application_id": r["id"], "outcome": outcome, "amount": amount,
                           "rank": rank, "score": mean,
                           "reason": "" if outcome == "funded" else "envelope"
                           if outcome == "reserve" else "below_threshold",
                           "decided_by_id": staff[0], "decided_at": decided})
            if call.status == "published":
                status_updates.append({"b_id": r["id"], "b_status": outcome})
                outbox.append({"id": ids.take(OutboxMessage),
                               "key": f"result-letter:{r['id']}",
                               "recipient": f"org{r['organisation_id']}@applicants.bench.gms.kg",
                               "subject": "Результаты конкурса",
                               "body": "Уважаемый заявитель! Сообщаем результаты конкурса. "
                                       * 8, "created_at": decided + timedelta(days=5),
                               "sent_at": decided + timedelta(days=5, minutes=1),
                               "attempts": 1, "error": None})
            if outcome != "funded":
                continue
            funded_total += amount
            gid = ids.take(Grant)
            opened_at = decided + timedelta(days=7)
            published = call.status == "published"
            x = rng.random()
            g_status = ("active" if x < 0.75 else "closed" if x < 0.9 else "unsigned"
                        ) if published else ("active" if x < 0.4 else "unsigned")
            signed_on = (opened_at + timedelta(days=10)).date()
            account = f"1280{rng.randrange(10**11, 10**12)}"
            grant = {"id": gid, "award_id": award_id, "status": g_status,
                     "number": f"AGR-{r['number']}", "language": r["language"],
                     "currency": "KGS", "amount": amount, "transferred": Decimal(0),
                     "returned": Decimal(0), "amount_kgs": amount,
                     "transferred_kgs": Decimal(0), "returned_kgs": Decimal(0),
                     "starts_on": signed_on,
                     "ends_on": signed_on + timedelta(days=365), "recipient_account": account,
                     "opened_by_id": staff[0], "opened_at": opened_at,
                     "grantee_signed_on": None, "programme_signed_on": None,
                     "signed_by_id": None, "signed_at": None, "closed_by_id": None,
                     "closed_at": None, "closing_note": None, "shortfall_reason": None}
            events.append((opened_at, staff[0], "grant.opened", "grants", gid,
                           {"award_id": award_id}))
            sg = call.type_key == "small_grants"
            shares = [Decimal("0.6"), Decimal("0.4")] if sg else [Decimal(1)]
            plan = []
            for n, share in enumerate(shares, start=1):
                t_amount = (amount * share).quantize(TWO) if n < len(shares) else \
                    amount - sum(p["amount"] for p in plan)
                plan.append({"id": ids.take(Tranche), "grant_id": gid, "number": n,
                             "percent": share * 100, "amount": t_amount,
                             "due_on": signed_on + timedelta(days=30 + 180 * (n - 1)),
                             "milestone": None if n == 1 else "Промежуточный отчёт одобрен",
                             "requires_report": n > 1, "released_at": None,
                             "released_by_id": None})
            if sg:
                contributions.append({"id": ids.take(Contribution), "grant_id": gid,
                                      "stage": "promised", "source": "local_budget",
                                      "amount": (amount * Decimal("0.1")).quantize(TWO),
                                      "note": "Решение айылного кенеша",
                                      "recorded_by_id": staff[0], "recorded_at": opened_at})
            if g_status != "unsigned":
                signed_at = datetime.combine(signed_on, datetime.min.time(), UTC)
                grant.update(grantee_signed_on=signed_on, programme_signed_on=signed_on,
                             signed_by_id=staff[0], signed_at=signed_at)
                events.append((signed_at, staff[0], "grant.signed", "grants", gid,
                               {"grantee_signed_on": signed_on.isoformat()}))
                paid = plan if g_status == "closed" else plan[:1]
                for t in plan:
                    if t["requires_report"]:
                        done = t in paid
                        reports.append({
                            "id": ids.take(GrantReport), "grant_id": gid, "tranche_id": t["id"],
                            "kind": "progress", "status": "approved" if done else "due",
                            "due_on": t["due_on"], "narrative": "Работы выполнены по плану."
                            if done else None, "spending": [], "spent_total": Decimal(0),
                            "beneficiaries": None, "monitoring_findings": None,
                            "submitted_by_id": None, "submitted_at": None,
                            "decided_by_id": staff[0] if done else None,
                            "decided_at": signed_at + timedelta(days=150) if done else None,
                            "comment": None, "reminded_on": None})
                for t in paid:
                    value_day = t["due_on"]
                    t["released_at"] = datetime.combine(value_day, datetime.min.time(), UTC)
                    t["released_by_id"] = staff[0]
                    if rng.random() < 0.03:  # a wrong order, reversed, then the right one
                        po += 1
                        wrong = ids.take(Transfer)
                        transfers.append(_transfer(wrong, gid, t, t["amount"], f"ПП-{po}",
                                                   account, value_day, finance[0]))
                        transfers.append(_transfer(ids.take(Transfer), gid, t, -t["amount"],
                                                   f"ПП-{po}-С", account, value_day,
                                                   finance[0], reverses=wrong))
                    po += 1
                    tid = ids.take(Transfer)
                    transfers.append(_transfer(tid, gid, t, t["amount"], f"ПП-{po}", account,
                                               value_day, finance[rng.randrange(3)]))
                    grant["transferred"] += t["amount"]
                    grant["transferred_kgs"] += t["amount"]
                    events.append((transfers[-1]["recorded_at"], transfers[-1]["recorded_by_id"],
                                   "transfer.recorded", "transfers", tid,
                                   {"grant_id": gid, "amount": str(t["amount"])}))
                final_done = g_status == "closed"
                if g_status == "closed":
                    closed_at = signed_at + timedelta(days=370)
                    if rng.random() < 0.3:
                        back = (amount * Decimal("0.02")).quantize(TWO)
                        po += 1
                        transfers.append(_transfer(ids.take(Transfer), gid, None, back,
                                                   f"ВЗ-{po}", account, closed_at.date(),
                                                   finance[0], kind="return"))
                        grant["returned"] += back
                        grant["returned_kgs"] += back
                    grant.update(closed_by_id=finance[0], closed_at=closed_at,
                                 closing_note="Проект завершён, отчёты одобрены.")
                    if sg:
                        contributions.append({
                            "id": ids.take(Contribution), "grant_id": gid, "stage": "actual",
                            "source": "local_budget",
                            "amount": (amount * Decimal("0.1")).quantize(TWO),
                            "note": None, "recorded_by_id": staff[0],
                            "recorded_at": closed_at - timedelta(days=5)})
                reports.append({
                    "id": ids.take(GrantReport), "grant_id": gid, "tranche_id": None,
                    "kind": "final", "status": "approved" if final_done else "due",
                    "due_on": grant["ends_on"],
                    "narrative": "Итоговый отчёт." if final_done else None,
                    "spending": [{"line": "Строительные материалы", "budgeted": str(amount),
                                  "spent": str(grant["transferred"] - grant["returned"])}]
                    if final_done else [],
                    "spent_total": grant["transferred"] - grant["returned"]
                    if final_done else Decimal(0),
                    "beneficiaries": 500 if final_done else None,
                    "monitoring_findings": None, "submitted_by_id": None, "submitted_at": None,
                    "decided_by_id": staff[0] if final_done else None,
                    "decided_at": grant["closed_at"], "comment": None, "reminded_on": None})
            grants.append(grant)
            tranches.extend(plan)
        call.budget = (funded_total * Decimal("1.05")).quantize(Decimal(1)) or Decimal(100000)
        events.append((decided, staff[0], "awards.decided", "competitions", call.id,
                       {"total": str(funded_total)}))
        if call.status == "published":
            call.published_at = decided + timedelta(days=5)
            events.append((call.published_at, staff[0], "call.publish", "competitions",
                           call.id, {"from": "decided", "to": "published"}))
    db.session.flush()
    counts["awards"] = bulk(Award, awards)
    counts["funded_awards"] = sum(a["outcome"] == "funded" for a in awards)
    if status_updates:
        from sqlalchemy import bindparam, update

        stmt = (update(Application.__table__)
                .where(Application.__table__.c.id == bindparam("b_id"))
                .values(status=bindparam("b_status")))
        for part in _chunks(status_updates):
            db.session.execute(stmt, part)
    counts["grants"] = bulk(Grant, grants)
    counts["tranches"] = bulk(Tranche, tranches)
    counts["transfers"] = bulk(Transfer, transfers)
    counts["grant_reports"] = bulk(GrantReport, reports)
    counts["contributions"] = bulk(Contribution, contributions)
    counts["outbox"] = bulk(OutboxMessage, outbox)
    log(f"  {len(awards):,} awards ({counts['funded_awards']:,} funded), {len(grants):,} "
        f"grants, {len(tranches):,} tranches, {len(transfers):,} transfers")

    # ------------------------------------------------------------------- audit chain
    events.sort(key=lambda e: e[0])
    prev = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
                             ) or audit.GENESIS
    entries = []
    for at, actor, action, otype, oid, payload in events:
        entry = SimpleNamespace(at=at, actor_id=actor, action=action, object_type=otype,
                                object_id=oid, payload=payload)
        digest = audit._digest(prev, entry)
        entries.append({"id": ids.take(AuditEntry), "at": at, "actor_id": actor,
                        "action": action, "object_type": otype, "object_id": oid,
                        "payload": payload, "prev_hash": prev, "hash": digest})
        prev = digest
    counts["audit_log"] = bulk(AuditEntry, entries)
    log(f"  {len(entries):,} audit entries")
    db.session.commit()
    db.session.info.pop(audit.BULK_LOAD, None)
    from .common import fix_sequences

    with db.engine.begin() as conn:
        fix_sequences(conn)
        if conn.dialect.name == "postgresql":
            from sqlalchemy import text

            conn.execute(text("ANALYZE"))

    by_status: dict[str, list[int]] = {}
    for c in calls:
        by_status.setdefault(c.status, []).append(c.id)
    # the member with the most sheets who is also a rapporteur of a call in evaluation
    rapporteurs = {scorers[c.id][1] for c in calls if c.status == "evaluation"}
    load: dict[int, int] = {}
    for a in assignments:
        load[a["reviewer_id"]] = load.get(a["reviewer_id"], 0) + 1
    member = max(rapporteurs, key=lambda u: load.get(u, 0)) if rapporteurs else members[0]
    published_funded = {a["application_id"] for a in awards if a["outcome"] == "funded"
                        and a["competition_id"] in by_status.get("published", [])}
    grantee_org = max((a for a in apps if a["id"] in published_funded),
                      key=lambda a: a["id"], default=apps[0])["organisation_id"]
    open_li = next(c.id for c in calls if c.status == "open"
                   and c.type_key == "local_initiative")
    return {
        "counts": counts, "calls": by_status, "open_contest": open_li,
        "staff": staff[0], "finance": finance[0], "admin": admin, "member": member,
        "member_sheets": load.get(member, 0), "grantee": applicant_of[grantee_org],
        "grantee_org": grantee_org,
        "draft": next((a["id"] for a in apps if a["status"] == "draft"
                       and a["competition_id"] == open_li), None),
        "draft_user": next((a["created_by_id"] for a in apps if a["status"] == "draft"
                            and a["competition_id"] == open_li), None),
    }


def _transfer(tid: int, gid: int, tranche: dict | None, amount: Decimal, order: str,
              account: str, value_day: date, by: int, *, reverses: int | None = None,
              kind: str = "transfer") -> dict:
    return {"id": tid, "grant_id": gid, "tranche_id": tranche["id"] if tranche else None,
            "kind": kind, "value_date": value_day, "amount_kgs": amount, "exchange_rate": None,
            "amount": amount, "payment_order": order, "recipient_account": account,
            "reverses_id": reverses, "note": "Ошибочный платёж" if reverses else None,
            "recorded_by_id": by,
            "recorded_at": datetime.combine(value_day, datetime.min.time(), UTC)
            + timedelta(hours=10)}


def top_up_transfers(target: int, seed: int = 7) -> int:
    """Add monthly instalments to active grants until ``transfers`` holds ``target`` rows;
    each grant's running total is raised by what was added (staying within the grant).
    Returns the rows added."""
    from sqlalchemy import bindparam, func, update

    from gms.extensions import db
    from gms.models import User
    from gms.money.models import Grant, Transfer

    have = db.session.scalar(select(func.count()).select_from(Transfer))
    need = target - have
    if need <= 0:
        return 0
    rows = db.session.execute(select(Grant.id, Grant.amount, Grant.transferred,
                                     Grant.recipient_account, Grant.starts_on)
                              .where(Grant.status == "active").order_by(Grant.id)).all()
    if not rows:
        return 0
    rng = random.Random(seed)
    ids = Ids()
    officer = db.session.scalar(select(User.id).where(User.role == "finance").limit(1)) or 1
    rows = [r for r in rows if Decimal(r[1]) - Decimal(r[2]) >= 100]  # grants with room left
    if not rows:
        return 0
    per = -(-need // len(rows))
    out, updates = [], []
    for gid, amount, transferred, account, starts in rows:
        room = Decimal(amount) - Decimal(transferred)
        k = min(per, need - len(out))
        if k <= 0:
            break
        step = (room / (2 * k)).quantize(TWO, rounding="ROUND_DOWN")
        if step <= 0:
            continue
        for n in range(k):
            out.append(_transfer(ids.take(Transfer), gid, None, step, f"ЕП-{gid}-{n}",
                                 account or "—", (starts or date(2025, 1, 1))
                                 + timedelta(days=30 * (n % 24) + rng.randrange(28)),
                                 officer))
        updates.append({"b_id": gid, "b_add": step * k})
    for part in _chunks(out):
        db.session.execute(insert(Transfer), part)
    table = Grant.__table__
    stmt = (update(table).where(table.c.id == bindparam("b_id"))
            .values(transferred=table.c.transferred + bindparam("b_add"),
                    transferred_kgs=table.c.transferred_kgs + bindparam("b_add")))
    for part in _chunks(updates):
        db.session.execute(stmt, part)
    db.session.commit()
    from .common import fix_sequences

    with db.engine.begin() as conn:
        fix_sequences(conn)
    return len(out)
