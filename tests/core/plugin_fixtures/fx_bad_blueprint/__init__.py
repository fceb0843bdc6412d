"""Its blueprint is not named after it."""
