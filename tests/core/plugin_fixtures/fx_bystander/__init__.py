"""Also records lifecycle calls: it must hear only of its own changes."""
