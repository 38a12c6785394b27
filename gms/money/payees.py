"""The grantee's local-budget account and treasury code on its grant.

The application gives them (the competition type's plugin answers the hook
``gms_payee_account``); :func:`carry_to_grant` copies them to the grant when the award's
agreement is prepared, :func:`correct` lets staff change them at any time. Each change is
audited with the old and the new values. Every transfer form is prefilled with the grant's
values and each transfer records the ones it used (:mod:`gms.money.transfers`).
"""

from __future__ import annotations

from gms.competition.payee import PayeeAccount
from gms.i18n import _
from gms.models import Application, User
from gms.services import audit
from gms.services.common import (
    ServiceError,
    application_info,
    commit,
    competition_type,
    hooks,
)

from . import models as M
from .models import Grant


def of_application(application: Application) -> PayeeAccount:
    """The account and treasury code ``application`` gives, as its type's plugin reads them
    from the stored answers; empty when no plugin knows them."""
    ctype = competition_type(application.competition)
    found = hooks().gms_payee_account(application=application_info(application),
                                      competition_type=ctype)
    if found is None:
        return PayeeAccount()
    if not isinstance(found, PayeeAccount):
        raise TypeError(f"gms_payee_account returned {type(found).__name__}, "
                        "not a PayeeAccount")
    return found


def payee_of(grant: Grant) -> PayeeAccount:
    """The grant's account and treasury code as they stand."""
    return PayeeAccount(grant.recipient_account, grant.treasury_code)


def carry_to_grant(grant: Grant, actor: User) -> PayeeAccount:
    """Copy the application's account and treasury code to a grant being opened (audited as
    ``grant.payee_carried``, in the caller's transaction); returns what was copied."""
    found = of_application(grant.award.application)
    grant.recipient_account, grant.treasury_code = found.account, found.treasury_code
    audit.record("grant.payee_carried", grant, {
        "application_id": grant.award.application_id, "recipient_account": found.account,
        "treasury_code": found.treasury_code}, actor_id=actor.id)
    return found


def correct(grant: Grant, *, account: str | None, treasury_code: str | None,
            actor: User) -> bool:
    """Staff correct the grant's account and treasury code (at any time: transfers already
    recorded keep the values they used). Audited with the old and the new values; False when
    nothing changed. The account cannot be left empty once money may be paid."""
    new = PayeeAccount(account, treasury_code)
    if new.account is None and grant.status != M.UNSIGNED:
        raise ServiceError(_("Give the local-budget account or treasury code."))
    old = payee_of(grant)
    if new == old:
        return False
    grant.recipient_account, grant.treasury_code = new.account, new.treasury_code
    audit.record("grant.payee_corrected", grant, {
        "old": {"recipient_account": old.account, "treasury_code": old.treasury_code},
        "new": {"recipient_account": new.account, "treasury_code": new.treasury_code}},
        actor_id=actor.id)
    commit()
    return True
