"""Demo data: a ready-to-explore instance, built through the services, loaded once.

``ensure_schema()`` migrates the database; ``load()`` adds the SOATE reference list and one
user per role (four applicant municipalities, three commission members), then each enabled
plugin adds its calls through the ``gms_demo_data`` hook with the :class:`Demo` helpers.
Every step looks for what it would create first, so a second ``load()`` changes nothing.

Municipalities are real units of the SOATE 2021 list; people, projects, figures and documents
are invented for the demo.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from gms.extensions import db
from gms.models import Application, Competition, Territory, User
from gms.timeutil import utcnow

log = logging.getLogger(__name__)

PASSWORD = "demo-password-2026"
DOMAIN = "demo.gms.kg"
BISHKEK = ZoneInfo("Asia/Bishkek")
OBLASTS = ["Чуйская область", "Нарынская область", "Ошская область"]

# SOATE codes of the demo municipalities (oblast as fallback if a code is ever missing)
BOROLDOI = ("41708213808000", "Чуйская область")  # Kemin rayon
AK_TAL = ("41704220808000", "Нарынская область")  # At-Bashy rayon
ONBIR_JYLGA = ("41708223840000", "Чуйская область")  # Chui rayon
KYZYL_SUU = ("41706226822000", "Ошская область")  # Kara-Suu rayon


@dataclass(frozen=True)
class Person:
    role: str
    email: str
    name: str
    locale: str
    territory: tuple[str, str] | None = None


PEOPLE = (
    Person("applicant", f"applicant1@{DOMAIN}", "Бакыт Асанов", "ru", BOROLDOI),
    Person("applicant", f"applicant2@{DOMAIN}", "Нурлан Токтогулов", "ky", AK_TAL),
    Person("applicant", f"applicant3@{DOMAIN}", "Елена Ким", "ru", ONBIR_JYLGA),
    Person("applicant", f"applicant4@{DOMAIN}", "Жыпар Маматова", "ky", KYZYL_SUU),
    Person("commission", f"commission1@{DOMAIN}", "Айгүл Сапарова", "ky"),
    Person("commission", f"commission2@{DOMAIN}", "Ольга Петренко", "ru"),
    Person("commission", f"commission3@{DOMAIN}", "Эрмек Жумабаев", "ru"),
    Person("staff", f"staff@{DOMAIN}", "Динара Абдыкадырова", "ru"),
    Person("finance", f"finance@{DOMAIN}", "Гүлнара Осмонова", "ru"),
    Person("admin", f"admin@{DOMAIN}", "Администратор GMS", "en"),
)


def logins() -> list[tuple[str, str]]:
    """``(role, e-mail)`` of every demo user; the password of all is :data:`PASSWORD`."""
    return [(p.role, p.email) for p in PEOPLE]


# ------------------------------------------------------------------------------ schema


def ensure_schema() -> bool:
    """Apply the Alembic migrations; ``False`` (and a warning) when there are none yet."""
    from flask_migrate import upgrade

    directory = Path(current_app.extensions["migrate"].directory)
    if not (directory / "env.py").exists():
        log.warning("no migrations at %s: the schema was not created", directory)
        return False
    upgrade(directory=str(directory), revision="heads")
    return True


# -------------------------------------------------------------------------------- load


def load() -> list[tuple[str, str]]:
    """Create the demo data once (inside an app context); returns the log-ins.

    The core creates the reference list and the people; each enabled plugin adds its calls
    through the ``gms_demo_data`` hook.
    """
    from gms.services.territories import load_reference

    if not db.session.scalar(select(func.count()).select_from(Territory)):
        load_reference()
    users = {p.email: _user(p) for p in PEOPLE}
    demo = Demo(
        now=utcnow(), staff=users[f"staff@{DOMAIN}"],
        members=[users[f"commission{i}@{DOMAIN}"] for i in (1, 2, 3)],
        applicants={p.territory[0]: users[p.email] for p in PEOPLE if p.territory})
    current_app.extensions["gms.plugins"].hook.gms_demo_data(demo=demo)
    from gms.services import money_demo

    money_demo.load()
    return logins() + demo.extra_logins


@dataclass
class Demo:
    """What a plugin's ``gms_demo_data`` gets: the demo people and helpers to add calls.

    ``applicants`` maps a SOATE code (:data:`BOROLDOI` and the others) to the applicant user
    of that municipality.
    """

    now: datetime
    staff: User
    members: list[User]
    applicants: dict[str, User]
    oblasts: tuple[str, ...] = tuple(OBLASTS)
    extra_logins: list[tuple[str, str]] = field(default_factory=list)

    @staticmethod
    def at(day: date, hour: int, minute: int = 0) -> datetime:
        """A Bishkek wall-clock time as a UTC instant."""
        return datetime.combine(day, time(hour, minute), tzinfo=BISHKEK).astimezone(UTC)

    @staticmethod
    def local_day(instant: datetime) -> date:
        return instant.astimezone(BISHKEK).date()

    def call(self, type_key: str, values: dict) -> tuple[Competition, bool]:
        """The demo call titled ``values["title"]["en"]``, created and opened if missing;
        returns ``(call, created)`` so a plugin adds applications only once."""
        from gms.services import calls

        for call in db.session.scalars(select(Competition).where(
                Competition.type_key == type_key).order_by(Competition.id)):
            if (call.title or {}).get("en") == values["title"]["en"]:
                return call, False
        call = calls.create_call(type_key, {"description": {}, "max_awards": None,
                                            "max_grant": None, "settings": {}, **values},
                                 actor_id=self.staff.id)
        calls.advance(call, "open", now=min(self.now, call.opens_at + timedelta(hours=1)),
                      actor_id=self.staff.id)
        return call, True

    def user(self, role: str, email: str, name: str, locale: str = "ru",
             organisation_id: int | None = None) -> User:
        """A demo user (created once); its log-in is printed with the others."""
        from gms.services import accounts

        user = accounts.find_user(email)
        if user is None:
            user = User(email=email, name=name, role=role, locale=locale,
                        organisation_id=organisation_id,
                        password_hash=accounts.hash_password(PASSWORD))
            db.session.add(user)
            db.session.commit()
        self.extra_logins.append((role, email))
        return user

    @staticmethod
    def documents(application: Application, kinds, user: User) -> None:
        """Attach a small PDF of each kind, named after the municipality."""
        from gms.services.uploads import save_attachment

        place = application.organisation.name.split(" (")[0]
        for kind in kinds:
            text = f"GMS demo document: {kind.replace('_', ' ')} - application {application.id}"
            save_attachment(application, kind, f"{kind} - {place}.pdf", pdf(text), user)


# ------------------------------------------------------------------------------- users


def _territory(code: str, oblast: str) -> Territory:
    t = db.session.get(Territory, code)
    if t is None:  # a different reference list: take the first aiyl aimak of the oblast
        t = db.session.scalar(select(Territory).where(
            Territory.oblast == oblast, Territory.kind == "aiyl_aimak")
            .order_by(Territory.soate_code).limit(1))
    return t


def _user(p: Person) -> User:
    from gms.services import accounts, memberships

    user = accounts.find_user(p.email)
    if user is not None:
        return user
    if p.role == "applicant":
        t = _territory(*p.territory)
        user = accounts.register(email=p.email, name=p.name, password=PASSWORD,
                                 org_kind="municipality", org_name="",
                                 territory_code=t.soate_code, locale=p.locale)
        memberships.vouch(user, by="demo")  # confirmed and admitted: no links to open
        return user
    user = User(email=p.email, name=p.name, role=p.role, locale=p.locale,
                password_hash=accounts.hash_password(PASSWORD))
    db.session.add(user)
    db.session.commit()
    return user


# --------------------------------------------------------------------------- documents


def pdf(text: str) -> bytes:
    """A small valid one-page PDF showing ``text`` (ASCII)."""
    safe = text.encode("ascii", "replace").decode().replace("\\", "\\\\")
    safe = safe.replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 56 780 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


__all__ = ["AK_TAL", "BOROLDOI", "KYZYL_SUU", "ONBIR_JYLGA", "PASSWORD", "Demo", "ensure_schema",
           "load", "logins", "pdf"]
