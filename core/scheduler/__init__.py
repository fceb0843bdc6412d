"""Scheduled jobs (定时任务): plugins declare them through ``gridwork_scheduled_jobs``; every
process that runs a scheduler (the web process's embedded thread, each ``gridwork worker``)
looks for due periods, and a row per (job, period) with a unique index decides which one
runs it — exactly once, on SQLite and PostgreSQL. See docs/plugins.md "Scheduled jobs"."""
