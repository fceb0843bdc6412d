"""``gridwork demo``'s residents: the people and households (``people``, ``households``),
their seeding (``services``) and the spreadsheet a visitor imports (``import_file``)."""
