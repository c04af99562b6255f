"""Sign-in page: a member's password opens the project for this browser session only."""

from workbench.ui.unlock import unlock_form

unlock_form()
