"""Importing residents from .xlsx or CSV: jobs (``services``), the file's columns and
cells (``columns``, ``rows``), the checks a row needs beyond the form's (``checks``), the
bulk write (``write``) and the runner with its in-process progress (``run``). The file is
read by the core's spreadsheet reader; everything here is about residents."""
