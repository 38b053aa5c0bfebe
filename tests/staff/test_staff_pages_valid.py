"""Every page of the admin area is valid HTML (the Nu Html Checker), with rows and empty."""

import pytest
from django.urls import reverse

from groups.models import Report
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, activate_totp
from tests.resources.conftest import ResourceFactory
from tests.test_html_valid import assert_valid_html

pytestmark = pytest.mark.django_db


def test_every_admin_area_page_is_valid_html(client, admin_user, member, tmp_path):
    activate_totp(admin_user)
    client.force_login(admin_user)
    pages = {}
    for name in ("staff:index", "staff:report-list", "staff:review-list", "staff:request-list"):
        pages[f"empty-{name}"] = client.get(reverse(name)).content.decode()

    group = SupportGroupFactory(name="Harbour Circle")
    person = UserFactory(display_name="Casey")
    report = Report.objects.create(
        reporter=member, group=group, person=person, reason="safety", text="Line one\nLine two"
    )
    resource = ResourceFactory(state="in_review", author=UserFactory(), body="# Heading\n\nText")
    membership = MembershipFactory(group=group, state="pending", request_message="Hello")
    urls = {
        "index": reverse("staff:index"),
        "reports": reverse("staff:report-list"),
        "reports-open": reverse("staff:report-list") + "?status=open",
        "report": reverse("staff:report-detail", args=[report.pk]),
        "resolve": reverse("staff:report-resolve", args=[report.pk]),
        "review": reverse("staff:review-list"),
        "resource": reverse("staff:review-detail", args=[resource.pk]),
        "return": reverse("staff:review-return", args=[resource.pk]),
        "requests": reverse("staff:request-list"),
        "decline": reverse("staff:request-decline", args=[membership.pk]),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[name] = response.content.decode()
    pages["report-invalid"] = client.post(urls["report"], {"status": "x"}).content.decode()

    assert_valid_html(pages, tmp_path)
