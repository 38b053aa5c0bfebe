from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    # The library arrives with the resources issue; until then it shows its empty state.
    return render(request, "resources/resource_list.html")
