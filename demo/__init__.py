"""Demo data for trying Kinship out: `python manage.py seed_demo` (idempotent). It sits above
every other app and may use all of them; nothing imports it."""
