"""The server's verdict on an inspection: a weighted score out of 100, and pass only when
the score reaches the pass mark and no critical item failed."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    score: int
    passed: bool
    critical_failed: bool


def judge(items, failed_keys, pass_mark):
    total = sum(item["weight"] for item in items) or 1
    kept = sum(item["weight"] for item in items if item["key"] not in failed_keys)
    critical_failed = any(item["critical"] and item["key"] in failed_keys for item in items)
    score = round(100 * kept / total)
    return Verdict(score, score >= pass_mark and not critical_failed, critical_failed)
