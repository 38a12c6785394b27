"""The demo's people: one user per role, four applicant municipalities (real units of the
SOATE 2021 list) and three commission members, all with the password :data:`PASSWORD`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from gms.extensions import db
from gms.models import Territory, User
from gms.services import accounts, memberships

PASSWORD = "demo-password-2026"
DOMAIN = "demo.gms.kg"
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


def _territory(code: str, oblast: str) -> Territory:
    t = db.session.get(Territory, code)
    if t is None:  # a different reference list: take the first aiyl aimak of the oblast
        t = db.session.scalar(select(Territory).where(
            Territory.oblast == oblast, Territory.kind == "aiyl_aimak")
            .order_by(Territory.soate_code).limit(1))
    return t


def person(p: Person) -> User:
    """The user of ``p``, created once (an applicant registers its municipality and is
    admitted to it)."""
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
