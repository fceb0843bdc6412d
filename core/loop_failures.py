"""How the background loops (event dispatcher, scheduler, usage flusher) report a failing
round: the traceback once, then one line a minute while the same failure repeats, and a
line when a round succeeds again.

Why: a database that is away for an hour would otherwise write a traceback every second
from every loop, burying the first one, the one that says why. Formatting a traceback is
not free either: on Python 3.11 it parses source lines with ``ast`` for the carets, and
``ast``'s recursion counter is shared by all threads of the interpreter, so a loop
formatting tracebacks non-stop makes another thread's ``ast.parse`` fail now and then
with "AST constructor recursion depth mismatch" (CPython gh-106905).
"""

import time

REPEAT_EVERY_SECONDS = 60


class FailureLog:
    """One per loop: ``failed()`` in the loop's ``except``, ``succeeded()`` after a good round."""

    def __init__(self, log, what, repeat_every=REPEAT_EVERY_SECONDS):
        self.log, self.what, self.repeat_every = log, what, repeat_every
        self.failing_with = None  # (exception type, message) of the failure being repeated
        self.repeats = 0
        self.last_line_at = 0.0

    def failed(self, error):
        signature = (type(error).__name__, str(error).splitlines()[0][:200] if str(error) else "")
        now = time.monotonic()
        if signature != self.failing_with:
            self.failing_with, self.repeats, self.last_line_at = signature, 0, now
            self.log.exception("%s failed", self.what)
            return
        self.repeats += 1
        if now - self.last_line_at >= self.repeat_every:
            self.last_line_at = now
            self.log.error("%s still failing (%d more times): %s", self.what, self.repeats, signature[0])

    def succeeded(self):
        if self.failing_with is not None:
            self.log.warning("%s works again after %d repeated failures", self.what, self.repeats)
            self.failing_with, self.repeats = None, 0
