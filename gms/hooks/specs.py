"""Hook specifications of GMS. Every hook name starts with ``gms_``.

Hooks are called with keyword arguments. The annotations say what each hook receives and
returns; their types are imported only for type checkers (``TYPE_CHECKING``), so this module
imports nothing of the core at run time. Collected results come back in reverse registration
order, so the core sorts them where order matters. Event hooks run after the change is
committed and must be quick: queue slow work as Celery tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from gms.hooks import hookspec

if TYPE_CHECKING:
    from flask import Blueprint, Flask

    from gms.competition import (
        ApplicationInfo,
        AwardDecision,
        CompetitionInfo,
        CompetitionType,
        EligibilityRule,
        Factory,
    )
    from gms.competition.payee import PayeeAccount
    from gms.demo import Demo

# --------------------------------------------------------------------------- set-up hooks


@hookspec
def gms_register_competition_types() -> Iterable[CompetitionType]:
    """Register the competition types this plugin offers.

    Called once in ``create_app``. A duplicate key, or a key that does not start with the
    plugin's name, stops start-up.

    :returns: an iterable of :class:`gms.competition.CompetitionType` instances.
    """


@hookspec
def gms_register_factories() -> Iterable[Factory]:
    """Register the factories of this plugin's eligibility rules, award policies and
    requested-amount rules (:func:`gms.competition.rule`, :func:`gms.competition.policy`,
    :func:`gms.competition.amount_rule`).

    Called once in ``create_app``. A call freezes the codes and parameters of the specs its
    type returns when it opens and rebuilds them later from these factories, by code. A
    code that does not start with ``<plugin>.``, or is registered twice, stops start-up.

    :returns: an iterable of :class:`gms.competition.Factory`.
    """


@hookspec
def gms_register_blueprints() -> Iterable[Blueprint]:
    """Register Flask blueprints; each is mounted under ``/p/<blueprint name>``.

    Called once in ``create_app`` after the core blueprints.

    :returns: an iterable of :class:`flask.Blueprint`.
    """


@hookspec
def gms_register_periodic_tasks() -> Mapping[str, Mapping[str, Any]]:
    """Add entries to the Celery beat schedule.

    Called once when the Celery app is configured. Keys must start with ``<plugin>.``.

    :returns: a mapping of schedule name to a Celery beat entry
        (``{"task": ..., "schedule": seconds}``).
    """


@hookspec
def gms_demo_data(demo: Demo) -> None:
    """Add this plugin's demo calls and applications to ``gms demo``.

    Called by :func:`gms.demo.load` after the reference list and the demo people exist. Must be
    idempotent: ``demo.call(...)`` returns ``(call, created)`` and finds an existing call by
    its English title, so applications are added only when the call was just created.

    :param demo: a :class:`gms.demo.Demo` (people, the time, and helpers).
    """


@hookspec
def gms_app_init(app: Flask) -> None:
    """Last step of ``create_app``: add Jinja filters, context processors, CLI commands.

    :param app: the Flask application.
    """


# --------------------------------------------------------------------- contribution hooks


@hookspec
def gms_extra_eligibility_rules(competition: CompetitionInfo,
                                competition_type: CompetitionType) -> Iterable[EligibilityRule]:
    """Contribute eligibility rules to every competition.

    Called while a call is a draft (live form checks) and when it opens, where the specs are
    frozen; an open call rebuilds them from the frozen data. Their factories must be
    registered with ``gms_register_factories``. The built-in plugin uses it for the territory
    and applicant-kind rules.

    :param competition: a :class:`gms.competition.CompetitionInfo`.
    :param competition_type: the call's :class:`gms.competition.CompetitionType`.
    :returns: an iterable of rule :class:`gms.competition.Spec`.
    """


@hookspec(firstresult=True)
def gms_payee_account(application: ApplicationInfo,
                      competition_type: CompetitionType) -> PayeeAccount | None:
    """The grantee's local-budget account and treasury code, as the application gives them.

    Called when the grant of a funded award is opened: the core copies the values to the
    grant (audited), and prefills every transfer with them. The first implementation that
    returns something other than ``None`` wins, so return ``None`` for applications of
    competition types that are not yours.

    :param application: a :class:`gms.competition.ApplicationInfo` (its stored answers).
    :param competition_type: the call's :class:`gms.competition.CompetitionType`.
    :returns: a :class:`gms.competition.payee.PayeeAccount`, or ``None``.
    """


# ---------------------------------------------------------------------------- event hooks


@hookspec
def gms_competition_status_changed(competition: CompetitionInfo, old_status: str,
                                   new_status: str) -> None:
    """A call moved through its life cycle (after commit).

    :param competition: a :class:`gms.competition.CompetitionInfo`.
    :param old_status: the previous status name.
    :param new_status: the new status name.
    """


@hookspec
def gms_application_status_changed(application: ApplicationInfo, old_status: str,
                                   new_status: str) -> None:
    """An application changed status (after commit): submitted, withdrawn, screened, decided.

    :param application: a :class:`gms.competition.ApplicationInfo`.
    :param old_status: the previous status name.
    :param new_status: the new status name.
    """


@hookspec
def gms_review_submitted(application_id: int, reviewer_id: int,
                         total: Decimal | None) -> None:
    """A commission member submitted a score sheet (after commit).

    :param application_id: the reviewed application's id.
    :param reviewer_id: the member's user id.
    :param total: the review's aggregated total (a ``Decimal``) or ``None`` if all N/A.
    """


@hookspec
def gms_awards_published(competition: CompetitionInfo,
                         awards: tuple[AwardDecision, ...]) -> None:
    """A call's results were published (after commit).

    :param competition: a :class:`gms.competition.CompetitionInfo`.
    :param awards: a tuple of :class:`gms.competition.AwardDecision` that were funded.
    """
