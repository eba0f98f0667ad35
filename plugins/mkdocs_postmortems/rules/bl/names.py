"""First names from Faker's person providers, read as data without importing Faker.

A capitalised word in a person's place ("Marta skipped the canary") is a person when it is
a first name. Faker (a maintained package) keeps first names for many locales; importing
it scans every provider (most of a second), so the names are read from the locale files'
string literals instead, once per process and only when a sentence needs them.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from .vocabulary import COMMON_NAMES, NOT_NAMES

# Latin-script locales: English-language post-mortems name people from everywhere.
LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "en_NG", "en_KE", "en_PK", "de_DE", "fr_FR", "es_ES",
    "es_MX", "it_IT", "pt_BR", "nl_NL", "pl_PL", "sv_SE", "da_DK", "no_NO", "fi_FI", "cs_CZ",
    "tr_TR", "id_ID", "ro_RO", "hu_HU", "yo_NG", "ha_NG", "ig_NG", "tw_GH", "zu_ZA", "sw",
)  # fmt: skip
BLOCK = re.compile(r"^    first_names\w*[^=\n]*=(.*?)(?=^    \w|\Z)", re.M | re.S)
LITERAL = re.compile(r"[\"']([A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?)[\"']")


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """COMMON_NAMES and Faker's first names, less the words in NOT_NAMES."""
    names = set(COMMON_NAMES)
    spec = importlib.util.find_spec("faker")  # finds the package without importing it
    if spec is not None and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations))) / "providers" / "person"
        for locale in LOCALES:
            path = root / locale / "__init__.py"
            if path.is_file():
                for block in BLOCK.finditer(path.read_text(encoding="utf-8")):
                    names.update(LITERAL.findall(block.group(1)))
    return frozenset(names - NOT_NAMES)
