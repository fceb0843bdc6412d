"""Its hook returns a permission named by config FX_DUP_PERMISSION."""
