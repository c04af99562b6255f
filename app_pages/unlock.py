"""Unlock page: the passphrase opens the project for this browser session only."""

from workbench.ui.unlock import unlock_form

unlock_form()
