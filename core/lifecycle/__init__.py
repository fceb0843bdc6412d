"""Module retirement (退出机制): flag → freeze → retire → restore, purge, and the county cut."""
