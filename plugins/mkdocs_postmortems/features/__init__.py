"""Optional features register their hooks with `site` when imported here."""
