"""Use cases shared by the CLI and the app; each checks the acting user's role."""
