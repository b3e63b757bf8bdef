"""Did-you-mean suggestions for misspelt keys, values and ids."""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The candidates that look most like `word`, best first (empty when nothing is close).

    Case is ignored. Abbreviations come first (`secs` -> `seconds` before `sets`, because
    people shorten words they know), then spelling slips as difflib ranks them.
    """
    import difflib  # only when a word is misspelt: the all-day service seldom needs it

    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = word.casefold()
    if folded in by_folded:
        return [by_folded[folded]][:limit]
    similar = difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.6)
    abbreviated = [
        candidate
        for candidate in by_folded
        if len(folded) >= 2 and candidate[0] == folded[0] and _is_subsequence(folded, candidate)
    ]
    abbreviated.sort(
        key=lambda candidate: -difflib.SequenceMatcher(None, folded, candidate).ratio()
    )
    ranked = list(dict.fromkeys([*abbreviated, *similar]))
    return [by_folded[candidate] for candidate in ranked[:limit]]


def _is_subsequence(short: str, long: str) -> bool:
    """Whether every character of `short` appears in `long`, in order."""
    remaining = iter(long)
    return all(char in remaining for char in short)
