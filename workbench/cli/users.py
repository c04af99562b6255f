"""``workbench user add|passwd|remove|link|list``: project members, their roles and key slots.

Passwords come from ``WORKBENCH_NEW_PASSWORD`` or a prompt, never an option; each member has
their own key slot, so adding, changing or removing one touches nobody else's access.
"""

from __future__ import annotations

from typing import Annotated

import typer

from workbench.cli.common import NEW_PASSWORD_ENV, ProjectDir, UserOption, handled, opened, read_secret
from workbench.domain.models import Role

user_app = typer.Typer(help="Manage project members and their roles (admins).", no_args_is_help=True)


@user_app.command("add")
def add(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="The new member's user name.")],
    role: Annotated[Role, typer.Option(help="admin, lead, researcher or writer.")] = Role.RESEARCHER,
    user: UserOption = None,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="Add without a password: they sign in with the project passphrase.")
    ] = False,
) -> None:
    """Add a member with their own password and key slot (needs an admin).

    The new member's first password comes from WORKBENCH_NEW_PASSWORD or a prompt; tell it to
    them in person and let them change it with `workbench user passwd`.
    """
    from workbench.services.users import add_user

    with handled():
        with opened(directory, user) as ws:
            password = None if no_password else read_secret(NEW_PASSWORD_ENV, f"Password for {name}", confirm=True)
            added = add_user(ws, name, role, password)
        typer.echo(f"Added {added.name} ({added.role.value}).")


@user_app.command("passwd")
def passwd(
    directory: ProjectDir,
    name: Annotated[
        str | None, typer.Argument(help="Whose password (default: your own; others need an admin).")
    ] = None,
    user: UserOption = None,
) -> None:
    """Change a password: yours after signing in with the current one, or anyone's as an admin.

    The new password comes from WORKBENCH_NEW_PASSWORD or a prompt. Only that member's key slot
    is re-wrapped; nobody else's access changes.
    """
    from workbench.services.users import set_password

    with handled():
        with opened(directory, user) as ws:
            target = name or ws.user.name
            set_password(ws, target, read_secret(NEW_PASSWORD_ENV, f"New password for {target}", confirm=True))
        typer.echo(f"Password of {target} changed.")


@user_app.command("remove")
def remove(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="The member to remove.")],
    user: UserOption = None,
) -> None:
    """Remove a member; their codings stay attributed to them (needs an admin)."""
    from workbench.services.users import remove_user

    with handled():
        with opened(directory, user) as ws:
            remove_user(ws, name)
        typer.echo(f"Removed {name}.")


@user_app.command("link")
def link(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="The member.")],
    email: Annotated[str, typer.Argument(help="Their organisation account's e-mail address (single sign-on).")],
    user: UserOption = None,
) -> None:
    """Let an organisation (OIDC) account sign in to the app as this member (needs an admin).

    Single sign-on only fills in who is signing in; the member's password still unlocks the keys.
    """
    from workbench.services.sso import link_sso

    with handled():
        with opened(directory, user) as ws:
            link_sso(ws, name, email)
        typer.echo(f"{email} now signs in as {name}.")


@user_app.command("list")
def list_members(directory: ProjectDir, user: UserOption = None) -> None:
    """List the project's members and their roles."""
    from workbench.services.users import list_users

    with handled():
        with opened(directory, user) as ws:
            members = list_users(ws)
        for member in members:
            typer.echo(f"{member.name}\t{member.role.value}")
