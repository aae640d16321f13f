"""Message catalogs for the pages: extraction from webui/ and compilation to JSON, with Babel."""
