from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

WHITENOISE_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.django_db
def test_static_files_get_hashed_compressed_names_served_by_whitenoise(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": WHITENOISE_STORAGE}}
    call_command("collectstatic", "--no-input", verbosity=0)

    html = Client().get("/").content.decode()

    hashed = [p.name for p in Path(settings.STATIC_ROOT, "css").glob("site.*.css")]
    assert hashed, "collectstatic wrote no hashed stylesheet"
    assert f"/static/css/{hashed[0]}" in html
    assert Path(settings.STATIC_ROOT, "css", hashed[0] + ".gz").exists()
    assert "/static/vendor/htmx/htmx.min." in html

    response = Client().get(f"/static/css/{hashed[0]}")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
