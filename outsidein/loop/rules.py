"""Alert rules as data: a JSON condition tree evaluated against facts about one feedback item.

A CX lead edits rules in the web UI; they are stored as JSON, validated here with clear
errors, and evaluated against :class:`FeedbackFacts`, which the Django side builds from a
feedback item, its customer, touchpoint and analysis. Example::

    {"all": [
        {"kind": "nps", "op": "<=", "value": 6},
        {"any": [{"kind": "moment_of_truth"},
                 {"kind": "value_tier", "in": ["gold", "platinum"]}]},
        {"not": {"kind": "language", "in": ["en"]}},
        {"kind": "keywords", "any_of": ["si opp", "oppsig*"]}
    ]}

A leaf whose fact is missing (no NPS answer, no customer) does not match, so under "not"
it does: ``{"not": {"kind": "nps", "op": "<=", "value": 6}}`` matches feedback without
an NPS score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from outsidein.loop.sla import PRIORITIES

__all__ = [
    "CONDITION_KINDS",
    "Condition",
    "Explanation",
    "FeedbackFacts",
    "Rule",
    "RuleAction",
    "RuleValidationError",
    "condition_json_schema",
    "count_matches",
    "explain",
    "matching_rules",
    "parse_condition",
    "parse_rule",
    "rule_json_schema",
]

SCORE_RANGES: Mapping[str, tuple[float, float]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
MEMBERSHIP_KINDS = ("touchpoint", "listening_post", "value_tier", "segment", "language")
CONDITION_KINDS: tuple[str, ...] = (
    *SCORE_RANGES,
    "sentiment",
    "sentiment_score",
    "theme",
    *MEMBERSHIP_KINDS,
    "moment_of_truth",
    "keywords",
    "customer_attribute",
)
_SYMBOLS = {"<=": "≤", ">=": "≥", "==": "=", "!=": "≠"}


class RuleValidationError(ValueError):
    """A rule or condition that does not validate; ``errors`` has one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


# -- facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackFacts:
    """What a rule can look at for one feedback item (built by the Django side).

    Codes are slugs (touchpoint, listening post, themes, segments), so rules survive
    renames. Missing facts are None / empty.
    """

    nps: float | None = None
    csat: float | None = None
    ces: float | None = None
    sentiment: str | None = None  # negative | neutral | positive
    sentiment_score: float | None = None  # -1 .. 1
    themes: frozenset[str] = frozenset()
    touchpoint: str | None = None
    moment_of_truth: bool | None = None  # None: no touchpoint known
    listening_post: str | None = None
    value_tier: str | None = None
    segments: frozenset[str] = frozenset()
    language: str | None = None
    text: str = ""
    customer_attributes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> FeedbackFacts:
        """From a plain dict; lists become sets, unknown keys are an error (typos)."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise TypeError(f"unknown fact(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        for name in ("themes", "segments"):
            if name in values:
                values[name] = frozenset(values[name] or ())
        values["text"] = values.get("text") or ""
        values["customer_attributes"] = dict(values.get("customer_attributes") or {})
        return cls(**values)

    @cached_property
    def normalized_text(self) -> str:
        # NFC so "å" typed as a + combining ring matches a keyword typed as one letter.
        return unicodedata.normalize("NFC", self.text)


def as_facts(facts: FeedbackFacts | Mapping[str, Any]) -> FeedbackFacts:
    return facts if isinstance(facts, FeedbackFacts) else FeedbackFacts.from_mapping(facts)


# -- explanation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """Why a condition did or did not match; a tree mirroring the condition."""

    matched: bool
    kind: str  # all | any | not | a leaf kind
    description: str  # English, e.g. "NPS ≤ 6"; the UI may build its own from ``condition``
    path: str = ""  # e.g. "all[1].any[0]"
    actual: Any = None  # the fact a leaf looked at (matched keywords for "keywords")
    condition: dict[str, Any] = field(default_factory=dict)
    children: tuple[Explanation, ...] = ()

    def leaves(self) -> list[Explanation]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def matched_leaves(self) -> list[Explanation]:
        """The leaf conditions that matched: "why did this open a case"."""
        return [leaf for leaf in self.leaves() if leaf.matched and leaf.kind != "not"]


# -- condition nodes ----------------------------------------------------------------------


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def evaluate(self, facts: FeedbackFacts) -> bool:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=False)


class _Leaf(_Node):
    def describe(self) -> str:
        raise NotImplementedError

    def actual(self, facts: FeedbackFacts) -> Any:
        return getattr(facts, self.kind)  # type: ignore[attr-defined]

    def explain(self, facts: FeedbackFacts, path: str) -> Explanation:
        return Explanation(
            self.evaluate(facts),
            self.kind,  # type: ignore[attr-defined]
            self.describe(),
            path,
            self.actual(facts),
            self.to_json(),
        )


def _compare(op: str, actual: float, value: Any) -> bool:
    if op == "<=":
        return actual <= value
    if op == ">=":
        return actual >= value
    low, high = value
    return low <= actual <= high


class ScoreCondition(_Leaf):
    """NPS 0-10, CSAT 1-5, CES 1-7: ``<=``, ``>=`` a value or ``between`` [low, high]."""

    kind: Literal["nps", "csat", "ces"]
    op: Literal["<=", ">=", "between"]
    value: float | tuple[float, float]

    @field_validator("value", mode="before")
    @classmethod
    def _shape(cls, value: Any) -> Any:
        # One clear message instead of pydantic's one per union member.
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        is_pair = isinstance(value, list | tuple) and len(value) == 2
        if not is_number and not (is_pair and all(_as_number(v) is not None for v in value)):
            raise ValueError("value must be a number, or [low, high] for 'between'")
        return value

    @model_validator(mode="after")
    def _check_value(self) -> ScoreCondition:
        low, high = SCORE_RANGES[self.kind]
        values = self.value if isinstance(self.value, tuple) else (self.value,)
        if self.op == "between" and (len(values) != 2 or values[0] > values[1]):
            raise ValueError("'between' needs [low, high] with low ≤ high")
        if self.op != "between" and isinstance(self.value, tuple):
            raise ValueError(f"'{self.op}' needs a single number")
        if any(not low <= v <= high for v in values):
            raise ValueError(f"{self.kind} values lie between {low:g} and {high:g}")
        return self

    def evaluate(self, facts: FeedbackFacts) -> bool:
        actual = getattr(facts, self.kind)
        return actual is not None and _compare(self.op, actual, self.value)

    def describe(self) -> str:
        name = self.kind.upper()
        if isinstance(self.value, tuple):
            return f"{name} between {self.value[0]:g} and {self.value[1]:g}"
        return f"{name} {_SYMBOLS[self.op]} {self.value:g}"


class SentimentCondition(_Leaf):
    kind: Literal["sentiment"]
    in_: list[Literal["negative", "neutral", "positive"]] = Field(alias="in", min_length=1)

    def evaluate(self, facts: FeedbackFacts) -> bool:
        return facts.sentiment in self.in_

    def describe(self) -> str:
        return f"sentiment is {' or '.join(self.in_)}"


class SentimentScoreCondition(_Leaf):
    kind: Literal["sentiment_score"]
    op: Literal["<=", ">="]
    value: float = Field(ge=-1, le=1)

    def evaluate(self, facts: FeedbackFacts) -> bool:
        score = facts.sentiment_score
        return score is not None and _compare(self.op, score, self.value)

    def describe(self) -> str:
        return f"sentiment score {_SYMBOLS[self.op]} {self.value:g}"


def _clean_codes(values: list[str]) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise ValueError("empty code in list")
    return cleaned


class ThemeCondition(_Leaf):
    """Any of these theme codes (the facts should include parent themes if wanted)."""

    kind: Literal["theme"]
    any_of: list[str] = Field(min_length=1)

    _codes = field_validator("any_of")(_clean_codes)

    def evaluate(self, facts: FeedbackFacts) -> bool:
        return not facts.themes.isdisjoint(self.any_of)

    def actual(self, facts: FeedbackFacts) -> Any:
        return sorted(facts.themes)

    def describe(self) -> str:
        return f"theme is any of {', '.join(self.any_of)}"


class MembershipCondition(_Leaf):
    """Touchpoint, listening post, value tier, segment or language is one of ``in``.

    Compared case-insensitively; "segment" matches when any of the customer's segments is
    listed.
    """

    kind: Literal["touchpoint", "listening_post", "value_tier", "segment", "language"]
    in_: list[str] = Field(alias="in", min_length=1)

    _codes = field_validator("in_")(_clean_codes)

    @cached_property
    def _wanted(self) -> frozenset[str]:
        return frozenset(v.strip().casefold() for v in self.in_)

    def actual(self, facts: FeedbackFacts) -> Any:
        return sorted(facts.segments) if self.kind == "segment" else getattr(facts, self.kind)

    def evaluate(self, facts: FeedbackFacts) -> bool:
        if self.kind == "segment":
            return any(s.casefold() in self._wanted for s in facts.segments)
        value = getattr(facts, self.kind)
        return value is not None and value.casefold() in self._wanted

    def describe(self) -> str:
        return f"{self.kind.replace('_', ' ')} is any of {', '.join(self.in_)}"


class MomentOfTruthCondition(_Leaf):
    kind: Literal["moment_of_truth"]
    value: bool = True

    def evaluate(self, facts: FeedbackFacts) -> bool:
        return facts.moment_of_truth is self.value

    def describe(self) -> str:
        return "at a moment of truth" if self.value else "not at a moment of truth"


def _keyword_pattern(word: str) -> str:
    """One keyword as a regex: words separated by any whitespace, ``*`` at either end
    matches the rest of a compound word ("*faktura" matches "strømfaktura")."""
    word = unicodedata.normalize("NFC", word.strip())
    prefix = r"\w*" if word.startswith("*") else ""
    suffix = r"\w*" if word.endswith("*") else ""
    core = r"\s+".join(re.escape(part) for part in word.strip("*").split())
    return prefix + core + suffix


class KeywordsCondition(_Leaf):
    """Any of the words or phrases, case-insensitive, on word boundaries.

    Python's Unicode ``\\w`` counts æ, ø, å, ä, ö as letters, so "bil" does not match
    "bilær" nor "søbil" (unless written "*bil*"). Lookarounds are used instead of ``\\b`` so
    keywords that start or end with a symbol ("c++", "#fail") still work.
    """

    kind: Literal["keywords"]
    any_of: list[str] = Field(min_length=1)
    _regex: re.Pattern[str] = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> KeywordsCondition:
        if any(not w.strip("* \t\n") for w in self.any_of):
            raise ValueError("empty keyword")
        alternatives = "|".join(_keyword_pattern(w) for w in self.any_of)
        self._regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self

    def matches_in(self, facts: FeedbackFacts) -> list[str]:
        return [m.group(0) for m in self._regex.finditer(facts.normalized_text)]

    def evaluate(self, facts: FeedbackFacts) -> bool:
        return self._regex.search(facts.normalized_text) is not None

    def actual(self, facts: FeedbackFacts) -> Any:
        return self.matches_in(facts)

    def describe(self) -> str:
        return f"text mentions any of {', '.join(repr(w) for w in self.any_of)}"


_MISSING = object()


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    number_a, number_b = _as_number(a), _as_number(b)
    if number_a is not None and number_b is not None:
        return number_a == number_b  # imported attributes are often numbers as text
    return a == b


class CustomerAttributeCondition(_Leaf):
    """A customer attribute (from the customer's ``attributes`` JSON).

    ``==``/``!=``/``in`` compare strings case-insensitively and numbers numerically;
    ``<=``/``>=`` need numbers; ``exists`` needs no value.
    """

    kind: Literal["customer_attribute"]
    key: str = Field(min_length=1)
    op: Literal["==", "!=", "in", "<=", ">=", "exists"]
    value: Any = None

    @model_validator(mode="after")
    def _check(self) -> CustomerAttributeCondition:
        if self.op == "in" and not (isinstance(self.value, list | tuple) and self.value):
            raise ValueError("'in' needs a non-empty list")
        if self.op in ("<=", ">=") and _as_number(self.value) is None:
            raise ValueError(f"'{self.op}' needs a number")
        if self.op in ("==", "!=") and (self.value is None or isinstance(self.value, list)):
            raise ValueError(f"'{self.op}' needs a single value")
        return self

    def actual(self, facts: FeedbackFacts) -> Any:
        return facts.customer_attributes.get(self.key)

    def evaluate(self, facts: FeedbackFacts) -> bool:
        actual = facts.customer_attributes.get(self.key, _MISSING)
        if self.op == "exists":
            return actual is not _MISSING and actual not in (None, "")
        if actual is _MISSING or actual is None:
            return False
        if self.op == "==":
            return _same(actual, self.value)
        if self.op == "!=":
            return not _same(actual, self.value)
        if self.op == "in":
            return any(_same(actual, v) for v in self.value)
        number = _as_number(actual)
        return number is not None and _compare(self.op, number, float(self.value))

    def describe(self) -> str:
        if self.op == "exists":
            return f"customer has {self.key}"
        return f"customer {self.key} {_SYMBOLS.get(self.op, self.op)} {self.value!r}"


class AllOf(_Node):
    all: list[Condition] = Field(min_length=1)

    def evaluate(self, facts: FeedbackFacts) -> bool:
        return all(c.evaluate(facts) for c in self.all)


class AnyOf(_Node):
    any: list[Condition] = Field(min_length=1)

    def evaluate(self, facts: FeedbackFacts) -> bool:
        return any(c.evaluate(facts) for c in self.any)


class Not(_Node):
    not_: Condition = Field(alias="not")

    def evaluate(self, facts: FeedbackFacts) -> bool:
        return not self.not_.evaluate(facts)


_TAG_OF_KIND = {
    **dict.fromkeys(SCORE_RANGES, "score"),
    **dict.fromkeys(MEMBERSHIP_KINDS, "membership"),
    **{k: k for k in ("sentiment", "sentiment_score", "theme", "moment_of_truth", "keywords")},
    "customer_attribute": "customer_attribute",
}


def _tag(value: Any) -> str | None:
    """Which node type a JSON object is: a combinator key, else its "kind"."""
    if isinstance(value, AllOf | AnyOf | Not):
        return {AllOf: "all", AnyOf: "any", Not: "not"}[type(value)]
    if isinstance(value, _Leaf):
        return _TAG_OF_KIND[value.kind]  # type: ignore[attr-defined]
    if not isinstance(value, dict):
        return None
    combinators = [k for k in ("all", "any", "not") if k in value]
    if len(combinators) == 1:
        return combinators[0]
    return None if combinators else _TAG_OF_KIND.get(value.get("kind"))  # type: ignore[arg-type]


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[ScoreCondition, Tag("score")]
    | Annotated[SentimentCondition, Tag("sentiment")]
    | Annotated[SentimentScoreCondition, Tag("sentiment_score")]
    | Annotated[ThemeCondition, Tag("theme")]
    | Annotated[MembershipCondition, Tag("membership")]
    | Annotated[MomentOfTruthCondition, Tag("moment_of_truth")]
    | Annotated[KeywordsCondition, Tag("keywords")]
    | Annotated[CustomerAttributeCondition, Tag("customer_attribute")],
    Discriminator(
        _tag,
        custom_error_type="unknown_condition",
        custom_error_message=(
            "expected an object with exactly one of 'all', 'any', 'not', or a 'kind' among "
            + ", ".join(CONDITION_KINDS)
        ),
    ),
]

for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()


# -- rules --------------------------------------------------------------------------------


class RuleAction(_Node):
    """What a matching rule does: open a case with this priority, for this team."""

    priority: Literal[PRIORITIES] = "normal"  # type: ignore[valid-type]
    team: str | None = None  # team slug; None = the touchpoint's owner team
    sla_policy: str | None = None  # policy name; None = the team's default
    notify: bool = True


class Rule(_Node):
    id: str | int
    name: str = Field(min_length=1)
    condition: Condition
    action: RuleAction = RuleAction()
    enabled: bool = True

    def matches(self, facts: FeedbackFacts | Mapping[str, Any]) -> bool:
        return self.condition.evaluate(as_facts(facts))


# -- validation ---------------------------------------------------------------------------

_TAGS = {"all", "any", "not", *_TAG_OF_KIND.values()}


def _format_loc(loc: tuple[str | int, ...], union_at_start: bool) -> str:
    """Pydantic's location without the union tags: ("all", "all", 0, "score", "value")
    becomes "all[0].value"."""
    parts: list[str] = []
    expect_tag = union_at_start
    for item in loc:
        if expect_tag and item in _TAGS:
            expect_tag = False
            continue
        if isinstance(item, int):
            parts.append(f"[{item}]")
            expect_tag = True
        else:
            parts.append(f".{item}" if parts else str(item))
            expect_tag = item in ("condition", "not")
    return "".join(parts).replace(".in_", ".in").replace(".not_", ".not") or "(root)"


def _messages(exc: ValidationError, union_at_start: bool) -> list[str]:
    out = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        out.append(f"{_format_loc(error['loc'], union_at_start)}: {message}")
    return out


_CONDITION = TypeAdapter(Condition)


def parse_condition(data: Any) -> Condition:
    """A validated condition tree from JSON data; raises :class:`RuleValidationError`."""
    try:
        return _CONDITION.validate_python(data)
    except ValidationError as exc:
        raise RuleValidationError(_messages(exc, union_at_start=True)) from None


def parse_rule(data: Any) -> Rule:
    """A validated rule from JSON data; raises :class:`RuleValidationError`."""
    try:
        return Rule.model_validate(data)
    except ValidationError as exc:
        raise RuleValidationError(_messages(exc, union_at_start=False)) from None


def condition_json_schema() -> dict[str, Any]:
    return _CONDITION.json_schema(by_alias=True)


def rule_json_schema() -> dict[str, Any]:
    return Rule.model_json_schema(by_alias=True)


# -- evaluation ---------------------------------------------------------------------------


def matching_rules(rules: Iterable[Rule], facts: FeedbackFacts | Mapping[str, Any]) -> list[Rule]:
    """The enabled rules whose condition matches, in the given order."""
    checked = as_facts(facts)
    return [r for r in rules if r.enabled and r.condition.evaluate(checked)]


def count_matches(
    condition: Condition | Rule, facts: Iterable[FeedbackFacts | Mapping[str, Any]]
) -> int:
    """Dry run: how many of these items the condition (or rule, enabled or not) matches."""
    tree = condition.condition if isinstance(condition, Rule) else condition
    return sum(1 for item in facts if tree.evaluate(as_facts(item)))


def explain(
    condition: Condition | Rule, facts: FeedbackFacts | Mapping[str, Any], path: str = ""
) -> Explanation:
    """The evaluation tree: each node with whether it matched and, for leaves, the fact."""
    node = condition.condition if isinstance(condition, Rule) else condition
    checked = as_facts(facts)
    if isinstance(node, _Leaf):
        return node.explain(checked, path)
    if isinstance(node, Not):
        child = explain(node.not_, checked, _join(path, "not"))
        return Explanation(not child.matched, "not", "not", path, None, node.to_json(), (child,))
    key = "all" if isinstance(node, AllOf) else "any"
    items = node.all if isinstance(node, AllOf) else node.any
    children = tuple(explain(c, checked, f"{_join(path, key)}[{i}]") for i, c in enumerate(items))
    matched = (all if key == "all" else any)(c.matched for c in children)
    description = "all of" if key == "all" else "any of"
    return Explanation(matched, key, description, path, None, node.to_json(), children)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
