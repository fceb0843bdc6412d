"""A page, a JSON API and a menu entry behind fx_pages.view."""
