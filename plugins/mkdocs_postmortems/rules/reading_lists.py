"""The reading-list codes. Reading lists are read and checked by their feature
(`features/reading_lists.py`); the codes live here so the catalogue is complete
whatever has been imported."""

from __future__ import annotations

from .base import declare

declare(
    "PM701",
    "reading-list-invalid",
    "A reading list's front-matter does not match the reading-list format.",
    "A reading list needs `title` and `postmortems`, a list of `{id, why}` items where `id` is "
    "a post-mortem id written as text; `audience` is optional. Unknown keys are errors.",
    example="postmortems:\n  - id: 2025\n    why: ...",
    scope="schema",
)
declare(
    "PM702",
    "reading-list-unknown-id",
    "A reading list names an id that no post-mortem has.",
    "A reader following the list would find a gap. Check the id or remove the item.",
    scope="archive",
)
declare(
    "PM703",
    "reading-list-duplicate-id",
    "A reading list names the same post-mortem twice.",
    "Each post-mortem should appear once, where it teaches most.",
    severity="warning",
    scope="archive",
)
