"""Every error the workbench raises on purpose, in one documented tree.

Messages say what happened and what to do, in words a researcher understands.
They never contain transcript text, memos or attribute values: only ids, file
names and counts, so an error is safe to show in a browser, a terminal or a log.

    WorkbenchError                  base class; ``exit_code`` is the CLI exit status
    ├── ProjectError                the project directory or database as a whole
    │   ├── NotAProjectError        DIR holds no workbench project
    │   ├── ProjectExistsError      init on a directory that already holds one
    │   ├── SchemaTooNewError       the database was written by a newer workbench
    │   ├── ProjectBusyError        another process holds the write lock
    │   └── DatabaseUnavailableError  the configured database cannot be reached
    ├── AccessError                 who you are or what you may do
    │   ├── WrongPassphraseError    the passphrase does not unlock the project (exit 2)
    │   ├── UnknownUserError        the acting user is not a member of the project
    │   ├── TooManyAttemptsError    sign-ins paused after repeated failures (exit 2)
    │   └── PermissionDeniedError   the user's role does not allow the action
    │       └── KeyScopeError       the session's keys cannot reach that data (writers)
    ├── CryptoError                 stored ciphertext cannot be used
    │   ├── IntegrityError          a ciphertext failed authentication (tampered/moved)
    │   │   └── ManifestMissingError  life events from before manifests (0014): an admin seals them once
    │   └── ShreddedError           the data key was deliberately destroyed
    ├── NotFoundError               an interview, participant, code ... does not exist
    └── InvalidInputError           a value, file or argument is not acceptable
        ├── ConfirmationRequiredError  the action would discard work (e.g. a code's codings); confirm it
        └── ExportRefusedError      an export would disclose too much; nothing was written
            ├── DisclosureRiskError a k-anonymity check failed (names the attributes to generalize)
            ├── LeakDetectedError   a known name or accepted detection is in the output
            └── UnreviewedCandidatesError  a release while unflagged words await review
"""

from __future__ import annotations

from typing import Self

from workbench.i18n import gettext as _


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (raise it with ``about``).

    Why here: the domain layer may import this module but not ``workbench.i18n`` (an
    import-linter contract), so it marks its messages with this and raises them with
    :meth:`WorkbenchError.about`, which looks them up in the interface language.
    """
    return message


class WorkbenchError(Exception):
    """Base of all deliberate workbench errors."""

    exit_code: int = 1

    @classmethod
    def about(cls, message: str, /, **fields: object) -> Self:
        """The error with ``message`` (marked with :func:`N_`) in the interface language, filled in.

        ``fields`` are put into the translated text with ``str.format``, so a translation may
        move them around; the English text is the message itself.
        """
        return cls(_(message).format(**fields))


class ProjectError(WorkbenchError):
    """The project as a whole cannot be opened or written."""


class NotAProjectError(ProjectError):
    """The directory does not contain a workbench project."""


class ProjectExistsError(ProjectError):
    """A project already exists where a new one was to be created."""


class SchemaTooNewError(ProjectError):
    """The database schema is newer than this version of the workbench."""


class ProjectBusyError(ProjectError):
    """Another process is writing to the project; nothing was changed."""

    exit_code = 3


class DatabaseUnavailableError(ProjectError):
    """The database server named by WORKBENCH_DATABASE_URL cannot be reached."""


class AccessError(WorkbenchError):
    """Authentication or authorisation failed."""


class WrongPassphraseError(AccessError):
    """The passphrase does not unlock the project key."""

    exit_code = 2


class UnknownUserError(AccessError):
    """The acting user is not a member of the project."""

    exit_code = 2


class TooManyAttemptsError(AccessError):
    """Too many failed sign-ins for this user or from this client; wait before trying again."""

    exit_code = 2


class PermissionDeniedError(AccessError):
    """The user's role does not allow this action."""

    exit_code = 2


class KeyScopeError(PermissionDeniedError):
    """The session's keys do not reach the data: a writer's slot holds only the release key."""


class CryptoError(WorkbenchError):
    """A stored ciphertext cannot be decrypted."""


class IntegrityError(CryptoError):
    """Authentication of a ciphertext failed: it was altered or moved.

    ``record`` names the table, row and field so an administrator can restore
    that one record from a backup; the rest of the project stays readable.
    """

    def __init__(self, record: str) -> None:
        self.record = record
        super().__init__(
            _(
                "Integrity check failed for {record}: the stored ciphertext was altered, "
                "damaged or copied from another record. Restore this record from a backup; "
                "the rest of the project is unaffected."
            ).format(record=record)
        )


class ManifestMissingError(IntegrityError):
    """A participant has life events but no event manifest at all (not a wrong one).

    That is what a database that got life events under migration 0014, before manifests
    existed (0015), looks like; it is also what someone with write access to the database who
    cleared the column would leave behind. So it is not repaired silently: the message tells
    the admin to check the project and seal the manifests once with ``workbench events seal``
    (which never re-seals a manifest that exists but does not match: that is tampering).
    """

    def __init__(self, record: str) -> None:
        self.record = record
        CryptoError.__init__(
            self,
            _(
                "The life events of {record} have no integrity manifest: they were recorded before this "
                "version of the workbench sealed life events (database version 0014), or the manifest was "
                "removed. If the project was upgraded from that version and you have no reason to think the "
                "database was tampered with, an admin seals them once with `workbench events seal DIR`; "
                "otherwise restore the project from a backup."
            ).format(record=record),
        )


class ShreddedError(CryptoError):
    """The data key of this record was destroyed on purpose (crypto-shredding)."""

    def __init__(self, what: str, when: str | None = None) -> None:
        self.what = what
        if when:
            message = _(
                "{what} was shredded on {when} (for example after a participant withdrew); "
                "its content can no longer be decrypted by anyone."
            )
        else:
            message = _(
                "{what} was shredded (for example after a participant withdrew); "
                "its content can no longer be decrypted by anyone."
            )
        super().__init__(message.format(what=what, when=when))


class NotFoundError(WorkbenchError):
    """The requested object does not exist in this project."""


class InvalidInputError(WorkbenchError):
    """A value, file or argument is not acceptable."""


class ConfirmationRequiredError(InvalidInputError):
    """The action would discard work (a code with codings); repeat it with confirmation.

    ``count`` says how much would be affected, so an interface can ask the question.
    """

    def __init__(self, message: str, *, count: int = 0) -> None:
        self.count = count
        super().__init__(message)


class ExportRefusedError(InvalidInputError):
    """An anonymized export was refused before anything was written."""


class DisclosureRiskError(ExportRefusedError):
    """The exported participant attributes fail the k-anonymity check."""


class LeakDetectedError(ExportRefusedError):
    """The final leak check found a known name or an accepted detection in the export.

    The message gives counts and table names only, never the name that was found.
    """


class BelowReleaseMinimumError(PermissionDeniedError):
    """An export asked for less protection than the release allows (exit 2).

    A lead fixes the minimum suppression threshold and k with the release; whoever may not
    release can raise them for an export, never lower them.
    """


class UnreviewedCandidatesError(ExportRefusedError):
    """A release was refused: interviews still hold unflagged words nobody protected or dismissed.

    The message names the interviews (title and short id) and how many candidates each has,
    never the words. ``counts`` maps interview id to that number, so an interface can show it.
    """

    def __init__(self, message: str, *, counts: dict[str, int] | None = None) -> None:
        self.counts = dict(counts or {})
        super().__init__(message)
