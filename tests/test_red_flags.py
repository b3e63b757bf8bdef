"""The red-flag screen against a checklist of the warning signs in the content reference.

The checklist is the red-flag list of exercise-content.md section 4.1 plus the gaps issue 12 found
(a new, unusual headache with neck pain; a time frame for injuries; keeping the neck still).
Each sign is recognised by a pattern; the test insists it appears in its own tier and in no other,
and that every item on the screen is accounted for by some sign, so nothing drifts in unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from stretchbreak.core.safety import TIERS, SafetyText, Tier, load_safety_text


@dataclass(frozen=True)
class Sign:
    label: str
    tier: Tier
    pattern: str


CHECKLIST = (
    # Call emergency services now.
    Sign("heart: chest pain or pressure", "emergency", r"chest pain, pressure or tightness"),
    Sign("heart: breathlessness", "emergency", r"breathless|short of breath"),
    Sign("heart: sweating", "emergency", r"sweating"),
    Sign("heart: nausea", "emergency", r"feeling sick"),
    Sign("heart: light-headedness", "emergency", r"faint"),
    Sign("meningitis: fever, stiff neck and headache", "emergency", r"stiff neck"),
    Sign("meningitis: rash that does not fade", "emergency", r"rash"),
    Sign("meningitis: dislike of bright light", "emergency", r"bright light"),
    Sign("meningitis: vomiting", "emergency", r"vomiting"),
    Sign("meningitis: confusion or drowsiness", "emergency", r"confused|drowsy"),
    Sign("stroke: sudden severe headache", "emergency", r"sudden, very severe headache"),
    Sign("stroke: face, arm or leg weakness", "emergency", r"face, arm or leg"),
    Sign("stroke: slurred speech", "emergency", r"slur"),
    Sign("stroke: double vision", "emergency", r"seeing double|double vision"),
    Sign("stroke: trouble swallowing", "emergency", r"swallowing"),
    Sign("stroke: severe dizziness", "emergency", r"severe dizziness"),
    Sign("stroke: unexplained falls", "emergency", r"falls you cannot explain"),
    Sign("recent significant injury", "emergency", r"car crash|heavy fall|dive"),
    Sign("injury: keep the neck still", "emergency", r"neck as still as you can"),
    Sign("cauda equina: bladder or bowel", "emergency", r"bladder"),
    Sign("cauda equina: saddle numbness", "emergency", r"genitals or buttocks"),
    # Get medical advice today.
    Sign("new numbness, pins and needles or weakness", "today", r"pins and needles"),
    Sign("clumsy hands, walking or balance change", "today", r"clumsy|balance"),
    Sign("severe or fast-worsening pain", "today", r"getting worse fast"),
    Sign("pain at night whatever the position", "today", r"at night"),
    Sign("pain on coughing or deep breathing", "today", r"cough"),
    Sign("feeling unwell or feverish", "today", r"generally unwell|temperature"),
    Sign("weight loss without trying", "today", r"losing weight"),
    Sign("history of cancer", "today", r"cancer"),
    Sign("weakened immune system", "today", r"immun"),
    Sign("inflammatory arthritis", "today", r"inflammatory arthritis"),
    Sign("osteoporosis with new pain", "today", r"osteoporosis"),
    Sign("long-term steroids", "today", r"steroid"),
    Sign("electric-shock feeling on bending the neck", "today", r"electric shock"),
    Sign("new, unusual headache with neck pain", "today", r"headache unlike any"),
    # Book an ordinary appointment.
    Sign("no better after days to weeks of self-care", "recurring", r"has not eased"),
    Sign("keeps coming back", "recurring", r"keeps returning"),
    Sign("gets in the way of work or sleep", "recurring", r"work or your sleep"),
)


@pytest.fixture(scope="module")
def safety() -> SafetyText:
    return load_safety_text()


def tier_items(safety: SafetyText, tier: Tier) -> tuple[str, ...]:
    return safety.red_flags.tier(tier).items


def matches(sign: Sign, item: str) -> bool:
    return re.search(sign.pattern, item, re.IGNORECASE) is not None


@pytest.mark.parametrize("sign", CHECKLIST, ids=lambda sign: sign.label)
def test_each_red_flag_sits_in_its_own_tier_and_no_other(safety: SafetyText, sign: Sign) -> None:
    found_in = [
        tier for tier in TIERS if any(matches(sign, item) for item in tier_items(safety, tier))
    ]
    assert found_in == [sign.tier], f"{sign.label}: found in {found_in}, belongs in {sign.tier}"


def test_every_item_on_the_screen_is_a_checked_sign(safety: SafetyText) -> None:
    for tier in TIERS:
        for item in tier_items(safety, tier):
            signs = [sign for sign in CHECKLIST if matches(sign, item)]
            assert signs, f"{tier}: {item!r} matches no sign in the checklist"
            assert {sign.tier for sign in signs} == {tier}, (tier, item)


def test_emergency_items_do_not_read_as_everyday_neck_pain(safety: SafetyText) -> None:
    """Neck pain with nausea alone is not an emergency: the heart item starts from chest pain,
    and the injury item is limited to a recent injury, not any old fall."""
    heart, *_ = tier_items(safety, "emergency")
    assert heart.lower().startswith("chest pain")
    injury = next(item for item in tier_items(safety, "emergency") if "crash" in item)
    assert "last few days" in injury


def test_only_the_emergency_tier_says_to_call_for_help_now(safety: SafetyText) -> None:
    screen = safety.red_flags
    assert "emergency" in screen.tier("emergency").heading.lower()
    assert "today" in screen.tier("today").heading.lower()
    assert "appointment" in screen.tier("recurring").heading.lower()
    assert "carry on" in screen.tier("recurring").intro.lower()
    for tier in ("today", "recurring"):
        text = " ".join((screen.tier(tier).heading, screen.tier(tier).intro)).lower()
        assert "ambulance" not in text and "emergency services" not in text
