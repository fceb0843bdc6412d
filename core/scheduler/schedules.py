"""When a job is due: every N minutes, daily at a time, or quarterly — in the deployment's
zone. A schedule cuts time into periods; a job runs once per period, at or after its start.
After downtime only the period now running is due: missed ones are not made up one by one."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

QUARTER_MONTHS = (1, 4, 7, 10)


def _at(text):
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


@dataclass(frozen=True)
class Every:
    """Every ``minutes`` minutes, counted from local midnight (every 15: :00, :15, :30, :45)."""

    minutes: int

    def period_start(self, local):
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = int((local - midnight).total_seconds() // 60)
        return midnight + timedelta(minutes=elapsed - elapsed % self.minutes)

    def next_start(self, local):
        return self.period_start(local) + timedelta(minutes=self.minutes)

    def describe(self):
        return f"每 {self.minutes} 分钟"


@dataclass(frozen=True)
class Daily:
    """Every day at ``at`` ("02:30"), local time."""

    at: str

    def period_start(self, local):
        today = datetime.combine(local.date(), _at(self.at), tzinfo=local.tzinfo)
        return today if today <= local else today - timedelta(days=1)

    def next_start(self, local):
        return self.period_start(local) + timedelta(days=1)

    def describe(self):
        return f"每天 {self.at}"


@dataclass(frozen=True)
class Quarterly:
    """The first day of January, April, July and October at ``at``, local time."""

    at: str = "03:00"

    def period_start(self, local):
        year, month = local.year, max(m for m in QUARTER_MONTHS if m <= local.month)
        start = datetime.combine(local.date().replace(month=month, day=1), _at(self.at), tzinfo=local.tzinfo)
        if start <= local:
            return start
        previous = (year, month - 3) if month > 1 else (year - 1, 10)
        return start.replace(year=previous[0], month=previous[1])

    def next_start(self, local):
        start = self.period_start(local)
        year, month = (start.year, start.month + 3) if start.month < 10 else (start.year + 1, 1)
        return start.replace(year=year, month=month)

    def describe(self):
        return f"每季度首日 {self.at}"
