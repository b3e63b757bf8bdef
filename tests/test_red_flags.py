"""The red-flag screen against a checklist of the warning signs in the content reference.

The checklist is the red-flag list of exercise-content.md section 4.1 plus the gaps issue 12 found
(a new, unusual headache with neck pain; a time frame for injuries; keeping the neck still).
Each sign is recognised by a pattern; the test insists it appears in its own tier and in no other,
and that every item on the screen is accounted for by some sign, so nothing drifts in unchecked.
The checklist itself is compared with the reference text (when ../shared/ is beside the clone):
each sign sits in the tier the reference gives it, and every reference item is covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


# --- the checklist against the reference itself ------------------------------------------------
#
# Each sign names the words of the reference's section 4.1 it comes from, in the reference's own
# tier. Two signs are additions issue 12 asked for (not in the reference); one reference sign is
# listed by the reference in two tiers and kept in one here (see MOVED).

REFERENCE_SOURCES: dict[str, str] = {
    "heart: chest pain or pressure": r"chest pain, pressure or tightness",
    "heart: breathlessness": r"shortness of breath",
    "heart: sweating": r"cold sweat",
    "heart: nausea": r"nausea",
    "heart: light-headedness": r"light-headedness",
    "meningitis: fever, stiff neck and headache": r"stiff neck",
    "meningitis: rash that does not fade": r"rash",
    "meningitis: dislike of bright light": r"bright light",
    "meningitis: vomiting": r"vomiting",
    "meningitis: confusion or drowsiness": r"confusion or drowsiness",
    "stroke: sudden severe headache": r"sudden, severe headache",
    "stroke: face, arm or leg weakness": r"face, arm or leg weakness",
    "stroke: slurred speech": r"slurred speech",
    "stroke: double vision": r"double vision",
    "stroke: trouble swallowing": r"trouble swallowing",
    "stroke: severe dizziness": r"severe dizziness",
    "stroke: unexplained falls": r"unexplained falls",
    "recent significant injury": r"significant injury",
    "cauda equina: bladder or bowel": r"bladder or bowel",
    "cauda equina: saddle numbness": r"genitals or buttocks",
    "new numbness, pins and needles or weakness": r"pins and needles",
    "clumsy hands, walking or balance change": r"clumsy",
    "severe or fast-worsening pain": r"getting rapidly worse",
    "pain at night whatever the position": r"at night",
    "pain on coughing or deep breathing": r"cough",
    "feeling unwell or feverish": r"feel unwell",
    "weight loss without trying": r"lost weight",
    "history of cancer": r"cancer",
    "weakened immune system": r"immune",
    "inflammatory arthritis": r"inflammatory arthritis",
    "osteoporosis with new pain": r"osteoporosis",
    "long-term steroids": r"steroids",
    "electric-shock feeling on bending the neck": r"electric-shock",
    "no better after days to weeks of self-care": r"hasn't improved",
    "keeps coming back": r"keeps returning",
    "gets in the way of work or sleep": r"working or sleeping",
}
ADDED_BY_ISSUE_12 = {"injury: keep the neck still", "new, unusual headache with neck pain"}
MOVED = {"heart: breathlessness": ("today", r"short of breath")}
"""The reference also lists breathlessness under "today"; issue 12 keeps it in one tier (the
emergency one, beside chest pain), so the data must not have it under "today"."""

_REFERENCE_HEADINGS: dict[Tier, str] = {
    "emergency": "**Call emergency services now",
    "today": "**Get medical advice today",
    "recurring": "**Book a normal appointment if**",
}


def shared_reference() -> Path | None:
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "shared", here.parents[3] / "shared"):
        reference = candidate / "reference" / "exercise-content.md"
        if reference.is_file():
            return reference
    return None


@pytest.fixture(scope="module")
def reference_tiers() -> dict[Tier, list[str]]:
    """The red-flag items of exercise-content.md section 4.1, per tier (the "book an
    appointment" tier is one sentence, kept whole)."""
    reference = shared_reference()
    if reference is None:
        pytest.skip("no ../shared/reference/exercise-content.md beside the clone")
    text = reference.read_text(encoding="utf-8")
    section = text[text.index("### 4.1") : text.index("### 4.2")]
    tiers: dict[Tier, list[str]] = {tier: [] for tier in TIERS}
    current: Tier | None = None
    for raw in section.splitlines():
        line = raw.removeprefix("> ").strip()
        for tier, heading in _REFERENCE_HEADINGS.items():
            if line.startswith(heading):
                current = tier
                if tier == "recurring":
                    tiers[tier].append(line.removeprefix(heading))
        if line.startswith("- ") and current in ("emergency", "today"):
            tiers[current].append(line.removeprefix("- "))
    assert [len(tiers[tier]) for tier in TIERS] == [5, 6, 1], tiers
    return tiers


def test_every_checklist_sign_is_from_the_reference_or_an_issue_12_addition() -> None:
    labels = {sign.label for sign in CHECKLIST}
    assert set(REFERENCE_SOURCES) | ADDED_BY_ISSUE_12 == labels
    assert not set(REFERENCE_SOURCES) & ADDED_BY_ISSUE_12


@pytest.mark.parametrize(
    "sign", [sign for sign in CHECKLIST if sign.label in REFERENCE_SOURCES], ids=lambda s: s.label
)
def test_each_sign_sits_in_the_tier_the_reference_gives_it(
    reference_tiers: dict[Tier, list[str]], sign: Sign
) -> None:
    source = re.compile(REFERENCE_SOURCES[sign.label], re.IGNORECASE)
    assert any(source.search(item) for item in reference_tiers[sign.tier]), (
        f"{sign.label}: {source.pattern!r} is not in the reference's {sign.tier} list"
    )


def test_every_reference_item_is_covered_by_a_sign_of_its_tier(
    reference_tiers: dict[Tier, list[str]],
) -> None:
    for tier in TIERS:
        for item in reference_tiers[tier]:
            covering = [
                sign.label
                for sign in CHECKLIST
                if sign.tier == tier
                and sign.label in REFERENCE_SOURCES
                and re.search(REFERENCE_SOURCES[sign.label], item, re.IGNORECASE)
            ]
            moved = [
                label
                for label, (from_tier, pattern) in MOVED.items()
                if from_tier == tier and re.search(pattern, item, re.IGNORECASE)
            ]
            assert covering, f"{tier}: {item!r} has no sign in the checklist"
            for label in moved:  # listed twice by the reference: kept in one tier here
                assert label not in covering


def test_a_sign_the_reference_lists_twice_is_kept_in_one_tier(
    reference_tiers: dict[Tier, list[str]], safety: SafetyText
) -> None:
    for label, (from_tier, pattern) in MOVED.items():
        assert any(re.search(pattern, item) for item in reference_tiers[from_tier])
        [sign] = [sign for sign in CHECKLIST if sign.label == label]
        assert sign.tier != from_tier
        assert not any(matches(sign, item) for item in tier_items(safety, from_tier))
