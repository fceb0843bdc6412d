"""Time helpers: always timezone-aware UTC (sqlmodel rejects naive datetimes)."""

from datetime import UTC, datetime


def utcnow():
    return datetime.now(UTC)


def isoformat(value):
    """ISO 8601 with time zone; SQLite hands back naive UTC values."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()
