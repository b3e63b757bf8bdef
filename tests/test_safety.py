"""The safety text the app shows: complete, plain, and refused when malformed."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest

from stretchbreak.core.safety import (
    TIERS,
    SafetyDataError,
    SafetyText,
    load_safety_text,
    parse_safety_text,
)

MARKUP_LIKE = re.compile(r"\[/?[A-Za-z@#=!/][^\]]*\]|\[\]")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

MINIMAL = """
schema_version = 1
[red_flags]
title = "T"
intro = "I"
none_answer = "No"
[[red_flags.sections]]
id = "emergency"
tier = "emergency"
heading = "H"
intro = "I"
answer = "A"
items = ["one"]
[[red_flags.sections]]
id = "doctor-today"
tier = "today"
heading = "H"
intro = "I"
answer = "A"
items = ["one"]
[[red_flags.sections]]
id = "book-appointment"
tier = "recurring"
heading = "H"
intro = "I"
answer = "A"
items = ["one"]
[stop_rules]
title = "T"
intro = "I"
[[stop_rules.sections]]
id = "stop-if"
heading = "H"
intro = "I"
items = ["one"]
[after_session]
question = "Q"
title = "T"
intro = "I"
[[after_session.sections]]
id = "next-steps"
heading = "H"
intro = "I"
items = ["one"]
"""


def all_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name == "answer" and getattr(value, field.name) == "":
                continue  # only red-flag sections carry an answer
            yield from all_strings(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from all_strings(item)


@pytest.fixture
def safety() -> SafetyText:
    return load_safety_text()


def joined(items: tuple[str, ...]) -> str:
    return " ".join(items).lower()


def test_red_flag_screen_has_emergency_doctor_today_and_appointment_sections(
    safety: SafetyText,
) -> None:
    guide = safety.red_flags.guide
    assert [section.id for section in guide.sections] == [
        "emergency",
        "doctor-today",
        "book-appointment",
    ]
    assert all(section.items for section in guide.sections)
    assert "emergency" in guide.section("emergency").heading.lower()
    assert "today" in guide.section("doctor-today").heading.lower()


def test_red_flags_cover_the_warning_signs_in_the_seed_articles(safety: SafetyText) -> None:
    guide = safety.red_flags.guide
    urgent = joined(guide.section("emergency").items + guide.section("doctor-today").items)
    for sign in (
        "injury",
        "severe",
        "cough",
        "breath",
        "numbness",
        "pins and needles",
        "weakness",
        "bladder",
        "bowel",
        "headache",
        "fever",
        "stiff neck",
        "chest pain",
        "night",
        "cancer",
    ):
        assert sign in urgent, sign


def test_stop_if_rules_name_pain_tingling_dizziness_and_chest_pain(safety: SafetyText) -> None:
    stop_if = joined(safety.stop_rules.section("stop-if").items)
    for sign in ("sharp", "tingling", "numbness", "dizziness", "double vision", "headache"):
        assert sign in stop_if, sign
    assert "chest pain" in stop_if
    assert "clicking" in joined(safety.stop_rules.section("good-to-know").items)


def test_after_session_check_asks_about_worse_tingling_and_dizzy(safety: SafetyText) -> None:
    question = safety.after_session.question.lower()
    assert "worse" in question and "tingl" in question and "dizzy" in question
    assert safety.after_session.guide.section("next-steps").items


def test_each_tier_has_its_own_answer_and_none_is_apart(safety: SafetyText) -> None:
    screen = safety.red_flags
    answers = [screen.none_answer, *(screen.tier(tier).answer for tier in TIERS)]
    assert len(set(answers)) == 4
    assert "emergency" in screen.tier("emergency").answer.lower()
    assert "today" in screen.tier("today").answer.lower()


def test_no_safety_text_contains_markup_or_control_characters(safety: SafetyText) -> None:
    texts = list(all_strings(safety))
    assert len(texts) > 30
    for text in texts:
        assert text.strip(), "empty text"
        assert not CONTROL.search(text), repr(text)
        assert not MARKUP_LIKE.search(text), text


def test_section_lookup_raises_for_an_unknown_id(safety: SafetyText) -> None:
    with pytest.raises(KeyError):
        safety.stop_rules.section("no-such-section")


def test_minimal_file_parses() -> None:
    text = parse_safety_text(MINIMAL, origin="safety.toml")
    assert text.after_session.question == "Q"
    assert text.red_flags.guide.section("emergency").items == ("one",)


def test_a_control_character_is_refused_with_its_key_path() -> None:
    bad = MINIMAL.replace(
        'items = ["one"]\n[stop_rules]', 'items = ["one\\u001b[2J"]\n[stop_rules]'
    )
    with pytest.raises(
        SafetyDataError, match=r"safety\.toml: red_flags\.sections\[3\]\.items\[1\]"
    ):
        parse_safety_text(bad, origin="safety.toml")


def test_a_missing_key_is_refused_with_its_key_path() -> None:
    bad = MINIMAL.replace('question = "Q"\n', "")
    with pytest.raises(SafetyDataError, match=r"after_session\.question: is missing"):
        parse_safety_text(bad, origin="safety.toml")


def test_broken_toml_is_refused_with_the_origin() -> None:
    with pytest.raises(SafetyDataError, match=r"^safety\.toml: "):
        parse_safety_text("schema_version = ", origin="safety.toml")


def test_a_tier_given_twice_is_refused_with_its_key_path() -> None:
    bad = MINIMAL.replace('tier = "recurring"', 'tier = "today"')
    with pytest.raises(
        SafetyDataError, match=r"red_flags\.sections\[3\]\.tier: 'today' is already"
    ):
        parse_safety_text(bad, origin="safety.toml")


def test_an_unknown_tier_is_refused_with_the_allowed_ones() -> None:
    bad = MINIMAL.replace('tier = "recurring"', 'tier = "soon"')
    with pytest.raises(SafetyDataError, match=r"sections\[3\]\.tier: must be one of emergency"):
        parse_safety_text(bad, origin="safety.toml")


def test_every_red_flag_section_has_its_own_tier_and_answer(safety: SafetyText) -> None:
    screen = safety.red_flags
    assert [section.tier for section in screen.guide.sections] == [
        "emergency",
        "today",
        "recurring",
    ]
    answers = [section.answer for section in screen.guide.sections]
    assert all(answers) and len(set(answers)) == 3
    assert screen.tier("today").id == "doctor-today"
