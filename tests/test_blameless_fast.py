"""The fast BL path (`scan_spans`) finds exactly what `find_blame` finds, span by span.

`scan_spans` looks for anchors with str.find and runs each pattern only over the clause
around an anchor; `find_blame` is the plain per-paragraph version it must agree with.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml
from mkdocs_postmortems.rules import ai, bl
from mkdocs_postmortems.rules.text import body_spans
from mkdocs_postmortems.settings import LintSettings, Settings

DATA = Path(__file__).parent / "data" / "blameless_sentences.yaml"
KINDS = Path(__file__).parent / "data" / "blameless_kinds.yaml"

SUBJECTS = [
    "John", "@sam", "@sam.lee", "@ops-team", "The on-call engineer", "the engineer", "Someone",
    "He", "They", "Priya Nair", "J. R. Bob", "our senior database admin", "two engineers",
    "the SRE on call", "Max", "Zed;x",
]  # fmt: skip
MODIFIERS = [
    "", " also", " had", ", who was tired,", " , as usual ;", " `kubectl get pods`", "   \n  ",
    ". ", "; then", " unfortunately just", " (see https://example.com/runbook)",
]  # fmt: skip
VERBS = [
    "forgot to", "failed to restart", "failed to receive", "did not check", "didn't bother",
    "never checked", "should have", "should have been paged", "was careless",
    "was not careful enough", "is to blame", "was at fault", "made a typo",
    "made two small mistakes", "ignored", "missed", "caused", "broke", "messed up", "botched",
    "FORGOT", "Caused", "did not\n   verify", "let the bug slip through", "panicked",
    "was supposed to", "wrongly assumed", "carelessly ran", "skipped",
]  # fmt: skip
TAILS = [
    " the alert.", " it; no one noticed.", "", " the deploy: it was obvious.", " — human error.",
    " the Root cause was human error.", " It should have been obvious.",
    " any competent engineer would know.", " a formal warning was issued to the engineer.",
    " (his own fault).", " fault-tolerance", " blameless, no blame.",
    " could've easily seen it", " in hindsight, it was obvious", " operator-  error caused it",
    " a no-brainer", " oops! said the faulty gear", " because of the new hire.",
    " was botched by the release manager.", " Had they been paying attention, fine.",
    " Engineers must pay more attention.", " Root cause: Marta ran it.",
    " Human error in not knowing the flag.",
]  # fmt: skip
SETTINGS = [
    Settings(),
    # configured words and persons with characters that split clauses elsewhere
    Settings(lint=LintSettings(persons=["J. R. Bob", "Zed;x"], blame_words=["faulty", "oops!"])),
]


def texts() -> list[str]:
    """The labelled sets and sentences built to hit the edge cases."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out = [*data["blame"], *data["blameless"]]
    for sets in yaml.safe_load(KINDS.read_text(encoding="utf-8")).values():
        out += [*(sets["blame"] or []), *(sets["blameless"] or [])]
    sentences = [s for t in out for s in re.split(r"(?<=[.!?])\s+", t) if s.strip()]
    rnd = random.Random(1)
    for _ in range(1500):
        text = rnd.choice(SUBJECTS) + rnd.choice(MODIFIERS) + " " + rnd.choice(VERBS)
        text += rnd.choice(TAILS)
        if rnd.random() < 0.5:
            text = f"{rnd.choice(sentences)} {text} {rnd.choice(sentences)}"
        if rnd.random() < 0.1:
            text = text.replace("i", "ı", 1).replace("s", "ſ", 1)  # re.I folds these
        out.append(text)
    out += [" ".join(rnd.sample(sentences, 4)) for _ in range(300)]
    return out


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "configured"])
def test_fast_path_finds_what_the_plain_path_finds(settings: Settings) -> None:
    ctx = bl.context(settings, ("Nadia Q",))
    flagged = 0
    for text in texts():
        prose = list(body_spans(text))
        fast = [(prose.index(span), found) for span, found in bl.scan_spans(prose, ctx)]
        plain = [(i, found) for i, span in enumerate(prose) for found in bl.find_blame(span, ctx)]
        assert fast == plain, text
        flagged += bool(plain)
    assert flagged > 500  # the comparison covered many findings, not only clean prose


@pytest.mark.parametrize(
    ("text", "code", "quoted"),
    [
        ("@sam.lee forgot to renew the certificate.", "BL101", "`@sam.lee` is the subject"),
        ("John `kubectl drain` forgot to uncordon the node.", "BL101", "`John` is the subject"),
        ("John, who was on call; forgot to page.", None, None),  # ";" ends the who clause
        ("John, who was on call, forgot to page.", "BL101", "`John` is the subject"),
        ("Root cause: human\n  error.", "BL102", "`human\n  error`"),
        ("It was, in hindsight, obvious.", "BL104", "`in hindsight, obvious`"),
        ("In hindsight, it was obvious.", "BL104", "`In hindsight, it was obvious`"),
        ("The fault-tolerance layer held.", None, None),
        ("It was his own fault.", "BL103", "`his own fault`"),
        ("The KAFKA broker broke.", None, None),
        ("Someone dıd not check the backup.", "BL101", "`Someone` is the subject"),
    ],
)
def test_clause_edges(text: str, code: str | None, quoted: str | None) -> None:
    found = bl.scan_text(text, Settings())
    ctx = bl.context(Settings())
    assert found == [f for span in body_spans(text) for f in bl.find_blame(span, ctx)]
    if code is None:
        assert found == []
    else:
        assert [f.code for f in found] == [code]
        assert quoted is not None and quoted.replace("\n  ", " ") in found[0].message.replace(
            "\n  ", " "
        )


def test_anchors_are_in_every_blame_verb() -> None:
    """Each BL101 verb, alone after a subject, leaves an anchor that its clause is run for."""
    samples = [
        "forgot", "forgets", "forgotten", "neglected", "fails to", "failed to", "fail to",
        "did not check", "doesn't verify", "do not pay attention", "never followed",
        "shouldn't have", "should've", "ought to have", "was being very careless",
        "were not careful enough", "is not paying attention", "was too distracted",
        "was solely to blame", "are at fault", "was responsible for the outage",
        "made a typo", "made several small config errors", "ignored", "overlooks",
        "missed", "misses", "caused", "causes", "broke", "messed up", "screwed up",
        "fouled up", "botched", "let the bug slip through", "dropped the ball", "skipped",
        "bypassed", "panicked", "was supposed to", "wrongly assumed", "assumed, wrongly,",
        "accidentally deleted", "could have prevented", "never did", "did not heed",
    ]  # fmt: skip
    ctx = bl.context(Settings())
    for verb in samples:
        text = f"The engineer {verb} the step."
        assert bl.scan_text(text, Settings()), verb
        low = text.lower()
        assert any(
            low.startswith(stem, at) and check(low, at, len(stem))
            for root, stems in bl.anchor_table(ctx.word_stems)
            for stem, kind, check in stems
            if kind == 0
            for at in range(len(low))
        ), verb


def test_action_item_gate_lets_every_blame_target_through() -> None:
    titles = [
        "Remind John to check disk space", "Tell the on-call to be careful", "Warn @sam",
        "Ask Priya to double-check", "Talk to the engineers", "Speak with him",
        "Re-train the operator", "Retrain the operator", "Coach the responder",
        "Discipline the intern", "Reprimand the admin", "Counsel them",
        "Have a word with John", "Make sure everyone", "@sam to be more careful",
        "The on-call must be careful", "Engineers should remember the runbook",
        "John needs to pay attention", "The operator has to double-check",
        "The SRE will stop skipping steps", "Admins must not forget", "John should never",
        "The responder must take more care", "Engineers must always re-read",
        "@sam to retake the course", "The intern to attend the training",
        "Developers must complete the training",
    ]  # fmt: skip
    for title in titles:
        assert ai.BLAME_TARGET.search(title), title
        assert ai._may_target(title), title
    assert not ai._may_target("Add a disk alert at 80 % to every database")
