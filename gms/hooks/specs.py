"""Hook specifications of GMS. Every hook name starts with ``gms_``.

Hooks are called with keyword arguments. Collected results come back in reverse registration
order, so the core sorts them where order matters. Event hooks run after the change is
committed and must be quick: queue slow work as Celery tasks.
"""

from __future__ import annotations

from gms.hooks import hookspec

# --------------------------------------------------------------------------- set-up hooks


@hookspec
def gms_register_competition_types():
    """Register the competition types this plugin offers.

    Called once in ``create_app``. A duplicate key, or a key that does not start with the
    plugin's name, stops start-up.

    :returns: an iterable of :class:`gms.competition.CompetitionType` instances.
    """


@hookspec
def gms_register_blueprints():
    """Register Flask blueprints; each is mounted under ``/p/<blueprint name>``.

    Called once in ``create_app`` after the core blueprints.

    :returns: an iterable of :class:`flask.Blueprint`.
    """


@hookspec
def gms_register_periodic_tasks():
    """Add entries to the Celery beat schedule.

    Called once when the Celery app is configured. Keys must start with ``<plugin>.``.

    :returns: a mapping of schedule name to a Celery beat entry
        (``{"task": ..., "schedule": seconds}``).
    """


@hookspec
def gms_demo_data(demo):
    """Add this plugin's demo calls and applications to ``gms demo``.

    Called by :func:`gms.demo.load` after the reference list and the demo people exist. Must be
    idempotent: ``demo.call(...)`` returns ``(call, created)`` and finds an existing call by
    its English title, so applications are added only when the call was just created.

    :param demo: a :class:`gms.demo.Demo` (people, the time, and helpers).
    """


@hookspec
def gms_app_init(app):
    """Last step of ``create_app``: add Jinja filters, context processors, CLI commands.

    :param app: the Flask application.
    """


# --------------------------------------------------------------------- contribution hooks


@hookspec
def gms_extra_eligibility_rules(competition, competition_type):
    """Contribute eligibility rules to every competition.

    Called when a call's rules are built (live form checks, submission, screening) and frozen
    (at opening). The built-in plugin uses it for the territory and applicant-kind rules.

    :param competition: a :class:`gms.competition.CompetitionInfo`.
    :param competition_type: the call's :class:`gms.competition.CompetitionType`.
    :returns: an iterable of :class:`gms.competition.EligibilityRule`.
    """


@hookspec(firstresult=True)
def gms_payee_account(application, competition_type):
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
def gms_competition_status_changed(competition, old_status, new_status):
    """A call moved through its life cycle (after commit).

    :param competition: a :class:`gms.competition.CompetitionInfo`.
    :param old_status: the previous status name.
    :param new_status: the new status name.
    """


@hookspec
def gms_application_status_changed(application, old_status, new_status):
    """An application changed status (after commit): submitted, withdrawn, screened, decided.

    :param application: a :class:`gms.competition.ApplicationInfo`.
    :param old_status: the previous status name.
    :param new_status: the new status name.
    """


@hookspec
def gms_review_submitted(application_id, reviewer_id, total):
    """A commission member submitted a score sheet (after commit).

    :param application_id: the reviewed application's id.
    :param reviewer_id: the member's user id.
    :param total: the review's aggregated total (a ``Decimal``) or ``None`` if all N/A.
    """


@hookspec
def gms_awards_published(competition, awards):
    """A call's results were published (after commit).

    :param competition: a :class:`gms.competition.CompetitionInfo`.
    :param awards: a tuple of :class:`gms.competition.AwardDecision` that were funded.
    """
