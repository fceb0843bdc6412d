"""Usage metering, ratings (好差评) and the slimming list (系统瘦身清单).

``meter`` notes each permission-checked plugin action of a request; ``spool`` makes it durable
without a database write on the request's path; ``ingest`` and ``rollup`` turn the spool into
tables; ``figures`` reads a period; ``slimming`` scores and advises; ``ratings`` holds 好差评.
"""
