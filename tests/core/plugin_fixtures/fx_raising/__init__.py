"""Its startup hook raises."""
