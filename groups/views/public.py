from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    # The directory arrives with the groups issue; until then it shows its empty state.
    return render(request, "groups/group_list.html")


@login_required
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/my_meetings.html")
