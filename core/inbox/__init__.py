"""The inbox (待办与提醒): notices plugins create inside their business transactions, and
escalations ("if this object is still open at T, tell package P at node N") that the
scheduler turns into notices."""
