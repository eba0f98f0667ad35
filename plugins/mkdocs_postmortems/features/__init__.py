"""Optional features register their hooks with `site` when imported here."""

from . import (
    finder,  # noqa: F401  (the /find/ page and its search index)
    writing_guide,  # noqa: F401  (the /writing-guide/ page: every rule explained)
)
from .actions import actions_and_metrics  # noqa: F401  (/actions/ and /metrics/)
from .exports import write_exports  # noqa: F401  (JSON, iCalendar and Atom exports)
from .reading_lists import reading_lists  # noqa: F401  (/reading-lists/: lists with progress)
from .related_incidents import related_context  # noqa: F401  (related, "happened again")
