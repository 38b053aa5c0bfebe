"""The facilitator side: the dashboard, member lists and decisions, invitations, a group's
settings, archiving, announcements.

Every view about one group goes through `groups.views.access.facilitator_view`: signed in,
then the group must be visible to the person (404 otherwise, so its existence stays private),
then they must be able to facilitate it (403), then they must have a second factor (sent to
set one up).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent, User
from accounts.permissions import redirect_to_second_factor_setup
from accounts.services.audit import audit_record
from groups import emails, selectors
from groups.forms import AnnouncementForm, GroupForm, InvitationForm, MembershipDecisionForm
from groups.handovers import HandoverError, backup_end, backup_name
from groups.health import group_health_for
from groups.hosting import hosting_attach
from groups.listings import listing_confirm
from groups.models import (
    Attendance,
    HostingAnswer,
    Invitation,
    Meeting,
    MeetingSeries,
    Membership,
    Rsvp,
    SupportGroup,
)
from groups.permissions import GroupAccess, group_access, user_can_create_groups
from groups.services.groups import (
    announcement_post,
    group_archive,
    group_create,
    group_update,
    invitation_create,
    invitation_revoke,
)
from groups.services.memberships import (
    MembershipError,
    membership_approve,
    membership_decline,
    membership_promote,
    membership_remove,
)
from groups.views.access import facilitator_view, lacks_second_factor
from lib.forms import form_page_status, posted_data
from lib.fragments import Built, earliest, private_html, this_hour
from lib.urls import absolute_reverse

# --- dashboard --------------------------------------------------------------------------------


# What the dashboard reads: a write to any of these shows on the next request.
DASHBOARD_TABLES = (
    SupportGroup,
    Membership,
    Meeting,
    MeetingSeries,
    Rsvp,
    User,
    Attendance,
    HostingAnswer,
)


@login_required
@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()

    flagged = user.is_facilitator or user.is_staff
    if not flagged and not selectors.group_list_facilitated(user=user).exists():
        raise PermissionDenied("The dashboard is for facilitators.")  # nor co-facilitates
    if lacks_second_factor(request):
        return redirect_to_second_factor_setup(request)

    def page() -> Built:
        groups = list(selectors.group_list_facilitated(user=user))
        health = group_health_for(group_ids=[group.pk for group in groups], now=now)
        for group in groups:
            group.health = health[group.pk]  # type: ignore[attr-defined]
        upcoming = selectors.meeting_list_upcoming_for_facilitator(user=user, now=now)
        hosting_attach(upcoming, user=user, now=now)  # who hosts each, and the buttons
        context = {
            "groups": groups,
            "pending_total": sum(group.pending_count for group in groups),
            # Where the requests are answered: each group's member list.
            "pending_groups": [group for group in groups if group.pending_count],
            "upcoming": upcoming,
            "can_create_groups": user_can_create_groups(user),
        }
        html = render_to_string("groups/fragments/_dashboard.html", context, request)
        until = earliest(*(m.starts_at for m in upcoming), *(m.ends_at for m in upcoming))
        return Built(html, until=until)

    html = private_html(
        request,
        "dashboard",
        tables=DASHBOARD_TABLES,
        vary=(user.time_zone, this_hour(now)),
        build=page,
    )
    return render(request, "groups/facilitator_dashboard.html", {"page": html})


# --- members ----------------------------------------------------------------------------------


@require_safe
@facilitator_view
def member_list(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    memberships = list(selectors.membership_list_for_facilitators(group=group))
    # Who belongs to a recovery group is health information: each look at the list is kept.
    audit_record(
        action=AuditEvent.Action.MEMBER_LIST_VIEWED,
        subject=None,
        actor=request.user,
        details={"group": group.pk},
    )
    pending = [m for m in memberships if m.state == Membership.State.PENDING]
    return render(
        request,
        "groups/member_list.html",
        {
            "group": group,
            "access": access,
            "pending": pending,
            "others": memberships[len(pending) :],
            # The message field is a CharField.
            "message_max_length": cast(
                forms.CharField, MembershipDecisionForm.base_fields["message"]
            ).max_length,
        },
    )


DECISIONS: dict[str, tuple[Callable[..., Membership], Promise]] = {
    "approve": (
        membership_approve,
        # Translators: %(name)s is the member's display name.
        gettext_lazy("%(name)s is now a member. We have e-mailed them."),
    ),
    "decline": (
        membership_decline,
        # Translators: %(name)s is the person's display name.
        gettext_lazy("You declined %(name)s's request. We have e-mailed them."),
    ),
    "remove": (
        membership_remove,
        # Translators: %(name)s is the member's display name.
        gettext_lazy("%(name)s is no longer a member. We have e-mailed them."),
    ),
    "promote": (
        membership_promote,
        # Translators: %(name)s is the member's display name.
        gettext_lazy("%(name)s is now a co-facilitator. We have e-mailed them."),
    ),
    "backup": (
        backup_name,
        # Translators: %(name)s is the member's display name.
        gettext_lazy("%(name)s is now a backup facilitator. We have e-mailed them."),
    ),
    "end-backup": (
        backup_end,
        # Translators: %(name)s is the member's display name.
        gettext_lazy("%(name)s is no longer a backup facilitator."),
    ),
}


@require_http_methods(["GET", "POST"])
@facilitator_view
def membership_decide(
    request: AuthenticatedHttpRequest,
    group: SupportGroup,
    access: GroupAccess,
    membership_id: int,
    action: str,
) -> HttpResponse:
    if action not in DECISIONS:
        raise Http404("No such action.")
    membership = selectors.membership_get_in_group(group=group, membership_id=membership_id)
    decide, done = DECISIONS[action]
    name = membership.user.display_name
    member_list_url = reverse("groups:member-list", args=[group.slug])

    if action == "remove":
        # Removing someone is the one decision that cannot be taken back: it has its own page.
        form = MembershipDecisionForm(posted_data(request))
        if request.method == "POST" and form.is_valid():
            try:
                decide(
                    membership=membership,
                    by=request.user,
                    message=form.cleaned_data["message"],
                )
            except MembershipError as error:
                form.add_error(None, error)
            else:
                messages.success(request, str(done) % {"name": name})
                return redirect(member_list_url)
        return render(
            request,
            "groups/membership_remove.html",
            {"group": group, "access": access, "membership": membership, "form": form},
            status=form_page_status(form),
        )

    if request.method != "POST":
        return redirect(member_list_url)
    kwargs = {}
    if action in {"approve", "decline"}:
        form = MembershipDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["message"][0])  # type: ignore[arg-type]  # ErrorList[i] is a str; stubs say ValidationError too
            return redirect(member_list_url)
        kwargs["message"] = form.cleaned_data["message"]
    try:
        decide(membership=membership, by=request.user, **kwargs)
    except (MembershipError, HandoverError) as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done) % {"name": name})
    return redirect(member_list_url)


@login_required
@require_safe
def visible_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """What a member sees of the others: the facilitators, and those who chose to be seen."""
    group = get_object_or_404(SupportGroup, slug=slug)
    access = group_access(user=request.user, group=group)
    if not access.can_view_group:
        raise Http404("No such group.")
    if not access.can_see_visible_members:
        raise PermissionDenied("Only the group's members see who else is in it.")
    listed, unlisted_count = selectors.membership_list_visible_to_members(group=group)
    return render(
        request,
        "groups/people_list.html",
        {
            "group": group,
            "access": access,
            "listed": listed,
            "unlisted_count": unlisted_count,
        },
    )


# --- invitations ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@facilitator_view
def invitations(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    form = InvitationForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                group=group,
                by=request.user,
                max_uses=form.cleaned_data["max_uses"],
                lifetime=timedelta(days=form.cleaned_data["days"]),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if invitation.max_uses == 1:
                ready = _(
                    "A new invitation link is ready below. Copy it and send it to the person."
                )
            else:
                ready = _(
                    "A new invitation link is ready below. Copy it and send it to the people "
                    "you mean to invite."
                )
            messages.success(request, ready)
            return redirect("groups:invitations", group.slug)
    now = timezone.now()
    rows = [
        {
            "invitation": invitation,
            "url": absolute_reverse("groups:invitation-accept", args=[invitation.token]),
            "status": invitation.status(now=now),
        }
        for invitation in selectors.invitation_list_for_group(group=group)
    ]
    return render(
        request,
        "groups/invitation_list.html",
        {"group": group, "access": access, "form": form, "rows": rows},
        status=form_page_status(form),
    )


@require_POST
@facilitator_view
def invitation_revoke_view(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, invitation_id: int
) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id, group=group)
    invitation_revoke(invitation=invitation)
    messages.success(request, _("The link is withdrawn: nobody can join with it any more."))
    return redirect("groups:invitations", group.slug)


# --- settings ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def group_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not user_can_create_groups(request.user):
        raise PermissionDenied("Only people an admin has approved as facilitators start groups.")
    if lacks_second_factor(request):
        return redirect_to_second_factor_setup(request)
    form = GroupForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(
                creator=request.user,
                fields=form.group_fields(),
                topics=list(form.cleaned_data["topics"]),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Your group is ready. You are its first facilitator."))
            return redirect("groups:group-detail", group.slug)
    return render(
        request,
        "groups/group_form.html",
        {"form": form, "group": None, "layout": "base.html"},
        status=form_page_status(form),
    )


@require_http_methods(["GET", "POST"])
@facilitator_view
def group_settings(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    # Bind to a copy: a rejected form must not leave half-applied values on `group`.
    form = GroupForm(posted_data(request), instance=SupportGroup.objects.get(pk=group.pk))
    if request.method == "POST" and form.is_valid():
        try:
            group_update(
                group=group,
                fields=form.group_fields(),
                topics=list(form.cleaned_data["topics"]),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The group's settings are saved."))
            return redirect("groups:group-settings", group.slug)
    return render(
        request,
        "groups/group_form.html",
        {
            "form": form,
            "group": group,
            "access": access,
            "layout": "groups/facilitate_base.html",
        },
        status=form_page_status(form),
    )


@require_http_methods(["GET", "POST"])
@facilitator_view
def group_archive_view(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    if not access.can_archive:
        raise PermissionDenied("Only admins can archive a group.")
    if request.method == "POST":
        group_archive(group=group, by=request.user)
        messages.success(
            request,
            # Translators: %(name)s is the group's name.
            _("%(name)s is archived: it has left the directory and takes no members.")
            % {"name": group.name},
        )
        return redirect("groups:group-detail", group.slug)
    return render(request, "groups/group_archive.html", {"group": group, "access": access})


@require_POST
@facilitator_view
def listing_confirm_view(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    """A facilitator's "Yes, it still meets" (groups.listings)."""
    if not access.can_see_health:
        raise PermissionDenied("Only the group's facilitators answer for it.")
    if listing_confirm(group=group, by=request.user):
        # Translators: %(name)s is the group's name.
        text = _("Thank you. %(name)s is back in the directory and the meeting feeds.")
    else:
        # Translators: %(name)s is the group's name.
        text = _("Thank you. %(name)s stays listed.")
    messages.success(request, text % {"name": group.name})
    return redirect("groups:dashboard")


# --- announcements ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@facilitator_view
def announcement_create(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    form = AnnouncementForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            announcement_post(
                group=group,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            count = emails.announcement_recipients(group=group, author_id=request.user.pk).count()
            messages.success(
                request,
                ngettext(
                    "Posted and e-mailed to %(count)d member.",
                    "Posted and e-mailed to %(count)d members.",
                    count,
                )
                % {"count": count},
            )
            return redirect("groups:group-detail", group.slug)
    return render(
        request,
        "groups/announcement_form.html",
        {"form": form, "group": group, "access": access},
        status=form_page_status(form),
    )
