"""Factories and helpers of the library's tests: categories, tags and resources (published
unless told), with their full-text vectors kept as the curation service keeps them."""

from __future__ import annotations

import factory
import pytest
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from resources.models import Category, Resource, Tag
from resources.services.curation import reading_minutes, resource_index
from tests.factories import activate_totp


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published article. Pass `state=...` for the other states, `categories=[...]` and
    `tags=[...]` for its labels."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Reading number {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    kind = Resource.Kind.ARTICLE
    summary = "A short piece for people finding their way."
    body = "Some plain words about getting through the week, one day at a time."
    state = Resource.State.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.state == Resource.State.PUBLISHED else None
    )
    reading_minutes = factory.LazyAttribute(lambda o: reading_minutes(o.body))

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            resource_index(self)


def search_vector_expression():
    """The same weighted vector as resources.services.curation.resource_index."""
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )


def index_all() -> None:
    """Refresh every resource's vector in one statement (rows made with bulk_create)."""
    if connection.vendor == "postgresql":
        Resource.objects.update(search_vector=search_vector_expression())


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def other_admin(db):
    from tests.factories import UserFactory

    return UserFactory(display_name="Jordan", is_staff=True, is_superuser=True)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def staff_client(client, admin_user):
    # Admins need a second factor for the admin; the library's pages don't ask, but an admin
    # as in real life has one.
    activate_totp(admin_user)
    client.force_login(admin_user)
    return client
