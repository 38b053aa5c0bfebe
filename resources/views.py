"""The library: the front page, filters and search, a resource's page, saving resources, a
member's saved list, facilitators' suggestions and a group's shared resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from groups.models import SupportGroup
from groups.permissions import GroupAccess
from groups.views.access import facilitator_view
from lib.forms import form_page_status, posted_data
from lib.fragments import Built, fragment, html_fragment
from resources.forms import AttachForm, LibraryFilterForm, SuggestForm
from resources.models import Category, Resource, Tag
from resources.selectors import (
    bookmark_list_for_user,
    category_list_with_counts,
    resource_get_for_page,
    resource_is_saved,
    resource_links_for_group,
    resource_list_featured,
    resource_list_hotlines,
    resource_list_library,
    resource_list_related,
    resource_versions,
)
from resources.services.curation import resource_suggest
from resources.services.members import (
    bookmark_add,
    bookmark_remove,
    group_resource_attach,
    group_resource_detach,
)
from resources.validators import sniff

if TYPE_CHECKING:
    from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import facilitator_required

PER_PAGE = 20


# What the library's pages read: a write to any of these shows on the next request.
LIBRARY_TABLES = (
    Resource,
    Resource.categories.through,
    Resource.tags.through,
    Category,
    Tag,
)


@require_safe
def resource_list(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET)
    filters = form.filters()
    refused = form.refused()
    is_filtered = refused or any(filters.values())

    def library() -> Built:
        resources = Resource.objects.none() if refused else resource_list_library(**filters)
        page = Paginator(resources, PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "form": form,
            "page_obj": page,
            "is_filtered": is_filtered,
            "is_refused": refused,
            "filters_chosen": sum(
                len(filters[key]) for key in ("kinds", "audiences", "categories", "tags")
            ),
            "words": filters["q"],
            "hotlines": resource_list_hotlines(),
            "categories": category_list_with_counts(),
            "featured": [] if is_filtered else resource_list_featured(),
        }
        return Built(render_to_string("resources/fragments/_library.html", context, request))

    asked = sorted((key, sorted(values)) for key, values in request.GET.lists())
    context = {
        "words": filters["q"],
        "library": html_fragment("library", tables=LIBRARY_TABLES, vary=asked, build=library),
    }
    response = render(
        request, "resources/resource_list.html", context, status=400 if refused else 200
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user

    def page() -> Built:
        resource = resource_get_for_page(slug=slug, user=user)  # 404 for who may not see it
        related = resource_list_related(resource=resource)
        body = render_to_string(
            "resources/fragments/_resource_body.html",
            {
                "resource": resource,
                "related": related,
                "versions": resource_versions(resource=resource),
            },
            request,
        )
        return Built((resource, body))

    if user.is_authenticated:  # their save button; an admin also sees drafts
        resource, body = page().value
        is_saved = resource_is_saved(user=user, resource=resource)
    else:  # every visitor sees the same
        resource, body = fragment("resource-page", tables=LIBRARY_TABLES, vary=(slug,), build=page)
        is_saved = False
    return render(
        request,
        "resources/resource_detail.html",
        {"resource": resource, "body": mark_safe(body), "is_saved": is_saved},  # noqa: S308
    )


# What a file is served as, from its content (resources.validators), never from its name.
FILE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


@require_safe
def resource_file(request: HttpRequest, slug: str) -> FileResponse:
    """A resource's uploaded file, through Django rather than from the media folder: a
    draft's file is as private as its page (404), in development and in production alike."""
    resource = resource_get_for_page(slug=slug, user=request.user)
    if not resource.file:
        raise Http404("This resource has no file.")
    handle = resource.file.open("rb")
    kind = sniff(handle.read(16))
    handle.seek(0)
    if kind is None:
        handle.close()
        raise Http404("This file cannot be shown.")
    response = FileResponse(
        handle, content_type=FILE_TYPES[kind], filename=f"{resource.slug}.{kind}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def resource_save_toggle(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    resource = resource_get_for_page(slug=slug, user=request.user)
    if request.POST.get("action") == "remove":
        bookmark_remove(user=request.user, resource=resource)
        messages.success(
            request,
            _("“%(title)s” is no longer in your saved resources.") % {"title": resource.title},
        )
    else:
        try:
            bookmark_add(user=request.user, resource=resource)
        except ValidationError as refused:
            messages.error(request, refused.message)
        else:
            # Translators: "Saved" is the name of the member's list of saved resources.
            messages.success(
                request, _("Saved “%(title)s”. Find it under Saved.") % {"title": resource.title}
            )
    return redirect("resources:resource-detail", slug=resource.slug)


@login_required
@require_safe
def saved_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(bookmark_list_for_user(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "resources/saved_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@facilitator_required
def resource_suggest_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Facilitators (and admins), with their second factor as for every facilitator tool."""
    form = SuggestForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        resource_suggest(facilitator=request.user, **form.cleaned_data)
        messages.success(
            request,
            _(
                "Thank you. Your suggestion went to the admins as a draft; they review every "
                "resource before it appears in the library."
            ),
        )
        return redirect("resources:resource-list")
    return render(
        request, "resources/suggest_form.html", {"form": form}, status=form_page_status(form)
    )


@require_http_methods(["GET", "POST"])
@facilitator_view
def group_resources(
    request: AuthenticatedHttpRequest, group: SupportGroup, access: GroupAccess
) -> HttpResponse:
    form = AttachForm(posted_data(request), group=group)
    remove = request.POST.get("remove", "") if request.method == "POST" else ""
    if remove:
        if not remove.isdigit():
            return HttpResponseBadRequest(_("That is not a shared resource of this group."))
        group_resource_detach(group=group, link_id=int(remove))
        messages.success(request, _("The resource is no longer shared."))
        return redirect("resources:group-resources", slug=group.slug)
    if request.method == "POST" and form.is_valid():
        resource = form.cleaned_data["resource"]
        meeting = form.cleaned_data["meeting"]
        group_resource_attach(group=group, resource=resource, by=request.user, meeting=meeting)
        if meeting:
            shared = _("“%(title)s” is now on that meeting's page for members.")
        else:
            shared = _("“%(title)s” is now on the group's page for members.")
        messages.success(request, shared % {"title": resource.title})
        return redirect("resources:group-resources", slug=group.slug)
    links = resource_links_for_group(group=group)
    return render(
        request,
        "resources/group_resources.html",
        {"group": group, "access": access, "form": form, "links": links},
        status=form_page_status(form),
    )
