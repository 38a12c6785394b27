"""Loading the demo: the schema, the people, each enabled plugin's calls (hook
``gms_demo_data``, given a :class:`Demo`) and then the money of the published awards."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, select

from gms.evaluation import lifecycle
from gms.extensions import db
from gms.models import Application, Competition, Territory, User
from gms.services import accounts, calls
from gms.services.territories import load_reference
from gms.services.uploads import save_attachment
from gms.timeutil import utcnow

from . import money
from .files import pdf
from .people import DOMAIN, OBLASTS, PASSWORD, PEOPLE, logins, person

log = logging.getLogger(__name__)

BISHKEK = ZoneInfo("Asia/Bishkek")


def ensure_schema() -> bool:
    """Apply the Alembic migrations; ``False`` (and a warning) when there are none yet."""
    directory = Path(current_app.extensions["migrate"].directory)
    if not (directory / "env.py").exists():
        log.warning("no migrations at %s: the schema was not created", directory)
        return False
    upgrade(directory=str(directory), revision="heads")
    return True


def load() -> list[tuple[str, str]]:
    """Create the demo data once (inside an app context); returns the log-ins.

    The core creates the reference list and the people; each enabled plugin adds its calls
    through the ``gms_demo_data`` hook; then the published awards get their money
    (:func:`gms.demo.money.load`).
    """
    if not db.session.scalar(select(func.count()).select_from(Territory)):
        load_reference()
    users = {p.email: person(p) for p in PEOPLE}
    demo = Demo(
        now=utcnow(), staff=users[f"staff@{DOMAIN}"],
        members=[users[f"commission{i}@{DOMAIN}"] for i in (1, 2, 3)],
        applicants={p.territory[0]: users[p.email] for p in PEOPLE if p.territory})
    current_app.extensions["gms.plugins"].hook.gms_demo_data(demo=demo)
    money.load()
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
        for call in db.session.scalars(select(Competition).where(
                Competition.type_key == type_key).order_by(Competition.id)):
            if (call.title or {}).get("en") == values["title"]["en"]:
                return call, False
        call = calls.create_call(type_key, {"description": {}, "max_awards": None,
                                            "max_grant": None, "settings": {}, **values},
                                 actor_id=self.staff.id)
        lifecycle.advance(call, "open", now=min(self.now, call.opens_at + timedelta(hours=1)),
                      actor_id=self.staff.id)
        return call, True

    def user(self, role: str, email: str, name: str, locale: str = "ru",
             organisation_id: int | None = None) -> User:
        """A demo user (created once); its log-in is printed with the others."""
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
        place = application.organisation.name.split(" (")[0]
        for kind in kinds:
            text = f"GMS demo document: {kind.replace('_', ' ')} - application {application.id}"
            save_attachment(application, kind, f"{kind} - {place}.pdf", pdf(text), user)
