import logging

from config.logs import RedactSecretPaths


def test_tokens_in_logged_paths_are_redacted():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/accounts/export/abcDEF123-secret/",),
        None,
    )
    assert RedactSecretPaths().filter(record)
    assert record.getMessage() == "Not Found: /accounts/export/…/"


def test_other_messages_are_left_alone():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/groups/x/",), None
    )
    RedactSecretPaths().filter(record)
    assert record.getMessage() == "Not Found: /groups/x/"
