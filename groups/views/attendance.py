"""Attendance and proof of attendance: the check-in list and the overview (facilitators), a
member's history and letters, and the public check of a letter's code.

The check of a code is the one page here that anyone can open. It answers a malformed, an
unknown and a revoked code with the same page, byte for byte, and is throttled per address,
so codes can neither be walked nor told apart.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record, client_ip
from groups.attendance import letters as attendance_letters
from groups.attendance import services as attendance_service
from groups.attendance.letters import (
    footnote,
    letter_get_verifiable,
    letter_issued_on,
    letter_rows,
    letter_verify_url,
    local_today,
    statement,
)
from groups.attendance.services import (
    AttendanceError,
    attendance_check_in_problem,
    attendance_record,
    letter_issue,
)
from groups.forms import LetterRequestForm, VerifyForm
from groups.meetings.joining import meeting_let_in_user_ids
from groups.models import (
    Attendance,
    AttendanceLetter,
    JoinOpening,
    Meeting,
    MeetingSeries,
    Membership,
    Rsvp,
    SupportGroup,
)
from groups.permissions import GroupAccess
from groups.selectors import (
    CHECK_IN_OPENS_BEFORE,
    CheckInPerson,
    attendance_check_in_list,
    attendance_list_for_user,
    meeting_list_with_attendance,
)
from groups.views.access import facilitator_view, meeting_runner_view
from lib.forms import form_page_status
from lib.fragments import Built, fragment_private, this_hour
from lib.ratelimit import Rate, rate_limited

MEETINGS_PER_PAGE = 25
# What the check-in list reads: a write to any of these shows on the next request.
CHECK_IN_TABLES = (Meeting, MeetingSeries, Membership, Rsvp, Attendance, User, JoinOpening)
HISTORY_PER_PAGE = 50

# At most this many code checks per address in the window: enough for an employer checking a
# handful of letters, far too few to walk a 100-bit code space.
VERIFY_ATTEMPTS = 30
VERIFY_WINDOW_SECONDS = 10 * 60
VERIFY_RATES = (Rate(VERIFY_ATTEMPTS, VERIFY_WINDOW_SECONDS, "ip"),)


# --- check-in (facilitators) ------------------------------------------------------------------


def _check_in_sections(people: list[CheckInPerson]) -> list[dict]:
    """The list split the way a facilitator scans it; empty sections are left out."""
    sections = [
        ("going", _("Said they're coming"), [p for p in people if p.rsvp == "going"]),
        ("waitlisted", _("On the waiting list"), [p for p in people if p.rsvp == "waitlisted"]),
        (
            "others",
            _("Other members"),
            [p for p in people if p.is_active_member and not p.rsvp],
        ),
        ("former", _("No longer in the group"), [p for p in people if not p.is_active_member]),
    ]
    return [{"key": k, "title": t, "people": ps} for k, t, ps in sections if ps]


def _posted_ids(request: HttpRequest) -> list[int] | None:
    """The ticked people's ids, or None when one of them is not even a number."""
    try:
        return [int(value) for value in request.POST.getlist("present")]
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@meeting_runner_view  # whoever hosts it takes its attendance, a backup too
def meeting_attendance(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    if request.method != "POST":
        return _check_in_page(request, group, access, meeting_id)
    meeting = get_object_or_404(
        Meeting.objects.select_related("series"), pk=meeting_id, group=group
    )
    context = {"group": group, "access": access, "meeting": meeting}
    problem = attendance_check_in_problem(meeting=meeting)
    if problem:
        return render(
            request,
            "groups/attendance_closed.html",
            {**context, "problem": problem},
            status=400,
        )

    ids = _posted_ids(request)
    try:
        if ids is None:
            raise AttendanceError(
                _(
                    "The form came back damaged, so nothing was saved. Please reload the "
                    "check-in list and try again."
                ),
                code="malformed",
            )
        count = attendance_record(meeting=meeting, present_user_ids=ids, by=request.user)
    except AttendanceError as exc:
        # The list again, as the facilitator ticked it, with what was wrong.
        people = attendance_check_in_list(meeting=meeting)
        return render(
            request,
            "groups/attendance_check_in.html",
            {
                **context,
                "sections": _check_in_sections(people),
                "checked": set(ids or []),
                "opened": set(),
                "pre_ticked": False,
                "error": " ".join(exc.messages),
            },
            status=400,
        )
    messages.success(
        request,
        ngettext(
            "Attendance saved: %(count)d person.", "Attendance saved: %(count)d people.", count
        )
        % {"count": count},
    )
    return redirect("groups:meeting-attendance", group.slug, meeting.pk)


def _check_in_page(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    """The check-in list, or why it cannot be taken: kept rendered for the facilitator until
    a membership, answer or attendance changes, or the list opens."""

    def page() -> Built:
        meeting = get_object_or_404(
            Meeting.objects.select_related("series"), pk=meeting_id, group=group
        )
        problem = attendance_check_in_problem(meeting=meeting)
        if problem:  # until the list opens an hour before (a cancellation is a write)
            opens = meeting.starts_at - CHECK_IN_OPENS_BEFORE
            return Built((meeting, problem, ""), until=opens if opens > timezone.now() else None)
        people = attendance_check_in_list(meeting=meeting)
        recorded = {person.user_id for person in people if person.attended}
        # Before anything is saved, those let in by their join address start ticked: the
        # facilitator checks and saves; opening the address records nothing by itself.
        opened = meeting_let_in_user_ids(meeting=meeting) & {p.user_id for p in people}
        context = {
            "group": group,
            "access": access,  # kept per person: a backup's page links to less
            "meeting": meeting,
            "sections": _check_in_sections(people),
            "checked": recorded or opened,
            "opened": opened,
            "pre_ticked": not recorded and bool(opened),
        }
        html = render_to_string("groups/fragments/_check_in_list.html", context, request)
        return Built((meeting, "", html))

    meeting, problem, html = fragment_private(
        request,
        "check-in",
        tables=CHECK_IN_TABLES,
        vary=(group.pk, meeting_id, this_hour(timezone.now())),
        build=page,
    )
    context = {"group": group, "access": access, "meeting": meeting}
    if problem:
        return render(request, "groups/attendance_closed.html", {**context, "problem": problem})
    # The list names the group's members, which is health information: each look at it is
    # kept, as for the member list; saving is audited by the service.
    audit_record(
        action=AuditEvent.Action.MEMBER_LIST_VIEWED,
        subject=None,
        actor=request.user,
        details={"group": group.pk, "meeting": meeting.pk},
    )
    return render(
        request,
        "groups/attendance_check_in.html",
        {**context, "check_in_list": mark_safe(html)},  # noqa: S308 - our templates' HTML
    )


@require_safe
@facilitator_view
def group_attendance(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    page = Paginator(meeting_list_with_attendance(group=group), MEETINGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "groups/attendance_overview.html",
        {"group": group, "access": access, "page_obj": page, "now": timezone.now()},
    )


# --- a member's history -----------------------------------------------------------------------


@login_required
@require_safe
def my_attendance(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(attendance_list_for_user(user=request.user), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "groups/attendance_history.html", {"page_obj": page})


# --- letters (the member's own) ---------------------------------------------------------------


def _own_letter(request: AuthenticatedHttpRequest, letter_id: int) -> AttendanceLetter:
    """Someone else's letter is a 404, never a 403: ids must not reveal that a letter exists."""
    return get_object_or_404(AttendanceLetter, pk=letter_id, user=request.user)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def letter_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LetterRequestForm(
        request.POST if request.method == "POST" else None,
        today=local_today(request.user.time_zone),
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter = letter_issue(
                user=request.user,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        except AttendanceError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your letter is ready. Print it or download the PDF, and give its code to "
                    "whoever needs to check it."
                ),
            )
            return redirect("groups:letter-detail", letter.pk)
    return render(
        request,
        "groups/letter_list.html",
        {
            "form": form,
            "letters": list(request.user.attendance_letters.order_by("-created_at", "-pk")),
        },
        status=form_page_status(form),
    )


def _letter_context(letter: AttendanceLetter) -> dict:
    return {
        "letter": letter,
        "rows": letter_rows(letter),
        "statement": statement(letter),
        "footnote": footnote(letter),
        "issued_on": letter_issued_on(letter),
        "verify_url": letter_verify_url(letter),
    }


@login_required
@never_cache
@require_safe
def letter_detail(request: AuthenticatedHttpRequest, letter_id: int) -> HttpResponse:
    letter = _own_letter(request, letter_id)
    return render(request, "groups/letter_detail.html", _letter_context(letter))


@login_required
@never_cache
@require_safe
def letter_pdf(request: AuthenticatedHttpRequest, letter_id: int) -> HttpResponse:
    letter = _own_letter(request, letter_id)
    response = HttpResponse(attendance_letters.letter_pdf(letter), content_type="application/pdf")
    filename = f"proof-of-attendance-{letter_issued_on(letter).isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def letter_revoke(request: AuthenticatedHttpRequest, letter_id: int) -> HttpResponse:
    letter = _own_letter(request, letter_id)
    if request.method == "POST":
        if letter.is_revoked:
            messages.info(request, _("This letter was already revoked."))
        else:
            attendance_service.letter_revoke(letter=letter)
            messages.success(
                request, _("The letter is revoked: its code no longer confirms anything.")
            )
        return redirect("groups:letter-detail", letter.pk)
    return render(request, "groups/letter_revoke.html", _letter_context(letter))


# --- checking a code (anyone) -----------------------------------------------------------------


def _private_response(response: HttpResponse) -> HttpResponse:
    """Whoever checks a code should not leak it onwards (referrer), have it indexed, or leave
    it in a shared cache."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def letter_verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return _private_response(redirect("groups:letter-verify", form.cleaned_data["code"]))
    return _private_response(
        render(
            request,
            "groups/letter_verify_form.html",
            {"form": form},
            status=form_page_status(form),
        )
    )


@require_safe
def letter_verify(request: HttpRequest, code: str) -> HttpResponse:
    if rate_limited("letter-verify", VERIFY_RATES, ip=client_ip(request)):
        response = render(request, "groups/letter_verify_throttled.html", status=429)
        response["Retry-After"] = str(VERIFY_WINDOW_SECONDS)
        return _private_response(response)
    letter = letter_get_verifiable(code=code)
    if letter is None:
        # The same page for a malformed, an unknown and a revoked code: nothing in it may
        # depend on which (not even the code itself, which is why it is not repeated).
        return _private_response(render(request, "groups/letter_verify_not_found.html", status=404))
    return _private_response(
        render(
            request,
            "groups/letter_verify.html",
            {
                "letter": letter,
                "rows": letter_rows(letter),
                "statement": statement(letter),
                "footnote": footnote(letter),
                "issued_on": letter_issued_on(letter),
            },
        )
    )
