"""``gms users``: people's roles and access (each change is written to the audit log)."""

from __future__ import annotations

import getpass

import click
from flask.cli import with_appcontext

from gms.services import accounts, staff_accounts, two_factor
from gms.services.accounts import find_user
from gms.services.common import ServiceError


@click.group("users")
def users_group() -> None:
    """People's roles and access (each change is written to the audit log)."""


def _user(email: str):

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account with the e-mail {email}")
    return user


def _operator() -> str:

    return f"cli:{getpass.getuser()}"


@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["applicant", "commission", "staff", "finance",
                                           "admin"]))
@click.option("--organisation-id", type=int, help="The organisation (for applicants).")
@click.option("--programme", is_flag=True,
              help="Drop the account's organisation: programme staff, finance or commission.")
@with_appcontext
def users_set_role_command(email: str, role: str, organisation_id: int | None,
                           programme: bool) -> None:
    """Give the account EMAIL the role ROLE."""
    user = _user(email)
    try:
        accounts.set_role(user, role, by=_operator(), organisation_id=organisation_id,
                          programme=programme)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"{user.email} is now {role}")


@users_group.command("block")
@click.argument("email")
@click.option("--unblock", is_flag=True, help="Allow log-in again.")
@with_appcontext
def users_block_command(email: str, unblock: bool) -> None:
    """Stop (or, with --unblock, allow again) log-in for the account EMAIL."""
    user = _user(email)
    accounts.set_active(user, unblock, by=_operator())
    click.echo(f"{user.email} {'may log in again' if unblock else 'is blocked'}")


@users_group.command("reset-two-factor")
@click.argument("email")
@click.option("--reason", required=True, help="Why (e.g. the phone and the codes were lost).")
@with_appcontext
def users_reset_two_factor_command(email: str, reason: str) -> None:
    """Remove the authenticator and recovery codes of EMAIL and end all their log-ins; a
    one-time link to set up a new one is e-mailed to the account's address. Check the
    person's identity first."""
    user = _user(email)
    two_factor.disable(user, actor=None, reason=f"{reason} ({_operator()})")
    two_factor.issue_link(user, operator=_operator(), max_age=_LINK_HOURS_DEFAULT * 3600)
    click.echo(f"two-factor log-in of {user.email} reset and its log-ins ended; a set-up "
               f"link valid {_LINK_HOURS_DEFAULT} hours was e-mailed to {user.email}")


_LINK_HOURS_DEFAULT = 72


@users_group.command("two-factor-link")
@click.argument("email")
@click.option("--hours", type=click.IntRange(1, 168), default=_LINK_HOURS_DEFAULT,
              show_default=True, help="How long the link works (it works once).")
@click.option("--show", is_flag=True,
              help="Also print the link, to hand it over in person (check the identity).")
@with_appcontext
def users_two_factor_link_command(email: str, hours: int, show: bool) -> None:
    """E-mail EMAIL a one-time link to set up two-factor log-in (someone whose role requires
    it and who has none yet). The password alone never allows that set-up."""
    user = _user(email)
    try:
        link = two_factor.issue_link(user, operator=_operator(), max_age=hours * 3600)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"a set-up link valid {hours} hours was e-mailed to {user.email}")
    if show:
        click.echo(link)


@users_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True,
              type=click.Choice(["staff", "finance", "commission", "admin"]))
@click.option("--agency", type=click.Choice(["government_office", "ministry_of_finance",
                                             "state_agency", "lsg_union", "programme"]),
              help="The body the person comes from (commission members, staff).")
@click.option("--password-prompt", is_flag=True,
              help="Type the password here (the first administrator of a new instance) "
                   "instead of e-mailing an invitation.")
@with_appcontext
def users_create_command(email: str, name: str, role: str, agency: str | None,
                         password_prompt: bool) -> None:
    """Create a programme account EMAIL (no organisation), audited."""
    password = None
    if password_prompt:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            raise click.ClickException("the password needs at least 10 characters")
    try:
        user = staff_accounts.create(email=email, name=name, role=role, agency=agency,
                                     by=None, password=password)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    how = "password set" if password else "invitation e-mailed"
    click.echo(f"{user.email} created as {role} ({how})")
