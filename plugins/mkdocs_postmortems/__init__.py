"""mkdocs-postmortems: a searchable archive of blameless post-mortems."""

__version__ = "0.1.0"
