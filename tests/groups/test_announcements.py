"""Announcements: a facilitator posts to the group; members read it on the group page and get
it by e-mail (with a subject that names nothing in discreet mode)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from groups.models import Announcement
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, activate_totp
from tests.test_discreet_mode import assert_discreet

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Ketamine Recovery Tuesdays")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


def post_announcement(client, group, **data):
    return client.post(
        reverse("groups:announcement-create", args=[group.slug]),
        {"title": "No meeting next week", "body": "We take a **break**.", **data},
    )


def test_an_announcement_is_emailed_to_every_active_member_but_its_author(
    fac_client, facilitator, group, django_capture_on_commit_callbacks
):
    active = [
        MembershipFactory(group=group, user=UserFactory(email=f"a{i}@example.org")).user
        for i in range(3)
    ]
    co = MembershipFactory(group=group, role="facilitator", user=UserFactory(email="co@x.org"))
    MembershipFactory(group=group, state="pending", user=UserFactory(email="pending@x.org"))
    MembershipFactory(group=group, state="left", user=UserFactory(email="left@x.org"))
    MembershipFactory(group=group, state="removed", user=UserFactory(email="removed@x.org"))
    MembershipFactory(user=UserFactory(email="elsewhere@x.org"))  # another group

    with django_capture_on_commit_callbacks(execute=True):
        response = post_announcement(fac_client, group)

    assert response.status_code == 302
    assert response["Location"] == reverse("groups:group-detail", args=[group.slug])
    announcement = Announcement.objects.get()
    assert (announcement.group, announcement.author) == (group, facilitator)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([u.email for u in active] + [co.user.email])
    assert facilitator.email not in recipients
    followed = fac_client.get(response["Location"])
    assert "Posted and e-mailed to 4 members." in followed.content.decode()


def test_the_subject_names_the_group_only_for_members_without_discreet_mode(
    fac_client, group, django_capture_on_commit_callbacks
):
    discreet = MembershipFactory(group=group, user=UserFactory(email="quiet@example.org")).user
    open_user = UserFactory(email="open@example.org", discreet_mode=False)
    MembershipFactory(group=group, user=open_user)

    with django_capture_on_commit_callbacks(execute=True):
        post_announcement(fac_client, group, title="Cravings after a relapse")

    by_address = {message.to[0]: message for message in mail.outbox}
    quiet = by_address[discreet.email]
    assert_discreet(quiet)
    assert "Ketamine" not in quiet.subject and "Cravings" not in quiet.subject
    # The message itself still says what it is about.
    assert "Ketamine Recovery Tuesdays" in quiet.body
    assert "Cravings after a relapse" in quiet.body
    assert "We take a break." in quiet.body  # the Markdown as words
    assert "Ketamine Recovery Tuesdays" in by_address["open@example.org"].subject


def test_members_read_the_announcement_on_the_group_page_sanitised(
    fac_client, client, member, group, outsider
):
    MembershipFactory(user=member, group=group)
    post_announcement(
        fac_client,
        group,
        title="Reading for Thursday",
        body=(
            "Please read [this article](https://example.org/read).\n\n"
            "<script>alert('x')</script> [trap](javascript:alert(1)) "
            '<a href="javascript:alert(2)" onclick="alert(3)">more</a>'
        ),
    )

    client.force_login(member)
    html = client.get(reverse("groups:group-detail", args=[group.slug])).content.decode()
    assert "Reading for Thursday" in html
    assert '<a href="https://example.org/read"' in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onclick" not in html

    client.force_login(outsider)
    html = client.get(reverse("groups:group-detail", args=[group.slug])).content.decode()
    assert "Reading for Thursday" not in html


def test_an_empty_or_overlong_announcement_is_a_form_error(fac_client, group):
    response = post_announcement(fac_client, group, title="t" * 121)
    assert response.status_code == 400
    assert "at most 120 characters" in response.content.decode()
    response = post_announcement(fac_client, group, body="")
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Announcement.objects.exists()


def test_members_and_facilitators_of_other_groups_cannot_post(
    client, member, group, django_capture_on_commit_callbacks
):
    MembershipFactory(user=member, group=group)
    activate_totp(member)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_announcement(client, group).status_code == 403

    other = MembershipFactory(role="facilitator", user=UserFactory(is_facilitator=True)).user
    activate_totp(other)
    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_announcement(client, group).status_code == 403

    assert not Announcement.objects.exists()
    assert mail.outbox == []


MARKDOWN = (
    "We **won't** meet. See [page](https://example.org/page) for more.\n\n"
    "- bring a friend\n- bring *tea*\n\n> Be kind."
)


def test_an_announcements_markdown_is_mailed_as_words_and_as_the_sites_html(
    fac_client, group, django_capture_on_commit_callbacks
):
    MembershipFactory(group=group, user=UserFactory(discreet_mode=False))
    with django_capture_on_commit_callbacks(execute=True):
        post_announcement(fac_client, group, body=MARKDOWN)

    [message] = mail.outbox
    text = message.body
    assert "We won't meet. See page (https://example.org/page) for more." in text
    assert "- bring a friend\n- bring tea\n" in text
    assert "> Be kind." in text
    assert "**" not in text and "](" not in text and "*tea*" not in text

    [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert "<strong>won't</strong>" in html or "<strong>won&#39;t</strong>" in html
    assert '<a href="https://example.org/page" rel="nofollow noopener noreferrer">page</a>' in html
    assert "<li>bring <em>tea</em></li>" in html
    assert "**" not in html and "](" not in html and "page](" not in html
    assert html.count("<html") == 1  # its own HTML part, not one made from the text
