"""Every page is valid HTML, checked by the Nu Html Checker (vnu.jar from the npm package)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import skip_or_fail
from tests.test_pages import MEMBER_PAGES, PUBLIC_PAGES

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def assert_valid_html(pages: dict[str, str], folder: Path) -> None:
    """Check each page (name -> HTML) with the Nu Html Checker; fail listing every error."""
    java = shutil.which("java")
    if not java or not VNU.exists():
        skip_or_fail("HTML validation needs java and node_modules/vnu-jar (npm ci)")
    assert java is not None  # skip_or_fail does not return
    files = []
    for name, html in pages.items():
        path = folder / f"{name.replace(':', '-')}.html"
        path.write_text(html)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr or result.stdout


@pytest.mark.django_db
def test_every_page_is_valid_html(client, member, tmp_path):
    pages: dict[str, str] = {}
    for name in PUBLIC_PAGES:
        pages[name] = client.get(reverse(name)).content.decode()
    pages["404"] = client.get("/no-such-page/").content.decode()
    client.force_login(member)
    for name in MEMBER_PAGES:
        pages[f"member-{name}"] = client.get(reverse(name)).content.decode()

    assert_valid_html(pages, tmp_path)
