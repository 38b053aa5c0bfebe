"""The frame of a group's facilitator tools (templates/groups/facilitate_base.html)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from groups.models import SupportGroup
from lib.fragments import Built, html_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def facilitator_subnav(context: template.Context, group: SupportGroup) -> SafeString:
    """The sub-navigation naming the group, with the current page marked: the same for every
    facilitator, so kept rendered per group and page until a group changes (its name). A
    backup facilitator running a meeting (attendance, the room) sees only the way back to
    the group: the other tools are the facilitators'."""
    request = context["request"]
    here = request.resolver_match.view_name if request.resolver_match else ""
    access = context.get("access")
    full = access is None or access.can_facilitate
    return html_fragment(
        "facilitator-subnav",
        tables=(SupportGroup,),
        vary=(group.pk, here, full),
        build=lambda: Built(
            render_to_string(
                "groups/fragments/_facilitator_subnav.html",
                {"group": group, "here": here, "full": full},
            )
        ),
    )
