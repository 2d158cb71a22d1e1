"""Validated settings: config.yaml and partners/<id>.yaml (SPEC §1).

Every model forbids unknown keys, so a typo such as ``expceted`` is an error,
never silently ignored. Cross-file checks (references to KPIs, partners and
change ids; ordering of expected/minimum by direction) live in
:mod:`partner_review.settings`, which loads the whole folder at once.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")
Unit = Literal["percent", "currency", "seconds", "hours", "count", "score", "points"]
Direction = Literal["higher_is_better", "lower_is_better"]
Aggregation = Literal["ratio", "sum", "mean", "last", "min", "max", "nps", "top2box"]
RATIO_LIKE: frozenset[str] = frozenset({"ratio", "nps", "top2box"})

KPI_ID = r"^[a-z0-9_]+$"
PARTNER_ID = r"^[A-Za-z0-9_-]+$"
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$")


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line of text")
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


SingleLine = Annotated[str, AfterValidator(_single_line)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class LocalizedText(_Strict):
    """A label in each report language; a missing language falls back to the other."""

    en: SingleLine | None = None
    fr: SingleLine | None = None

    @model_validator(mode="after")
    def _one_language(self) -> LocalizedText:
        if not (self.en or self.fr):
            raise ValueError("give the text in at least one language (en or fr)")
        return self

    def get(self, language: str) -> str:
        text = self.fr if language == "fr" else self.en
        return text or self.en or self.fr or ""


class Organisation(_Strict):
    name: SingleLine
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")
    timezone: str = "UTC"
    language: Language = "en"
    fiscal_year_start_month: int = Field(1, ge=1, le=12)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Paris)"
            ) from None
        return value


class Spc(_Strict):
    window: int = Field(24, ge=2)
    min_points: int = Field(8, ge=2)


class Reporting(_Strict):
    nightly_cron: str = "0 6 * * *"
    quarterly_cron: str | None = None
    freshness_days: int = Field(3, ge=0)
    spc: Spc = Spc()


class Limits(_Strict):
    max_file_mb: float = Field(200, gt=0)


class Kpi(_Strict):
    id: str = Field(pattern=KPI_ID)
    name: LocalizedText
    description: LocalizedText | None = None
    unit: Unit
    direction: Direction
    aggregation: Aggregation
    scale: float = Field(1, gt=0)
    decimals: int = Field(1, ge=0, le=6)
    min_denominator: float | None = Field(None, ge=0)

    @field_validator("name", "description", mode="before")
    @classmethod
    def _plain_text(cls, value: object) -> object:
        return {"en": value, "fr": value} if isinstance(value, str) else value

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher_is_better"

    @property
    def effective_scale(self) -> float:
        """nps and top2box values are always × 100 (SPEC §3 settled details)."""
        return 100.0 if self.aggregation in ("nps", "top2box") else self.scale


_ALL_REPORTS: tuple[Literal["nightly", "quarterly"], ...] = ("nightly", "quarterly")


class Stakeholder(_Strict):
    name: SingleLine
    email: str
    role: str = "stakeholder"
    language: Language | None = None
    partners: list[str] = Field(default_factory=lambda: ["*"])
    reports: list[Literal["nightly", "quarterly"]] = Field(
        default_factory=lambda: list(_ALL_REPORTS)
    )
    nightly: Literal["always", "on_change"] = "always"

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an email address")
        return value

    @property
    def domain(self) -> str:
        return self.email.rsplit("@", 1)[1].lower()

    def follows(self, partner_id: str) -> bool:
        return "*" in self.partners or partner_id in self.partners


class Delivery(_Strict):
    sender: SingleLine
    allowed_domains: list[str] = Field(min_length=1)
    subject_prefix: SingleLine = "[Partner Review]"


class Config(_Strict):
    """config.yaml."""

    organisation: Organisation
    reporting: Reporting = Reporting()
    limits: Limits = Limits()
    kpis: list[Kpi] = Field(min_length=1)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    delivery: Delivery

    def kpi(self, kpi_id: str) -> Kpi:
        return next(k for k in self.kpis if k.id == kpi_id)


class Chronic(_Strict):
    breaches: int = Field(ge=1)
    window_months: int = Field(ge=1)


class Contract(_Strict):
    start: date
    end: date
    credit_cap_pct: float | None = Field(None, ge=0)
    earnback_months: int = Field(0, ge=0)
    chronic: Chronic | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Contract:
        if self.end < self.start:
            raise ValueError(f"contract end {self.end} is before its start {self.start}")
        return self


class ServiceLevel(_Strict):
    kpi: str
    expected: float
    minimum: float
    credit_pct: float = Field(0, ge=0, le=100)
    effective_from: date | None = None
    change: str | None = None


class Baseline(_Strict):
    value: float | None = None
    period: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")

    @model_validator(mode="after")
    def _exactly_one(self) -> Baseline:
        if (self.value is None) == (self.period is None):
            raise ValueError("give exactly one of value or period (YYYY-MM)")
        return self


class Target(_Strict):
    value: float | None = None
    change_pct: float | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Target:
        if (self.value is None) == (self.change_pct is None):
            raise ValueError("give exactly one of value or change_pct")
        return self


class Objective(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: SingleLine
    kpi: str
    baseline: Baseline
    target: Target
    start: date
    deadline: date
    tolerance_pct: float = Field(0, ge=0)
    owner: SingleLine | None = None
    change: str | None = None

    @model_validator(mode="after")
    def _deadline_after_start(self) -> Objective:
        if self.deadline <= self.start:
            raise ValueError(f"deadline {self.deadline} must be after start {self.start}")
        return self


class Partner(_Strict):
    """partners/<id>.yaml."""

    id: str = Field(pattern=PARTNER_ID)
    name: SingleLine
    service: SingleLine | None = None
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    monthly_fee: float = Field(ge=0)
    contract: Contract
    service_levels: list[ServiceLevel] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
