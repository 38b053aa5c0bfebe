from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand

from resources.models import Category, Resource, Tag
from resources.starter import ALL_RESOURCES, CATEGORIES, TAGS, starter_library_seed


class Command(BaseCommand):
    help = (
        "Load or refresh the starter library: categories, tags and published resources "
        "written for Kinship. Safe to run again; unchanged resources are left as they are."
    )

    def handle(self, *args, **options) -> None:
        outcomes: Counter[str] = Counter()
        changed = starter_library_seed(outcomes=outcomes)
        categories = Category.objects.filter(slug__in=[c.slug for c in CATEGORIES]).count()
        tags = Tag.objects.filter(slug__in=list(TAGS)).count()
        published = Resource.objects.filter(
            slug__in=[r.slug for r in ALL_RESOURCES], state=Resource.State.PUBLISHED
        ).count()
        self.stdout.write(f"{categories} categories and {tags} tags")
        self.stdout.write(
            f"{outcomes['created']} resources created, {outcomes['updated']} updated, "
            f"{outcomes['unchanged']} unchanged, {outcomes['skipped']} left alone "
            "(taken out of the library by an admin)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Starter library: {published} of {len(ALL_RESOURCES)} resources published "
                f"({changed} changed by this run)"
            )
        )
