"""Being told, in a browser (issue 15, item 7): a member asks to join, the facilitator gets
an e-mail through the real SMTP server that says where to answer, and the dashboard's
"1 request is waiting" and "To answer" lead to the requests."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_facilitator_journeys import CONDUCT, open_dashboard, sign_in
from tests.conftest import message_text
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, activate_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_request_to_join_reaches_the_facilitator_and_the_dashboard_leads_to_it(
    page, site, smtp_inbox, assert_accessible
):
    robin = UserFactory(email="robin@example.org", display_name="Robin", is_facilitator=True)
    secret = activate_totp(robin)
    group = SupportGroupFactory(name="Thursday Circle", join_policy="approval")
    MembershipFactory(user=robin, group=group, role="facilitator")
    morgan = UserFactory(email="morgan@example.org", display_name="Morgan")

    sign_in(page, site.url, morgan.email)
    page.goto(f"{site.url}/groups/{group.slug}/")
    page.get_by_role("link", name="Ask to join").click()
    page.get_by_label(CONDUCT).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Your request is waiting for a facilitator.")).to_be_visible()

    told = smtp_inbox.wait_for(lambda m: "robin@example.org" in m["X-Envelope-To"])
    assert told["Subject"] == "Kinship: Someone asks to join"  # discreet mode, the default
    text = message_text(told)
    assert "Morgan asks to join Thursday Circle" in text
    [answer_url] = re.findall(r"To answer .*?: (\S+)", text)
    assert answer_url.endswith(f"/groups/{group.slug}/members/#pending-title")

    page.context.clear_cookies()
    sign_in(page, site.url, robin.email, totp_secret=secret)
    open_dashboard(page, "Robin")
    assert_accessible(page)
    page.get_by_role("link", name="1 request is waiting for an answer.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.get_by_role("heading", name="Waiting for an answer (1)")).to_be_in_viewport()
    assert page.url.endswith("#pending-title")
    assert_accessible(page)

    page.go_back()
    page.get_by_role("link", name="To answer the requests to join Thursday Circle").click()
    expect(page.get_by_role("heading", name="Morgan")).to_be_visible()
    assert_accessible(page)
