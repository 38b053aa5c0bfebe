"""Every page is valid HTML, checked by the Nu Html Checker (vnu.jar from the npm package)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import skip_or_fail
from tests.test_pages import MEMBER_PAGES, PUBLIC_PAGES

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def assert_valid_html(pages: dict[str, str], folder: Path) -> None:
    """Check each page (name -> HTML) with the Nu Html Checker; fail listing every error."""
    java = shutil.which("java")
    if not java or not VNU.exists():
        skip_or_fail("HTML validation needs java and node_modules/vnu-jar (npm ci)")
    assert java is not None  # skip_or_fail does not return
    files = []
    for name, html in pages.items():
        path = folder / f"{name.replace(':', '-')}.html"
        path.write_text(html)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr or result.stdout


@pytest.mark.django_db
def test_every_page_is_valid_html(client, member, tmp_path):
    pages: dict[str, str] = {}
    for name in PUBLIC_PAGES:
        pages[name] = client.get(reverse(name)).content.decode()
    pages["404"] = client.get("/no-such-page/").content.decode()
    client.force_login(member)
    for name in MEMBER_PAGES:
        pages[f"member-{name}"] = client.get(reverse(name)).content.decode()

    assert_valid_html(pages, tmp_path)


@pytest.mark.django_db
def test_the_html_part_of_our_messages_is_valid_html(tmp_path, django_capture_on_commit_callbacks):
    """The HTML a mail client shows: an announcement's (its own, from Markdown) and a
    reminder's (made from its text)."""
    from django.core import mail

    from groups.services.groups import announcement_post
    from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory
    from tests.notifications.test_outbox_mime import a_reminder

    group = SupportGroupFactory(name="Harbour Circle")
    author = UserFactory()
    MembershipFactory(user=author, group=group, role="facilitator")
    MembershipFactory(user=UserFactory(discreet_mode=False), group=group)
    MembershipFactory(user=UserFactory(discreet_mode=True), group=group)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        announcement_post(
            group=group,
            author=author,
            title="No meeting <next> week",
            body="We **won't** meet. See [page](https://example.org/p).\n\n- one\n- two\n\n"
            "> Be kind.\n\n## Later\n\n<script>alert(1)</script>",
        )
    messages = [*mail.outbox, a_reminder()]
    pages = {}
    for number, message in enumerate(messages):
        [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
        pages[f"mail-{number}"] = html
    assert len(pages) == 3
    assert_valid_html(pages, tmp_path)
