"""Every deliberate error message that can reach a user passes through the catalogue.

Why a scan of the source: a message raised as a bare English literal is never extracted by
``./dev i18n``, so a Hungarian researcher would meet English in the middle of a Hungarian page
and no page test would notice until that error happened. The scan reads the package's syntax
tree and fails on ``raise SomeWorkbenchError("literal")`` or an f-string (which cannot be
looked up either); a message must be ``_("...")`` (``.format`` after it), or in the domain
layer ``SomeError.about(N_("..."))``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import workbench
from workbench import errors
from workbench.errors import InvalidInputError, PermissionDeniedError, WorkbenchError
from workbench.i18n import use_language

PACKAGE = Path(workbench.__file__).resolve().parent
SCANNED = (
    "services", "store", "importers", "refi", "domain", "crypto", "analysis", "deid", "nlp", "ui", "yaml_guard.py",
)  # fmt: skip
"""What raises errors that reach pages and exports (the CLI's own messages may stay English;
``xml_guard`` raises reason codes that the importers turn into translated messages)."""

ALLOWED: dict[str, tuple[int, str]] = {
    # path relative to the package: (at most this many literal messages, why they are still English)
}
ERROR_CLASSES = {
    name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, WorkbenchError)
} - {"IntegrityError", "ShreddedError"}  # these two build their own (translated) message from ids


def _is_literal(node: ast.expr) -> bool:
    """Text with words in it (a separator such as ``" "`` or ``"\\n"`` between messages is no message)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_is_literal(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    return False


def _is_marked(node: ast.expr) -> bool:
    """``N_("...")`` or a name/subscript (a constant marked where it is defined)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id == "N_" and bool(node.args) and isinstance(node.args[0], ast.Constant)
    return isinstance(node, ast.Name | ast.Subscript | ast.Attribute)


def unwrapped_messages(source: str) -> list[int]:
    """Line numbers of ``raise`` statements whose message is an English literal the catalogue never sees."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
            continue
        func, message = node.exc.func, node.exc.args[0]
        if isinstance(func, ast.Attribute) and func.attr == "about":
            if not _is_marked(message):
                found.append(node.lineno)
            continue
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in ERROR_CLASSES and _is_literal(message):
            found.append(node.lineno)
    return found


def _scan() -> dict[str, list[int]]:
    found = {}
    for layer in SCANNED:
        where = PACKAGE / layer
        for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
            lines = unwrapped_messages(path.read_text(encoding="utf-8"))
            if lines:
                found[path.relative_to(PACKAGE).as_posix()] = lines
    return found


def test_no_error_message_escapes_the_catalogue() -> None:
    found = _scan()
    unexpected = {path: lines for path, lines in found.items() if path not in ALLOWED}
    assert not unexpected, (
        "raise with an English literal (wrap it in _() and run ./dev i18n; in workbench/domain use "
        f"Error.about(N_('...'))): {unexpected}"
    )


def test_the_allowed_exceptions_are_counted_honestly() -> None:
    """An allowed module may not gain unwrapped messages, and leaves the list once it has none."""
    found = _scan()
    for path, (most, _why) in ALLOWED.items():
        assert 0 < len(found.get(path, [])) <= most, f"{path}: {found.get(path, [])} (update ALLOWED)"


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ('raise InvalidInputError("The file is empty.")', [1]),
        ('raise InvalidInputError(f"{name}: the file is empty.")', [1]),
        ('raise errors.NotFoundError("No such code " + ref)', [1]),
        ('raise InvalidInputError.about("The file is empty.")', [1]),
        ('raise InvalidInputError(_("The file is empty."))', []),
        ('raise InvalidInputError(_("{name}: empty.").format(name=name))', []),
        ('raise InvalidInputError(check.message() + " " + _("Nothing was written."))', []),
        ('raise InvalidInputError(check.message() + " Nothing was written.")', [1]),
        ('raise InvalidInputError.about(N_("The file is empty."))', []),
        ("raise InvalidInputError.about(_MESSAGES[unit])", []),
        ('raise ValueError("internal: not shown to users")', []),
        ("raise IntegrityError(f'interviews/{row_id}')", []),
    ],
)
def test_the_scan_tells_wrapped_from_unwrapped(source: str, lines: list[int]) -> None:
    assert unwrapped_messages(source) == lines


def test_a_domain_error_is_raised_in_the_interface_language() -> None:
    from workbench.domain.attributes import AttributeDef, AttributeType

    age = AttributeDef("age", AttributeType.INTEGER)
    with use_language("hu"), pytest.raises(InvalidInputError) as hungarian:
        age.parse("sok")
    assert str(hungarian.value) == "age: egész számot vártunk, de ez érkezett: 'sok'."
    with pytest.raises(InvalidInputError) as english:
        age.parse("sok")
    assert str(english.value) == "age: expected a whole number, got 'sok'."


def test_about_fills_in_after_the_lookup() -> None:
    with use_language("hu"):
        error = PermissionDeniedError.about(
            errors.N_("{user} has the role {role}, which may not {action}. Ask a project admin."),
            user="anna",
            role="writer",
            action="code",
        )
    assert str(error) == (
        "anna szerepköre writer, amely nem engedi ezt a műveletet: code. Kérjen meg egy projektadminisztrátort."
    )
