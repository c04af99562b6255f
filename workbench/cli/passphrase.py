"""``workbench passphrase change``: the project passphrase, the admins' recovery secret.

Changing it re-wraps the master key in one transaction; no data is re-encrypted.
"""

from __future__ import annotations

import typer

from workbench.cli.common import NEW_PASSPHRASE_ENV, ProjectDir, UserOption, handled, opened, read_secret

passphrase_app = typer.Typer(help="Manage the project passphrase.", no_args_is_help=True)


@passphrase_app.command("change")
def change(directory: ProjectDir, user: UserOption = None) -> None:
    """Change the project passphrase (re-wraps the master key; no data is re-encrypted)."""
    from workbench.services.projects import change_passphrase

    with handled():
        with opened(directory, user) as ws:
            new = read_secret(NEW_PASSPHRASE_ENV, "New passphrase", confirm=True)
            change_passphrase(ws, new)
        typer.echo("Passphrase changed. The old passphrase no longer unlocks this project.")
