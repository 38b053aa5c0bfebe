"""The door to an online meeting (a member's join address) and the reminder's one-tap "I
can't make it" with its undo: pages that work without signing in, because the address or
the signed link is the key."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.services.audit import client_ip
from groups.meetings.joining import (
    Door,
    join_address_url,
    join_addresses_for,
    join_door,
    join_door_meetings,
    member_place,
)
from groups.meetings.places import meeting_place, series_place
from groups.meetings.rsvp_links import (
    CantMakeItLink,
    LinkExpired,
    UndoLink,
    cant_make_it_read,
    undo_read,
    undo_token,
)
from groups.models import JoinAddress, JoinOpening, Membership
from groups.services.errors import MeetingError
from groups.services.online import join_opening_record
from groups.services.rsvps import rsvp_cant_make_it, rsvp_cant_make_it_undo
from lib.ratelimit import Rate, rate_limited
from lib.responses import private_response

Outcome = JoinOpening.Outcome

# A member opens their address a few times around the start, and the waiting page reloads
# once when the room opens; a shared network (a treatment centre) many times.
JOIN_RATES = (Rate(30, 600, "key"), Rate(120, 600, "ip"))
CANT_MAKE_IT_RATES = (Rate(10, 600, "key"), Rate(60, 600, "ip"))

# The status of each door: a page a member is meant to see is 200; one that says they may
# not come in is 403 (a link checker, or the member's browser, then knows it did not work).
DOOR_STATUS = {Outcome.REVOKED: 403, Outcome.NOT_MEMBER: 403, Outcome.OTHER_PERSON: 403}


def _with_form(response: HttpResponse) -> HttpResponse:
    return private_response(response, referrer="same-origin")


def _too_many(request: HttpRequest) -> HttpResponse:
    return private_response(render(request, "groups/join_too_many.html", status=429))


@require_safe
def join_address_open(request: HttpRequest, token: str) -> HttpResponse:
    """A member's join address (groups.meetings.joining has the rules). Signed in or not,
    the token says whose it is; someone signed in as another person is not let in on it."""
    if rate_limited("join-address", JOIN_RATES, key=token, ip=client_ip(request)):
        return _too_many(request)
    address = (
        JoinAddress.objects.select_related("user", "series__group")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if address is None:
        return private_response(render(request, "groups/join_unknown.html", status=404))
    series, member, now = address.series, address.user, timezone.now()
    group = series.group
    membership = Membership.objects.filter(user=member, group=group).first()
    is_member = bool(membership and membership.is_active and group.is_active)
    meetings = join_door_meetings(series=series, now=now)
    if request.user.is_authenticated and request.user.pk != member.pk:
        door = Door(Outcome.OTHER_PERSON)
    else:
        door = join_door(
            series=series,
            meetings=meetings,
            now=now,
            revoked=address.is_revoked,
            is_member=is_member,
            # A locked room still lets in those who host: its facilitators and backups.
            is_facilitator=bool(membership and membership.can_host),
        )
    join_opening_record(
        address=address,
        meeting=door.meeting,
        outcome=door.outcome,
        ip=client_ip(request),
        now=now,
    )
    if door.lets_in:
        return private_response(HttpResponseRedirect(door.link))
    own_address = ""
    if door.outcome == Outcome.OTHER_PERSON and request.user.is_authenticated:
        own = Membership.objects.filter(
            user_id=request.user.pk, group=group, state=Membership.State.ACTIVE
        ).exists()
        if own:
            mine = join_addresses_for(user=request.user, series=[series]).get(series.pk)
            own_address = join_address_url(mine) if mine is not None else ""
    shown = door.meeting or door.next_meeting
    place = member_place(
        meeting_place(shown) if shown is not None else series_place(series), join_url=""
    )
    context = {
        "door": door,
        "series": series,
        "group": group,
        "member": member,
        "discreet": member.discreet_mode,
        "zone": member.time_zone,
        "place": place,
        "own_address": own_address,
        "seconds_left": (
            int((door.opens_at - now).total_seconds())
            if door.opens_at is not None and door.opens_at > now
            else 0
        ),
    }
    return private_response(
        render(request, "groups/join_door.html", context, status=DOOR_STATUS.get(door.outcome, 200))
    )


# --- "I can't make it" ---------------------------------------------------------------------


def _link_problem(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return _with_form(
        render(
            request,
            "groups/cant_make_it_invalid.html",
            {"expired": expired},
            status=410 if expired else 404,
        )
    )


def _signed_link(
    request: HttpRequest, token: str, read: Callable[..., CantMakeItLink | UndoLink]
) -> tuple[CantMakeItLink | UndoLink | None, HttpResponse | None]:
    """The link `token` stands for, or the page that says why it does not work (too many
    tries, not ours, its meeting started)."""
    if rate_limited("cant-make-it", CANT_MAKE_IT_RATES, key=token, ip=client_ip(request)):
        return None, _too_many(request)
    try:
        return read(token, now=timezone.now()), None
    except LinkExpired:
        return None, _link_problem(request, expired=True)
    except LookupError:
        return None, _link_problem(request, expired=False)


def _link_context(link: CantMakeItLink | UndoLink, token: str) -> dict[str, object]:
    return {
        "meeting": link.meeting,
        "member": link.user,
        "discreet": link.user.discreet_mode,
        "zone": link.user.time_zone,
        "token": token,
    }


@require_http_methods(["GET", "POST"])
def cant_make_it(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for the one confirming tap (a mail scanner's GET changes nothing); POST says
    not going, gives the place to the first person waiting, calls off the member's waiting
    reminders, and offers the undo."""
    link, problem = _signed_link(request, token, cant_make_it_read)
    if not isinstance(link, CantMakeItLink):
        return cast(HttpResponse, problem)
    user, meeting = link.user, link.meeting
    context = _link_context(link, token)
    if request.method == "POST":
        try:
            done = rsvp_cant_make_it(user=user, meeting=meeting)
        except MeetingError as refused:
            context["error"] = refused.message
            return _with_form(render(request, "groups/cant_make_it.html", context, status=409))
        context |= {
            "done": True,
            "undo_token": undo_token(
                user=user,
                meeting=meeting,
                previous=done.previous,
                waitlisted_at=done.waitlisted_at,
            ),
            "had_place": done.previous is not None,
        }
    return _with_form(render(request, "groups/cant_make_it.html", context))


@require_http_methods(["GET", "POST"])
def cant_make_it_undo(request: HttpRequest, token: str) -> HttpResponse:
    """The undo of "I can't make it": GET asks to confirm, POST puts the answer back as it
    was, until the meeting starts, unless the place has gone to someone waiting."""
    link, problem = _signed_link(request, token, undo_read)
    if not isinstance(link, UndoLink):
        return cast(HttpResponse, problem)
    user, meeting = link.user, link.meeting
    context = {**_link_context(link, token), "previous": link.previous}
    status = 200
    if request.method == "POST":
        try:
            rsvp = rsvp_cant_make_it_undo(
                user=user,
                meeting=meeting,
                previous=link.previous,
                waitlisted_at=link.waitlisted_at,
            )
        except MeetingError as refused:
            context |= {"error": refused.message, "place_taken": refused.code == "place_taken"}
            status = 409
        else:
            context |= {"undone": True, "rsvp": rsvp}
    return _with_form(render(request, "groups/cant_make_it_undo.html", context, status=status))
