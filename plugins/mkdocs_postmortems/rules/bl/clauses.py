"""Blame that a clause's structure carries rather than a subject and a blame verb.

- a person as the agent of a passive: "the release was botched by the release manager";
- a person inside the cause: "the root cause is that Marta skipped the canary";
- a counterfactual about a person: "had the on-call engineer been paying attention";
- an exhortation: "engineers must pay more attention".
Each frame starts at a literal anchor found with str.find; the pattern then runs only in
the sentence around it, and the noun phrase must name a person (`matching.is_person`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .matching import Context, Found, is_person
from .rewrite import rewrite_for
from .vocabulary import PERSON, SENTENCE_START

if TYPE_CHECKING:
    from ..text import Span

WHO = rf"(?P<who>{PERSON}|him|her|them)(?![\w-])"


class _Lazy:
    """A pattern compiled when first used. The patterns that embed the person vocabulary
    (WHO) take tens of milliseconds each to compile, and many texts never reach one:
    `postmortems check FILE` in a pre-commit hook pays only for what it uses."""

    __slots__ = ("_compiled", "_flags", "_pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern, self._flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern, self._flags)
        return self._compiled

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self._get().match(text, pos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._get().search(text, pos, endpos)


Pattern = "re.Pattern[str] | _Lazy"
# "who" after a noun refers to a person ("which" to a thing)
RELATIVE_WHO = re.compile(r"\s*,?\s*who\b", re.I)
# the first person plural and everyone: an exhortation to them is about people
GROUPS = frozenset({"we", "everyone", "everybody", "people", "folks", "team", "teams"})


# Each frame: the literal anchors, a pattern matched at an anchor (`forward`), and one
# searched in the words just before it (`back`, ending at the anchor), or None.
PARTICIPLE = re.compile(
    r"(?:\b(?:caus|trigger|botch|introduc|mishandl|bungl|fumbl|overlook|ignor|neglect|skipp"
    r"|bypass|screw|mess)ed(?:\s+up)?|\bbroken|\bmissed|\bforgotten|\bdropped"
    r"|\b(?:mistakes?|errors?|typos?|blunders?|oversights?|slips?|negligence|carelessness)"
    r"(?:\s+(?:was|were)\s+made)?)$",
    re.I,
)
# the agent of a cause or failure verb ("caused by", "was botched by", "a typo by")
AGENT = _Lazy(rf"\s+(?:by|on\s+the\s+part\s+of)\s+{WHO}", re.I)
# a person as the subject of the cause ("root cause: Marta ran", "the cause was that he")
ACTIVE = (
    r"(?:did\s+not|didn't|never|had\s+not|hadn't|(?!(?:was|were|had|got|received|reported"
    r"|noticed|opened|declared|paged)\b)[a-z]+ed|ran|made|took|went|put|set|sent|gave|wrote"
    r"|chose|left|forgot|broke|did|began|hit|let|cut|pushed|typed|kept)\b"
)
CAUSE_HEAD = re.compile(
    r"(?:\b(?:root|primary|main|underlying|direct|real|actual|proximate)[\s-]+|\bthe\s+)$", re.I
)
CAUSE = _Lazy(
    r"(?:cause|trigger)(?:\s+(?:of|for)\s+(?:the|this)\s+[\w-]+)?\s*(?:was|is|:|-|—|=)\s*"
    rf"(?:that\s+|simply\s+)?{WHO}\s+(?:\w+ly\s+)?(?P<verb>{ACTIVE})",
    re.I,
)
BECAUSE = _Lazy(
    rf"(?:because\s+of|due\s+to|blamed?\s+on|fault\s+of)\s+{WHO}"
    r"(?:\s*(?:[.,;:!?]|$)|['’]s?\s+(?:mistake|error|slip|oversight|negligence|carelessness"
    r"|inattention|lapse|failure|actions?|inaction|change|typo))",
    re.I,
)
# "had the on-call been paying attention", "if they had read the runbook"
ATTENTIVE = (
    r"been\s+(?:more\s+|paying|watching|awake|attentive|alert|careful|diligent|thorough"
    r"|quicker|faster|looking|on\s+(?:the\s+)?ball|around|at\s+(?:the\s+)?(?:desk|keyboard))"
    r"|(?!(?:been|had|known|received|got|gotten|access|the|a|an|no|any|more|time|enough)\b)"
    r"[a-z]+(?:ed)?(?:\s+(?:the|it|this|that|their|his|her|up)\b)?"
)
HAD = _Lazy(rf"had\s+{WHO}\s+(?:only\s+|just\s+)?(?:not\s+)?(?P<verb>{ATTENTIVE})", re.I)
# "Had X been ..." starts a sentence or follows a comma, "and", "but" or "if"
INVERTED = re.compile(r"(?:^|[.!?]\s+|[,;:(\n]\s*|\b(?:and|but|if|only)\s+)$", re.I)
IF = _Lazy(
    rf"if\s+(?:only\s+)?{WHO}\s+(?:had\s+(?:only\s+|just\s+)?(?:not\s+)?(?P<verb>{ATTENTIVE})"
    r"|(?:was|were)\s+(?:paying|more\s+careful|watching|awake|attentive))",
    re.I,
)
WORD_START = re.compile(r"(?:^|[^\w@.-])$")
# "engineers must pay more attention", "John needs to be more careful"
EXHORT = re.compile(
    r"(?:needs?\s+to|must|should|has\s+to|have\s+to|ought\s+to)\s+(?:always\s+|now\s+|really\s+|simply\s+|just\s+|also\s+)?"
    r"(?:be\s+(?:more\s+|extra\s+|much\s+more\s+)?(?:careful|attentive|diligent|vigilant"
    r"|thorough|mindful|disciplined|alert|cautious)|pay\s+(?:more\s+|closer\s+|better\s+"
    r"|extra\s+)?attention|(?:double|triple)[\s-]check|take\s+(?:more\s+|extra\s+|better\s+)?"
    r"care|remember\s+to|not\s+forget|never\s+forget|stop\s+\w+ing|slow\s+down"
    r"|think\s+(?:twice|harder|before)|try\s+harder|do\s+better|learn\s+(?:to|from)"
    r"|read\s+(?:the\s+)?(?:runbook|docs|documentation|instructions|alerts?)"
    r"|(?:actually\s+)?follow\s+(?:the\s+)?(?:runbook|process|procedure|checklist|instructions"
    r"|steps|rules))\b",
    re.I,
)
EXHORTED = _Lazy(
    rf"(?:(?<![\w@.-]){WHO}|\b(?P<we>we|everyone|everybody|people|folks|teams?))"
    r"\s+(?:really\s+|simply\s+|just\s+|all\s+|will\s+|also\s+)?$",
    re.I,
)
ASKED = _Lazy(
    rf"(?:need|expect|ask|remind)\s+{WHO}\s+to\s+(?:be\s+more\s+\w+"
    r"|pay\s+(?:more\s+|closer\s+)?attention|double[\s-]check|take\s+(?:more\s+)?care)",
    re.I,
)
Frame = tuple[str, "re.Pattern[str] | None", Pattern]
FRAMES: dict[str, tuple[Frame, ...]] = {
    " by ": (("agent", PARTICIPLE, AGENT),),
    "cause": (("cause", CAUSE_HEAD, CAUSE),),
    "trigger": (("cause", CAUSE_HEAD, CAUSE),),
    **dict.fromkeys(("because of", "due to", "blame", "fault of"), (("cause", None, BECAUSE),)),
    "had ": (("counterfactual", INVERTED, HAD),),
    "if ": (("counterfactual", WORD_START, IF),),
    **dict.fromkeys(("must", "should", "has to", "have to", "ought"), (("exhort", None, EXHORT),)),
    "need": (("exhort", None, EXHORT), ("exhort", None, ASKED)),
    **dict.fromkeys(("expect", "ask ", "remind "), (("exhort", None, ASKED),)),
}  # fmt: skip
STEMS = tuple(FRAMES)


def anchors_in(low: str) -> list[tuple[int, str]]:
    """Where each frame's anchor starts in `low`, in order (the plain path; the fast path
    finds the same stems with its anchor table)."""
    return sorted((at, stem) for stem in STEMS for at in _all(low, stem))


def _all(low: str, stem: str) -> Iterator[int]:
    at = low.find(stem)
    while at >= 0:
        yield at
        at = low.find(stem, at + 1)


def clause_blame(
    span: Span, low: str, ctx: Context, found: list[Found], anchors: list[tuple[int, str]]
) -> Iterator[Found]:
    """Findings of the frames at `anchors` in `span` (`low` is its lowercase text) that
    are not in a sentence of `found`."""
    text = span.text
    taken: list[tuple[int, int]] | None = None
    frames = [(at, frame) for at, stem in anchors for frame in FRAMES[stem]]
    for at, (kind, back, forward) in frames:
        # the words before first: the forward patterns are the costly ones to compile
        head = back.search(text, max(0, at - 60), at) if back is not None else None
        if back is not None and head is None:
            continue
        match = forward.match(text, at)
        if match is None:
            continue
        if forward is EXHORT:  # the person stands before the modal
            person = EXHORTED.search(text, max(0, at - 80), at)
            if person is None:
                continue
            who = person.group("who") or person.group("we")
            who_at = person.start()
            who_end = person.end("who") if person.group("who") else person.end()
            before = text[max(0, who_at - 40) : who_at]
            phrase_at = who_at
        else:
            who, who_at, who_end = match.group("who"), match.start("who"), match.end("who")
            before = ""  # the frame places the person; no object check
            phrase_at = head.start() if head is not None and kind != "counterfactual" else at
        sentence = span.sentence(at)
        if taken is None:
            taken = [span.sentence(f.start) for f in found]
        if sentence in taken:
            continue
        group = who.lower() in GROUPS or bool(RELATIVE_WHO.match(text, who_end))
        at_start = bool(SENTENCE_START.match(text[sentence[0] : who_at]))
        if group or is_person(ctx, who, before, True, at_start or kind == "counterfactual"):
            taken.append(sentence)
            start = phrase_at if kind == "counterfactual" else who_at
            yield _found(kind, text, (start, phrase_at, match.end()), who)


def _found(kind: str, text: str, where: tuple[int, int, int], who: str) -> Found:
    """`where`: the finding's start, the quoted phrase's start, and the end of both."""
    who = " ".join(who.split())
    start, phrase_at, end = where
    phrase = " ".join(text[phrase_at:end].split())
    advice, rewrite = rewrite_for(kind, text, end, phrase)
    if kind == "counterfactual":
        return Found(
            "BL104",
            start,
            end,
            f"`{phrase}` is a counterfactual about what `{who}` did; say what was visible "
            "at the time",
            advice,
            rewrite,
        )
    messages = {
        "agent": f"`{who}` is named as the agent in `{phrase}`: this puts a person where a "
        "system belongs; describe the change and what let it through",
        "cause": f"`{who}` is put in the cause (`{phrase}`): name the condition or the "
        "change, not the person",
        "exhort": f"`{phrase}` asks people to try harder: exhortations change nothing in "
        "the system; name the safeguard",
    }
    return Found("BL101", start, end, messages[kind], advice, rewrite)
