"""The post-mortem front-matter schema: the one source of truth.

Validation, the JSON Schema export (`postmortems schema`), the archive and
every renderer read these models. Cross-field and cross-file rules (timestamp
order, owners of published items, references) live in `rules/`, where they
can point at the exact key that is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

Status = Literal["draft", "in-review", "published"]
ActionStatus = Literal["open", "in-progress", "done", "wont-do"]
GapType = Literal["detection", "prevention", "recovery", "communication", "knowledge"]

DEFAULT_SEVERITIES: tuple[str, ...] = ("SEV1", "SEV2", "SEV3", "SEV4")
STATUSES: tuple[str, ...] = get_args(Status)
ACTION_STATUSES: tuple[str, ...] = get_args(ActionStatus)
FISHBONE: tuple[str, ...] = ("people", "process", "technology", "environment")
GAP_TYPES: tuple[str, ...] = get_args(GapType)
TIMESTAMPS: tuple[str, ...] = ("started", "detected", "mitigated", "resolved")
Priority = Literal["high", "medium", "low"]
Visibility = Literal["internal", "public"]

# Dates and timestamps an archive can chart and convert: 9999-12-31 as a date made a
# metrics page of 95,000 months, and 0001-01-01T00:30:00+01:00 has no UTC time.
EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2200, 12, 31)


def _in_window(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "{value} is outside {earliest} to {latest}",
            {"value": value.isoformat(), "earliest": str(EARLIEST), "latest": str(LATEST)},
        )
    return value


Day = Annotated[dt.date, AfterValidator(_in_window)]
Moment = Annotated[AwareDatetime, AfterValidator(_in_window)]
# Finite, non-negative, and small enough to add up, chart and print.
Count = Annotated[int, Field(ge=0, le=10**12)]
Amount = Annotated[float, Field(ge=0, le=1e15, allow_inf_nan=False)]

Text = Annotated[str, Field(min_length=1)]
Name = Annotated[str, Field(min_length=1, pattern=r"^\S(.*\S)?$")]
PostmortemId = Annotated[
    str,
    Field(
        min_length=1,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="Unique id, e.g. INC-2026-04-12-001.",
        examples=["INC-2026-04-12-001"],
    ),
]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must never vanish silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Impact(_Strict):
    users_affected: Count | None = None
    duration_minutes: Amount | None = None
    revenue_usd: Amount | None = None
    slo_budget_pct: Amount | None = Field(
        None, description="Share of the period's error budget consumed, in percent."
    )
    data_loss: bool | None = None
    customer_facing: bool | None = None
    description: str | None = None


class ContributingFactors(_Strict):
    """Fishbone (Ishikawa) categories."""

    people: list[Text] = []
    process: list[Text] = []
    technology: list[Text] = []
    environment: list[Text] = []


class Gaps(_Strict):
    """The gap types an incident revealed, each with what was missing."""

    detection: list[Text] = []
    prevention: list[Text] = []
    recovery: list[Text] = []
    communication: list[Text] = []
    knowledge: list[Text] = []


class ActionItem(_Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]*-\d+$", examples=["AI-1"])]
    title: Text
    owner: str | None = Field(None, description="A named person or team handle, never TBD.")
    due: Day | None = None
    status: ActionStatus = "open"
    ticket: HttpUrl | None = None
    success_criteria: str | None = Field(
        None, description="How anyone can verify the item is done."
    )
    priority: Priority | None = None
    gap: GapType | None = None
    closed: Day | None = None
    reason: str | None = Field(None, description="Required when status is wont-do.")

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "in-progress")


class Postmortem(_Strict):
    """The front-matter of one post-mortem."""

    id: PostmortemId
    title: Text
    date: Day = Field(description="The date the incident started.")
    severity: Annotated[str, Field(json_schema_extra={"enum": list(DEFAULT_SEVERITIES)})]
    status: Status
    summary: Text = Field(description="Two or three sentences: what broke, for whom, the fix.")
    services: Annotated[list[Name], Field(min_length=1)]
    tags: list[Name] = []
    started: Moment | None = None
    detected: Moment | None = None
    mitigated: Moment | None = None
    resolved: Moment | None = None
    postmortem_date: Moment | Day | None = Field(
        None, description="When the post-mortem review was held."
    )
    authors: list[Name] = []
    impact: Impact | None = None
    contributing_factors: ContributingFactors | None = None
    gaps: Gaps | None = None
    action_items: list[ActionItem] = []
    related: list[PostmortemId] = []
    recurrence_of: PostmortemId | None = None
    visibility: Visibility = "internal"

    @field_validator("severity")
    @classmethod
    def _known_severity(cls, value: str, info: ValidationInfo) -> str:
        allowed = (info.context or {}).get("severities", DEFAULT_SEVERITIES)
        if value not in allowed:
            raise ValueError(f"unknown severity {value!r}; use one of {', '.join(allowed)}")
        return value

    @property
    def is_published(self) -> bool:
        return self.status == "published"


def json_schema(severities: tuple[str, ...] | list[str] = DEFAULT_SEVERITIES) -> dict[str, Any]:
    """The JSON Schema editors use to autocomplete and check front-matter."""
    schema = Postmortem.model_json_schema()
    schema["properties"]["severity"]["enum"] = list(severities)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Post-mortem front-matter"
    return schema
