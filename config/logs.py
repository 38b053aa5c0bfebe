import logging
import time


class UTCFormatter(logging.Formatter):
    """Timestamps in UTC with a Z, whatever the process's local zone: operators compare logs."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
