"""Time: one clock for every core and plugin path, always timezone-aware (sqlmodel rejects
naive datetimes), and the deployment's zone for "today" (Beijing time unless configured).

``utcnow()`` is the clock's now. Tests set and advance it (``core.testing`` fixture ``clock``)
so that due dates, overdue lists and escalations are tested without sleeping; nothing else
may read the system time for business purposes. Leases and timeouts between processes use
``time.monotonic``/the system clock on purpose: they measure whether a process is alive.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"


class Clock:
    """The system time, or a time set by a test (frozen until advanced), or any source."""

    def __init__(self):
        self._source = None
        self.zone = ZoneInfo(DEFAULT_ZONE)

    def now(self):
        return self._source() if self._source is not None else datetime.now(UTC)

    def today(self):
        """The date in the deployment's zone (a day starts at midnight Beijing time)."""
        return self.now().astimezone(self.zone).date()

    def local(self, value=None):
        """``value`` (default: now) in the deployment's zone."""
        return (value or self.now()).astimezone(self.zone)

    def set(self, value):
        """Freeze the clock at ``value`` (an aware datetime, or a date: midnight local)."""
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day, tzinfo=self.zone)
        if value.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        frozen = value.astimezone(UTC)
        self._source = lambda: frozen

    def advance(self, **delta):
        """Move a frozen clock on by ``timedelta(**delta)``."""
        self.set(self.now() + timedelta(**delta))

    def use(self, source):
        """Read the time from ``source()`` (another process's simulated day, say)."""
        self._source = source

    def reset(self):
        self._source = None


clock = Clock()


def utcnow():
    return clock.now()


def today():
    return clock.today()


def set_zone(name):
    """The deployment's zone (config ``TIMEZONE``), set once by ``create_app``."""
    clock.zone = ZoneInfo(name)


def as_aware(value):
    """``value`` with its zone; SQLite hands back naive UTC values."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def isoformat(value):
    """ISO 8601 with time zone."""
    return None if value is None else as_aware(value).isoformat()


def local_text(value, with_date=True):
    """``2026-12-03 09:00`` in the deployment's zone: how pages show a time."""
    if value is None:
        return ""
    return clock.local(as_aware(value)).strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")
