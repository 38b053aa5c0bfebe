"""Every HTML answer carries the same security headers, error pages included: also the 400
that Django makes for an unknown Host in the middle of the middleware chain."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from tests.factories import UserFactory

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
]


def broken_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault")


# The site's URLs and one page that fails, for the 500 page (see the urls marker below).
urlpatterns = [path("broken/", broken_page), path("", include("config.urls"))]
handler500 = "config.views.server_error"


def security_headers(response: HttpResponse) -> dict[str, str]:
    return {name: response[name] for name in SECURITY_HEADERS if name in response}


@pytest.fixture(autouse=True)
def _hsts(settings):
    settings.SECURE_HSTS_SECONDS = 3600  # as in production, so HSTS is compared too


@pytest.fixture
def page_headers(db):
    """The headers of a normal page, over HTTPS: what every other answer must carry."""
    headers = security_headers(Client().get("/", secure=True))
    assert set(headers) == set(SECURITY_HEADERS)
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    return headers


def test_the_400_for_an_unknown_host_is_our_page_with_every_security_header(page_headers):
    response = Client().get("/", secure=True, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "We couldn't understand that request" in response.content.decode()
    assert security_headers(response) == page_headers


def test_the_400_for_an_unknown_host_over_http_has_the_headers_of_a_page_over_http(settings, db):
    # Over HTTP with the production setting, SecurityMiddleware's own HTTPS redirect is what
    # reads the Host header and fails.
    settings.SECURE_SSL_REDIRECT = True
    redirect = Client().get("/")
    assert redirect.status_code == 301

    response = Client().get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "We couldn't understand that request" in response.content.decode()
    expected = {name for name in SECURITY_HEADERS if name != "Strict-Transport-Security"}
    assert set(security_headers(response)) == expected  # HSTS is for HTTPS answers only
    assert security_headers(response) == security_headers(redirect)


def test_the_404_page_carries_every_security_header(page_headers):
    response = Client().get("/no-such-page/", secure=True)

    assert response.status_code == 404
    assert security_headers(response) == page_headers


def test_the_403_page_carries_every_security_header(page_headers):
    client = Client()
    client.force_login(UserFactory())

    response = client.get("/facilitate/", secure=True)

    assert response.status_code == 403
    assert security_headers(response) == page_headers


def test_a_rejected_form_carries_every_security_header(page_headers):
    client = Client(enforce_csrf_checks=True)
    assert client.get("/accounts/login/", secure=True).status_code == 200  # its CSRF cookie

    response = client.post(
        "/accounts/login/",
        {"login": "a@example.org", "password": "x"},  # and no CSRF token
        secure=True,
        HTTP_REFERER="https://testserver/accounts/login/",
    )

    assert response.status_code == 403
    assert "We could not accept that form" in response.content.decode()
    assert security_headers(response) == page_headers


@pytest.mark.urls(__name__)
def test_the_500_page_carries_every_security_header(page_headers):
    response = Client(raise_request_exception=False).get("/broken/", secure=True)

    assert response.status_code == 500
    assert security_headers(response) == page_headers
