"""Alert rules: every condition kind, combinators, validation errors, explanations."""

from __future__ import annotations

import json

import pytest

from outsidein.loop.rules import (
    CONDITION_KINDS,
    FeedbackFacts,
    Rule,
    RuleValidationError,
    condition_json_schema,
    count_matches,
    explain,
    matching_rules,
    parse_condition,
    parse_rule,
    rule_json_schema,
)

FACTS = FeedbackFacts(
    nps=3,
    csat=2,
    ces=6,
    sentiment="negative",
    sentiment_score=-0.7,
    themes=frozenset({"billing", "billing.invoice"}),
    touchpoint="invoice",
    moment_of_truth=True,
    listening_post="nps-survey",
    value_tier="gold",
    segments=frozenset({"smb", "north"}),
    language="nb",
    text="Fakturaen var helt feil. Jeg vil SI OPP avtalen! Kundeservice på Østlandet svarte ikke.",
    customer_attributes={"contract": "Fixed", "years": "7", "churn_risk": 0.8, "vip": None},
)
EMPTY = FeedbackFacts()

# (condition, matches FACTS) — one or more per kind; EMPTY never matches a leaf.
CASES = [
    ({"kind": "nps", "op": "<=", "value": 6}, True),
    ({"kind": "nps", "op": ">=", "value": 9}, False),
    ({"kind": "nps", "op": "between", "value": [0, 3]}, True),
    ({"kind": "csat", "op": "<=", "value": 2}, True),
    ({"kind": "csat", "op": "between", "value": [4, 5]}, False),
    ({"kind": "ces", "op": ">=", "value": 5}, True),
    ({"kind": "sentiment", "in": ["negative"]}, True),
    ({"kind": "sentiment", "in": ["neutral", "positive"]}, False),
    ({"kind": "sentiment_score", "op": "<=", "value": -0.5}, True),
    ({"kind": "sentiment_score", "op": ">=", "value": 0}, False),
    ({"kind": "theme", "any_of": ["delivery", "billing.invoice"]}, True),
    ({"kind": "theme", "any_of": ["delivery"]}, False),
    ({"kind": "touchpoint", "in": ["invoice", "meter"]}, True),
    ({"kind": "touchpoint", "in": ["meter"]}, False),
    ({"kind": "moment_of_truth"}, True),
    ({"kind": "moment_of_truth", "value": False}, False),
    ({"kind": "listening_post", "in": ["NPS-Survey"]}, True),  # case-insensitive
    ({"kind": "listening_post", "in": ["tickets"]}, False),
    ({"kind": "value_tier", "in": ["gold", "platinum"]}, True),
    ({"kind": "value_tier", "in": ["bronze"]}, False),
    ({"kind": "segment", "in": ["smb"]}, True),  # any of the customer's segments
    ({"kind": "segment", "in": ["enterprise"]}, False),
    ({"kind": "language", "in": ["nb", "nn"]}, True),
    ({"kind": "language", "in": ["sv"]}, False),
    ({"kind": "keywords", "any_of": ["si opp"]}, True),  # case-insensitive phrase
    ({"kind": "keywords", "any_of": ["østlandet"]}, True),  # Ø vs ø
    ({"kind": "keywords", "any_of": ["faktura*"]}, True),  # prefix of a word
    ({"kind": "keywords", "any_of": ["faktura"]}, False),  # "Fakturaen" is another word
    ({"kind": "keywords", "any_of": ["land"]}, False),  # not inside "Østlandet"
    ({"kind": "keywords", "any_of": ["*service"]}, True),  # end of a compound
    ({"kind": "customer_attribute", "key": "contract", "op": "==", "value": "fixed"}, True),
    ({"kind": "customer_attribute", "key": "contract", "op": "!=", "value": "fixed"}, False),
    (
        {"kind": "customer_attribute", "key": "contract", "op": "in", "value": ["spot", "fixed"]},
        True,
    ),
    ({"kind": "customer_attribute", "key": "years", "op": ">=", "value": 5}, True),  # "7"
    ({"kind": "customer_attribute", "key": "years", "op": "==", "value": 7}, True),
    ({"kind": "customer_attribute", "key": "churn_risk", "op": "<=", "value": 0.5}, False),
    ({"kind": "customer_attribute", "key": "churn_risk", "op": "exists"}, True),
    ({"kind": "customer_attribute", "key": "vip", "op": "exists"}, False),  # null
]


def test_every_kind_is_covered() -> None:
    assert {c["kind"] for c, _ in CASES} == set(CONDITION_KINDS)


@pytest.mark.parametrize(
    ("data", "expected"), CASES, ids=lambda v: json.dumps(v) if isinstance(v, dict) else ""
)
def test_leaf_conditions(data: dict, expected: bool) -> None:
    condition = parse_condition(data)
    assert condition.evaluate(FACTS) is expected
    assert condition.evaluate(EMPTY) is False  # a missing fact never matches


def test_keywords_nordic_letters_and_word_boundaries() -> None:
    words = parse_condition({"kind": "keywords", "any_of": ["bil", "ødelagt", "kött"]})
    assert words.evaluate(FeedbackFacts(text="Bilen er ØDELAGT."))
    assert not words.evaluate(FeedbackFacts(text="Bilen er ødelagte"))
    assert not words.evaluate(FeedbackFacts(text="Søbil og bilær"))  # æ, ø are letters
    assert words.evaluate(FeedbackFacts(text="Köttet? Nej, KÖTT!"))
    # Decomposed "ø" (o + combining stroke does not exist; use å = a + ring) still matches.
    assert parse_condition({"kind": "keywords", "any_of": ["på"]}).evaluate(
        FeedbackFacts(text="vent pa\u030a svar")
    )
    symbols = parse_condition({"kind": "keywords", "any_of": ["c++", "#fail"]})
    assert symbols.evaluate(FeedbackFacts(text="appen i C++ er #fail"))
    phrase = parse_condition({"kind": "keywords", "any_of": ["si  opp"]})
    assert phrase.evaluate(FeedbackFacts(text="vil si\nopp nå"))


def test_keyword_special_characters_are_literal() -> None:
    dot = parse_condition({"kind": "keywords", "any_of": ["a.s"]})
    assert dot.evaluate(FeedbackFacts(text="Firma a.s svarer ikke"))
    assert not dot.evaluate(FeedbackFacts(text="Firma abs svarer ikke"))


def test_combinators() -> None:
    low = {"kind": "nps", "op": "<=", "value": 6}
    high = {"kind": "nps", "op": ">=", "value": 9}
    assert parse_condition({"all": [low, {"kind": "moment_of_truth"}]}).evaluate(FACTS)
    assert not parse_condition({"all": [low, high]}).evaluate(FACTS)
    assert parse_condition({"any": [high, low]}).evaluate(FACTS)
    assert not parse_condition({"any": [high]}).evaluate(FACTS)
    assert parse_condition({"not": high}).evaluate(FACTS)
    # A missing fact does not match, so "not" of it does.
    assert parse_condition({"not": low}).evaluate(EMPTY)
    nested = {"all": [low, {"any": [{"not": {"kind": "language", "in": ["en"]}}, high]}]}
    assert parse_condition(nested).evaluate(FACTS)


def test_round_trip_through_json() -> None:
    data = {
        "all": [
            {"kind": "nps", "op": "between", "value": [0, 6]},
            {"not": {"kind": "sentiment", "in": ["positive"]}},
            {"kind": "keywords", "any_of": ["si opp"]},
        ]
    }
    condition = parse_condition(data)
    again = parse_condition(json.loads(json.dumps(condition.to_json())))
    assert again == condition and again.evaluate(FACTS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "nps", "op": "<=", "value": 11}, "(root): nps values lie between 0 and 10"),
        ({"kind": "csat", "op": ">=", "value": 0}, "csat values lie between 1 and 5"),
        ({"kind": "ces", "op": "between", "value": [6, 2]}, "low ≤ high"),
        ({"kind": "nps", "op": "<=", "value": [1, 2]}, "needs a single number"),
        ({"kind": "nps", "op": "<=", "value": "low"}, "value must be a number"),
        ({"kind": "nps", "op": "<", "value": 3}, "op: Input should be '<=', '>=' or 'between'"),
        ({"kind": "colour", "in": ["red"]}, "a 'kind' among nps, csat"),
        ({"all": [], "any": []}, "exactly one of 'all', 'any', 'not'"),
        ({"all": []}, "all: List should have at least 1 item"),
        ([1, 2], "expected an object"),
        (
            {"any": [{"kind": "sentiment", "in": ["angry"]}]},
            "any[0].in[0]: Input should be 'negative'",
        ),
        ({"not": {"kind": "theme", "any_of": [" "]}}, "not.any_of: empty code in list"),
        ({"kind": "keywords", "any_of": ["*"]}, "empty keyword"),
        ({"kind": "sentiment_score", "op": "<=", "value": -2}, "greater than or equal to -1"),
        ({"kind": "touchpoint", "in": []}, "in: List should have at least 1 item"),
        ({"kind": "nps", "op": "<=", "value": 6, "extra": 1}, "extra: Extra inputs"),
        ({"kind": "customer_attribute", "key": "x", "op": "in", "value": 3}, "'in' needs a"),
        ({"kind": "customer_attribute", "key": "x", "op": ">=", "value": "a"}, "needs a number"),
        ({"kind": "customer_attribute", "key": "x", "op": "=="}, "needs a single value"),
        ({"kind": "customer_attribute", "key": "", "op": "exists"}, "key: String should"),
    ],
)
def test_validation_errors_are_clear(data: object, message: str) -> None:
    with pytest.raises(RuleValidationError) as caught:
        parse_condition(data)
    assert any(message in line for line in caught.value.errors), caught.value.errors


def test_errors_deep_in_the_tree_name_their_path() -> None:
    data = {
        "all": [
            {"kind": "nps", "op": "<=", "value": 6},
            {"any": [{"not": {"kind": "csat", "op": "<=", "value": 9}}]},
        ]
    }
    with pytest.raises(RuleValidationError) as caught:
        parse_condition(data)
    assert caught.value.errors == ["all[1].any[0].not: csat values lie between 1 and 5"]


# -- rules --------------------------------------------------------------------------------


def _rule(rule_id: int, condition: dict, **kwargs: object) -> Rule:
    return parse_rule({"id": rule_id, "name": f"rule {rule_id}", "condition": condition, **kwargs})


def test_rule_parsing_and_action_defaults() -> None:
    rule = _rule(
        1, {"kind": "nps", "op": "<=", "value": 6}, action={"priority": "high", "team": "billing"}
    )
    assert rule.action.priority == "high" and rule.action.team == "billing"
    assert rule.action.sla_policy is None and rule.action.notify
    assert _rule(2, {"kind": "moment_of_truth"}).action.team is None  # touchpoint owner
    assert rule.matches(FACTS)


def test_rule_validation_errors() -> None:
    with pytest.raises(RuleValidationError) as caught:
        parse_rule(
            {
                "id": 1,
                "name": "",
                "condition": {"all": [{"kind": "nps", "op": "<", "value": 3}]},
                "action": {"priority": "urgent"},
            }
        )
    assert caught.value.errors == [
        "name: String should have at least 1 character",
        "condition.all[0].op: Input should be '<=', '>=' or 'between'",
        "action.priority: Input should be 'critical', 'high', 'normal' or 'low'",
    ]


def test_matching_rules_keeps_order_and_skips_disabled() -> None:
    rules = [
        _rule(1, {"kind": "nps", "op": "<=", "value": 6}),
        _rule(2, {"kind": "nps", "op": ">=", "value": 9}),
        _rule(3, {"kind": "theme", "any_of": ["billing"]}, enabled=False),
        _rule(4, {"kind": "keywords", "any_of": ["si opp"]}),
    ]
    assert [r.id for r in matching_rules(rules, FACTS)] == [1, 4]
    as_dict = {"nps": 10, "themes": ["billing"], "text": "Takk!"}
    assert [r.id for r in matching_rules(rules, as_dict)] == [2]


def test_dry_run_counts_including_disabled_rule() -> None:
    rule = _rule(3, {"kind": "nps", "op": "<=", "value": 6}, enabled=False)
    items = [{"nps": n} for n in range(11)] + [{}]
    assert count_matches(rule, items) == 7
    assert count_matches(rule.condition, [FACTS, EMPTY]) == 1


def test_facts_from_mapping_rejects_typos() -> None:
    with pytest.raises(TypeError, match="unknown fact"):
        FeedbackFacts.from_mapping({"nsp": 3})
    facts = FeedbackFacts.from_mapping({"themes": ["a"], "text": None, "customer_attributes": None})
    assert facts.themes == frozenset({"a"}) and facts.text == ""


def test_explain_shows_why_a_case_was_opened() -> None:
    rule = _rule(
        7,
        {
            "all": [
                {"kind": "nps", "op": "<=", "value": 6},
                {"any": [{"kind": "value_tier", "in": ["platinum"]}, {"kind": "moment_of_truth"}]},
                {"not": {"kind": "language", "in": ["en"]}},
                {"kind": "keywords", "any_of": ["si opp", "faktura*"]},
            ]
        },
    )
    tree = explain(rule, FACTS)
    assert tree.matched and tree.kind == "all"
    leaves = {leaf.path: leaf for leaf in tree.leaves()}
    assert leaves["all[0]"].description == "NPS ≤ 6" and leaves["all[0]"].actual == 3
    assert not leaves["all[1].any[0]"].matched and leaves["all[1].any[0]"].actual == "gold"
    assert leaves["all[1].any[1]"].matched
    assert not leaves["all[2].not"].matched  # language is nb, not en: the "not" matched
    assert tree.children[2].matched
    assert leaves["all[3]"].actual == ["Fakturaen", "SI OPP"]
    matched = [leaf.path for leaf in tree.matched_leaves()]
    assert matched == ["all[0]", "all[1].any[1]", "all[3]"]
    assert leaves["all[0]"].condition == {"kind": "nps", "op": "<=", "value": 6.0}


def test_explain_when_nothing_matches() -> None:
    tree = explain(parse_condition({"any": [{"kind": "nps", "op": "<=", "value": 6}]}), EMPTY)
    assert not tree.matched and tree.matched_leaves() == []
    assert tree.children[0].actual is None


def test_json_schemas_for_the_editor() -> None:
    schema = rule_json_schema()
    assert {"id", "name", "condition"} <= set(schema["required"])
    text = json.dumps(condition_json_schema())
    assert '"not"' in text and '"between"' in text and '"in"' in text
