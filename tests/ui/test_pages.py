"""Every page through streamlit.testing.v1.AppTest, on a real encrypted demo project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.apptest import demo_project, new_app, serve, sign_in
from workbench.services.demo import create_demo, demo_password

PAGES = {
    "pages/overview.py": "Overview",
    "pages/transcripts.py": "Transcripts",
    "pages/import_page.py": "Import",
    "pages/participants.py": "Participants",
    "pages/codebook.py": "Codebook",
    "pages/audit.py": "Audit log",
    "pages/account.py": "Account",
    "pages/code.py": "Code",
    "pages/suggestions.py": "Suggestions",
    "pages/retrieve.py": "Retrieve",
    "pages/search.py": "Search",
    "pages/dashboard.py": "Dashboard",
    "pages/agreement.py": "Agreement",
    "pages/review.py": "De-identification review",
    "pages/export.py": "Export",
}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "ui")


def test_first_screen_explains_how_to_sign_in(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.title[0].value == "Sign in"
    assert "password" in app.caption[0].value and "passphrase" in app.caption[0].value
    assert "fictional-anna" in app.info[0].value, "the demo project says how to sign in"
    assert [w.label for w in app.text_input] == ["User name", "Password"]


def test_wrong_password_shows_a_message_not_a_traceback(app: AppTest) -> None:
    sign_in(app, "wrong password")
    assert not app.exception
    assert "password is wrong" in app.error[0].value
    assert "workspace" not in app.session_state


def test_unknown_user_is_refused_without_listing_members(app: AppTest) -> None:
    sign_in(app, user="mallory")
    assert "password is wrong" in app.error[0].value and "lena" not in app.error[0].value


def test_a_member_signs_in_with_their_own_password(app: AppTest) -> None:
    sign_in(app, demo_password("lena"), user="lena")
    assert not app.exception
    ws = app.session_state["workspace"]
    assert ws.user.name == "lena" and ws.keyring.full


def test_a_writer_session_holds_no_master_key(app: AppTest) -> None:
    sign_in(app, demo_password("wanda"), user="wanda")
    assert not app.exception and not app.session_state["workspace"].keyring.full
    app.switch_page("pages/account.py").run()
    assert "only the release key" in app.caption[0].value
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("pages/transcripts.py").run()


def test_account_page_changes_the_password_after_checking_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(tmp_path / "demo", monkeypatch)
    create_demo(tmp_path / "demo", PASSPHRASE, kdf=FAST_KDF).workspace.close()
    at = new_app()
    sign_in(at, demo_password("anna"), user="anna")
    at.switch_page("pages/account.py").run()
    assert [w.label for w in at.text_input] == ["Current password", "New password", "Repeat the new password"]
    for i, value in enumerate(("not my password", "anna's new password", "anna's new password")):
        at.text_input[i].input(value)
    at.button[0].click().run()
    assert "current password is not right" in at.error[0].value
    for i, value in enumerate((demo_password("anna"), "anna's new password", "anna's new password")):
        at.text_input[i].input(value)
    at.button[0].click().run()
    assert "Password changed" in at.success[0].value
    at.session_state["workspace"].close()
    again = new_app()
    sign_in(again, "anna's new password", user="anna")
    assert again.session_state["workspace"].user.name == "anna"
    again.session_state["workspace"].close()


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_after_unlocking(app: AppTest, page: str) -> None:
    sign_in(app)
    assert not app.exception
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == PAGES[page]
    assert app.caption, "every page explains itself with a caption"
    assert not app.error


def test_overview_counts(app: AppTest) -> None:
    sign_in(app)
    app.switch_page("pages/overview.py").run()
    metrics = {m.label: m.value for m in app.metric}
    # 33 codes: the 21 of the demo codebook and the 12 of the life-event family (issue 15)
    assert metrics == {"Interviews": "6", "Participants": "5", "Codes": "33", "Codings": "122"}


def test_transcript_page_shows_turns_and_highlights(app: AppTest) -> None:
    sign_in(app, user="anna")
    app.switch_page("pages/transcripts.py").run()
    html = "".join(e.proto.body for e in app.get("html"))
    assert "wbc-turn" in html and "Interviewer" in html
    # Issue 20, item 6: the Code page's badges and underline bands, read-only, not tags bunched at
    # the end of a turn: one numbered badge where each coding starts, one band per coding.
    badges = re.findall(r'<span class="wbc-badge wbc-static"[^>]*>(\d+)</span>', html)
    assert len(badges) >= 2 and "wb-tag" not in html
    assert "box-shadow:0 2px 0" in html, "codings are underlined, not told apart by colour alone"
    assert "<button" not in html and 'role="button"' not in html, "nothing to click on a read-only page"
    # Blind coding (on in the demo): anna reads only her own codings, as on the Code page.
    assert "(anna)" in html and "(bence)" not in html
    assert any("Blind coding is on" in c.value for c in app.caption)


def test_lock_drops_the_workspace(app: AppTest) -> None:
    sign_in(app)
    assert "workspace" in app.session_state
    app.sidebar.button[0].click().run()
    assert "workspace" not in app.session_state
    assert app.title[0].value == "Sign in"
    assert "Signed out" in app.info[0].value


def test_idle_timeout_locks(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(app)
    monkeypatch.setenv("WORKBENCH_IDLE_MINUTES", "0")
    app.run()
    assert "workspace" not in app.session_state
    assert app.title[0].value == "Sign in"
    assert "idle" in app.info[0].value


@pytest.mark.parametrize("page", list(PAGES))
def test_a_locked_session_gets_the_unlock_form_on_every_page(app: AppTest, page: str) -> None:
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == "Sign in"
    assert not app.metric and not app.get("html") and not app.dataframe
    app.text_input[1].input(PASSPHRASE)
    app.button[0].click().run()
    assert app.title[0].value == PAGES[page], "after unlocking, the requested page is shown"


def test_audit_page_is_listed_for_leads_but_not_for_researchers(app: AppTest) -> None:
    sign_in(app, user="lena")
    app.switch_page("pages/audit.py").run()
    assert app.title[0].value == "Audit log"
    assert "intact" in app.success[0].value
    assert len(app.dataframe[0].value) > 5
    researcher = new_app()
    sign_in(researcher, user="anna")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        researcher.switch_page("pages/audit.py").run()
    researcher.session_state["workspace"].close()


def test_with_sso_configured_the_password_form_waits_for_the_organisation_sign_in(app: AppTest) -> None:
    app.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "not-a-real-secret",
        "client_id": "workbench",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration",
    }
    app.run()
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in with your organisation account"]
    assert not app.text_input, "no password form before the organisation account is known"
