"""The "Your data" and "Delete account" pages in each of their states: our page shell, no
e-mail address on show, and valid HTML (Nu Html Checker)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.services.export_requests import export_request
from accounts.services.exports import export_build
from accounts.services.users import DELETION_CHECKS
from tests.conftest import sign_in_recently
from tests.factories import activate_totp
from tests.test_html_valid import assert_valid_html
from tests.test_pages import assert_page_shell

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_pages(member, monkeypatch) -> dict[str, str]:
    """Every state of both pages, as the member sees them."""
    client = Client()
    sign_in_recently(client, member)
    export_url, delete_url = reverse("accounts:export"), reverse("accounts:delete")
    pages = {"export-none": client.get(export_url)}
    export = export_request(user=member)
    pages["export-pending"] = client.get(export_url)
    export_build(export_id=export.pk)
    pages["export-ready"] = client.get(export_url)
    pages["delete"] = client.get(delete_url)
    with time_machine.travel(export.expires_at + timedelta(minutes=1)):
        later = Client()
        sign_in_recently(later, member)
        download_url = reverse("accounts:export-download", args=[export.token])
        pages["export-expired"] = later.get(download_url)
    activate_totp(member)
    pages["delete-errors"] = client.post(delete_url, {"password": "wrong-one", "code": "1"})
    monkeypatch.setitem(DELETION_CHECKS, "test", lambda user: ["Hand your group over first."])
    pages["delete-blocked"] = client.get(delete_url)
    expected = {"export-expired": 410}
    for name, response in pages.items():
        assert response.status_code == expected.get(name, 200), name
    return {name: response.content.decode() for name, response in pages.items()}


def test_each_state_has_the_page_shell_and_hides_the_email(data_pages, member):
    for name, html in data_pages.items():
        assert_page_shell(html)
        assert member.email not in html, name


def test_each_state_is_valid_html(data_pages, tmp_path):
    assert_valid_html(data_pages, tmp_path)
