"""The way back after setting up a second factor (accounts.permissions)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from accounts.permissions import second_factor_next_take

register = template.Library()


@register.simple_tag
def second_factor_next(request: HttpRequest) -> str:
    return second_factor_next_take(request)
