"""Blameless rewrites: a sentence built from the flagged one, or a generic one.

A rewrite is built only from a part whose grammar is known (the base verb after "to" or
"did not", a noun phrase after "caused"), so the result reads as a sentence; otherwise
the kind's generic rewrite is used. tests/test_blameless.py checks every rewrite the
labelled sentences produce.
"""

from __future__ import annotations

import re

# The words after a verb, up to the end of its clause.
CLAUSE = re.compile(r"\s*(?:,\s*)?(?P<rest>[^.;:!?|()\n,—–\"“”]*)")
CLAUSE_END = re.compile(
    r"\s+(?:because|when|after|before|while|since|so|then|which|who|but|by|during|until"
    r"|despite|although|as|and|or|even|instead|without|on\s+(?:monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday))\b.*$",
    re.I | re.S,
)
DETERMINER = re.compile(
    r"^(?:the|a|an|this|that|these|those|its|every|all|some|no|each|both|two|three|our)\s", re.I
)
POSSESSIVE = re.compile(r"^(?:his|her|their|my|your)\s+", re.I)
NOT_NOUN = re.compile(
    r"^(?:to|that|it's|if|how|what|why|whether|there|then|not|be|been|being|up|out|off|in|on"
    r"|with|for|at|from|about|into|over|back|down|away|again)\b|^\w+(?:ed|ing|ly)\b",
    re.I,
)
IRREGULAR = re.compile(r"^(?:ran|made|took|went|put|set|sent|gave|wrote|chose|left|did|began)\b")

GENERIC = {
    "skip": "The step was manual, and nothing checked that it was done.",
    "fail": "The step was manual, and nothing checked that it was done.",
    "not": "The step was manual, and nothing checked that it was done.",
    "never": "Nothing in the process required this step, and nothing checked that it was done.",
    "should": "Nothing in the process prompted this step, and the tooling did not require it.",
    "careless": "The command ran against production without a confirmation step.",
    "fault": "The pipeline allowed an untested change to reach production.",
    "mistake": "The change had an error that no review or validation caught.",
    "missed": "The signal did not stand out among the others, and nothing escalated it.",
    "caused": "A change reached production without a check that would have stopped it.",
    "skipped": "The step could be skipped, and nothing in the tooling enforced it.",
    "panic": "Under time pressure the runbook offered no safe first step, so a restart was tried.",
    "duty": "The task depended on one person remembering it, and nothing tracked it.",
    "assumed": "Nothing at the time showed that the assumption was wrong.",
    "adverb": "The tool allowed this action without a confirmation or a safeguard.",
    "agent": "A change went out that no check stopped.",
    "cause": "The tooling let this step run without a safeguard.",
    "counterfactual": "The signal was not visible enough at the time to stand out.",
    "exhort": "A check in the tooling now catches this, so it no longer depends on care.",
    "human": "The tooling let the slip through because no check stood in its way.",
    "word": "The review describes what happened and what allowed it, without judging anyone.",
    "hindsight": "The disk graph was on a dashboard nobody had open, and no alert existed for it.",
}
ADVICE = {
    "skip": "Make the step the subject and say what let it be skipped.",
    "fail": "Make the step the subject and say what let it be skipped.",
    "not": "Make the step the subject and say what let it be skipped.",
    "never": "Make the step the subject and say what let it be skipped.",
    "should": "Name the missing safeguard instead of what a person should have done.",
    "careless": "Describe the conditions that made the task easy to get wrong, not the person.",
    "fault": "Name the contributing conditions instead of a responsible person.",
    "mistake": "Describe the change and what let it through.",
    "missed": "Say why the signal did not stand out (noise, routing, no escalation).",
    "caused": "Make the change or the system the subject, and say what let it through.",
    "skipped": "Say what allowed the step to be skipped.",
    "panic": "Describe what the responder saw and what the runbook offered at that moment.",
    "duty": "Say how the task was tracked and what would have caught it being missed.",
    "assumed": "Say what made the assumption reasonable at the time.",
    "adverb": "Drop the judgement; describe the action and what allowed it.",
    "agent": "Leave out who did it; describe the change and the missing check.",
    "cause": "Put the condition or the change in the cause, not the person.",
    "counterfactual": "Describe what was visible at the time, not what someone should have done.",
    "exhort": "Replace the appeal to people with a change to the system.",
    "human": "Say what the system did not prevent instead of stopping at human error.",
    "word": "Describe what happened and what allowed it, without judging anyone.",
    "hindsight": "Describe what the responders saw then.",
}


def _rest(text: str, start: int) -> str:
    """The words after `start` to the end of their clause (at most ten)."""
    match = CLAUSE.match(text, start)
    rest = CLAUSE_END.sub("", match.group("rest") if match else "")
    words = rest.split()[:10]
    while words and words[-1].lower() in ("the", "a", "an", "and", "or", "to", "of", "in", "on"):
        words.pop()
    return " ".join(words)


def _noun_phrase(text: str) -> str:
    """`text` if it reads as a noun phrase (possessives become "the"), else ""."""
    text = POSSESSIVE.sub("the ", text)
    if not text or NOT_NOUN.match(text) or IRREGULAR.match(text):
        return ""
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def rewrite_for(kind: str, text: str, end: int, verb: str) -> tuple[str, str]:
    """(advice, rewrite) for a finding of `kind` whose verb or phrase ends at `end`."""
    if kind == "adverb" and verb.lower().endswith(("assumed", "believed", "thought")):
        kind = "assumed"
    advice, generic = ADVICE[kind], GENERIC[kind]
    rest = _rest(text, end)
    built = ""
    if kind in ("skip", "fail", "not"):
        low = verb.lower()
        if kind == "not":  # "did not check": the base verb is the last word
            base = " ".join(low.split()[2:] if low.split()[1] == "not" else low.split()[1:])
            phrase = f"{base} {rest}".strip()
            built = f"The step to {phrase} was manual, and nothing checked that it was done."
        elif rest.lower().startswith("to ") or kind == "fail":
            phrase = re.sub(r"^to\s+", "", rest, flags=re.I)
            if phrase and not re.match(r"\w+(?:ed|ing)\b", phrase):
                built = f"The step to {phrase} was manual, and nothing checked that it was done."
        elif noun := _noun_phrase(rest):
            built = f"{_capital(noun)} was a manual step, and nothing checked that it was done."
    elif kind == "mistake":
        noun = verb.split()[-1].lower().rstrip("s")
        place = rest if re.match(r"(?:in|on|to|with|for)\s+\S", rest, re.I) else ""
        article = "An" if noun[:1] in "aeiou" else "A"
        if place:
            built = f"{article} {noun} {place} was not caught by review or validation."
        else:
            built = f"The {noun} was not caught by review or validation."
    elif kind in ("missed", "skipped") and not verb.lower().startswith(("let", "dropped")):
        noun = _noun_phrase(rest)
        if noun and kind == "missed":
            built = f"{_capital(noun)} did not stand out among the other signals."
        elif noun:
            built = f"{_capital(noun)} could be skipped, and nothing in the tooling enforced it."
    elif kind == "caused" and verb.lower() in ("caused", "causes", "broke"):
        noun = _noun_phrase(rest)
        if noun:
            past = "caused" if verb.lower().startswith("caus") else "broke"
            built = f"The change that {past} {noun} was not stopped by any check."
    elif kind == "assumed":
        clause = re.sub(r"^that\s+", "", rest, flags=re.I)
        if len(clause.split()) >= 3 and re.search(
            r"\b(?:was|were|is|are|had|would|could)\b", clause
        ):
            built = f"Nothing at the time contradicted the belief that {clause}."
    return advice, built or generic
