"""Kinship's Spanish formats (FORMAT_MODULE_PATH): "2 de diciembre de 2026", the 24-hour
clock as written Spanish has it ("19:00 EST"); weekday and month names in lower case come
from Django's own Spanish catalogue."""

DATE_FORMAT = r"j \d\e F \d\e Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
FIRST_DAY_OF_WEEK = 0  # domingo, as calendars in the United States have it
DECIMAL_SEPARATOR = "."  # as Spanish is written in the United States and Mexico
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
