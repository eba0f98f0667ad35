"""BL: blameless language.

"Humans are not root causes. Systems that allow human error are root causes."
These rules read the prose of a post-mortem (body and front-matter text, see
`text.py`) and flag sentences that put a person where a system belongs. Each
rule is a precompiled pattern plus a little context check; the word lists are
module-level data, extended by `lint.persons`, `lint.blame_words` in mkdocs.yml.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from .base import Hit, rule
from .text import Span, body_spans, spans

if TYPE_CHECKING:
    from ..entry import Entry
    from ..settings import Settings

# --- who counts as a person ------------------------------------------------------------

# Common first names. Names that are also ordinary words or months (May, Will, Mark,
# Grant, Max, Ruby, Chase...) are left out: a capitalised "Max" is more often a setting.
COMMON_NAMES = frozenset(
    """
    Aaron Adam Adrian Ahmed Aisha Alan Alex Alexander Alexandra Alice Alicia Amanda Amir Amy
    Ana Andrea Andrew Angela Anna Anne Anthony Arjun Ben Benjamin Beth Bob Brian Carla Carlos
    Caroline Catherine Charles Charlie Chen Chris Christina Christopher Claire Daniel Dave
    David Diana Diego Dmitri Elena Eli Elizabeth Emily Emma Eric Erik Eva Fatima Felix Fiona
    Gabriel George Hannah Hans Helen Henry Hiroshi Ian Igor Isabel Ivan Jacob James Jane Jason
    Jennifer Jenny Jessica Jim Joe John Jon Jonathan Jorge Jose Joseph Josh Juan Julia Julie
    Karen Kate Katie Kevin Kim Laura Lauren Leo Linda Lisa Liam Lucas Lucy Luis Maria Marie
    Martin Mary Matt Matthew Maya Michael Michelle Miguel Mike Mohammed Nadia Nancy Natalie
    Nick Nicole Nina Noah Olivia Omar Oscar Pablo Paul Paula Peter Priya Rachel Rahul Raj
    Rebecca Richard Robert Roberto Ryan Sam Samuel Sandra Sara Sarah Scott Sean Sergei Simon
    Sofia Sophie Stefan Steve Steven Susan Thomas Tim Tom Tomas Tomás Tony Victoria Wei
    William Yuki Zoe
    """.split()  # noqa: SIM905  (a word block reads better than 180 quoted names)
)

ROLE = (
    r"(?:on-?call|on\s+call)(?:\s+(?:engineer|person|sre|developer|operator|admin))?"
    r"|engineer|operator|developer|dev|sre|sysadmin|admin|administrator|dba|technician"
    r"|employee|contractor|intern|team\s+member|staff\s+member|responder|human"
    r"|incident\s+commander|release\s+manager"
)
ROLE_MODIFIER = (
    r"on-?call|responding|junior|senior|new|same|database|network|release|support|platform"
    r"|infrastructure|backend|frontend|devops|duty|primary|secondary|lead|responsible|other"
)
ROLES_PLURAL = r"engineers|operators|developers|devs|admins|administrators|sres|responders"
HANDLE = r"@[A-Za-z0-9][\w.-]*"
# team handles own work but are not people a sentence can blame
TEAM_HANDLE = re.compile(r"[-_.](?:team|squad|oncall|on-call|sre|ops|bot|group)$|^@team", re.I)

SUBJECT = (
    rf"(?P<subject>{HANDLE}"
    r"|(?-i:[A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?)"  # a capitalised word: checked against names
    rf"|(?:the|an?|our|one|another|that|this)\s+(?:(?:{ROLE_MODIFIER})\s+)*(?:{ROLE})"
    r"(?:\s+on[\s-]call)?"
    rf"|(?:the\s+|our\s+|two\s+|several\s+|some\s+)?(?:{ROLES_PLURAL})"
    r"|he|she|they|someone|somebody)"
)
# words allowed between the subject and its verb
MODIFIERS = (
    r"(?:\s*,\s*(?:who|as)\b[^,.;:|]{1,60},)?"
    r"(?:\s+(?:had|has|have|also|then|simply|just|accidentally|mistakenly|inadvertently"
    r"|unfortunately|apparently|clearly|obviously|again|once\s+again|completely|totally"
    r"|somehow|probably|evidently|carelessly|repeatedly|still|already|unknowingly"
    r"|unintentionally|initially|later|subsequently)){0,3}"
)

# (pattern, kind): kind picks the suggestion; "mind" verbs need a mind, so a bare "they"
# counts as a person only with them ("they failed to restart" is usually about pods).
BLAME_VERBS: tuple[tuple[str, str], ...] = (
    (r"forg[eo]t(?:s|ten)?\b", "skip"),
    (r"neglect(?:ed|s)?\b", "skip"),
    (r"fail(?:ed|s)?\s+to\b(?!\s+(?:receive|get|be)\b)", "fail"),
    (
        r"(?:did|does|do)(?:\s+not|n't)\s+(?:bother|check|verify|validate|test|follow|read"
        r"|notice|double-check|pay\s+attention|look|review|care|think|ask|wait|escalate"
        r"|confirm)\b",
        "skip",
    ),
    (
        r"never\s+(?:bothered|checked|verified|tested|followed|read|noticed|double-checked"
        r"|paid\s+attention|looked|reviewed|cared|asked|escalated|confirmed)\b",
        "skip",
    ),
    (
        # "should have been paged" is about the system; "should have been more careful" is not
        r"(?:should(?:n't)?(?:\s+have|'ve)|ought\s+to\s+have)\b"
        r"(?!\s+been\s+(?!more\b|careful|aware|able|paying|quicker|faster)\w+(?:ed|en|wn|ld|ght)\b)"
        r"(?!\s+(?:had|got|gotten|received)\b)",
        "should",
    ),
    (
        r"(?:was|were|is|are|been)\s+(?:being\s+)?(?:very\s+|too\s+|so\s+|extremely\s+)?"
        r"(?:careless|negligent|sloppy|lazy|inattentive|reckless|distracted"
        r"|not\s+careful(?:\s+enough)?|not\s+paying\s+attention)\b",
        "careless",
    ),
    (
        r"(?:was|is|were|are)\s+(?:solely\s+|directly\s+|personally\s+)?(?:to\s+blame|at\s+fault"
        r"|responsible\s+for\s+(?:the\s+|this\s+)?(?:outage|incident|failure|downtime|mistake"
        r"|error|breakage))\b",
        "fault",
    ),
    (
        r"made\s+(?:(?:a|an|the|another|several|multiple|two|some|one|this|that)\s+)?"
        r"(?:[\w-]+\s+){0,2}?(?:mistake|error|typo|blunder|misstep|oversight|slip)s?\b",
        "mistake",
    ),
    (r"(?:ignor|overlook)(?:ed|es|s)\b|miss(?:ed|es)\b", "missed"),
    (r"caus(?:ed|es)\b|broke\b|(?:messed|screwed|fouled)\s+up\b|botched\b", "caused"),
)
MIND_KINDS = frozenset({"skip", "should", "careless", "fault", "mistake"})
VERB = "|".join(f"(?P<v{i}>{pattern})" for i, (pattern, _) in enumerate(BLAME_VERBS))

# the subject must not be the object of a preposition or verb ("the page to the on-call failed")
OBJECT_OF = re.compile(
    r"\b(?:to|for|from|with|by|of|about|at|on|into|onto|than|like|without|whether|paged|pages"
    r"|page|paging|notified|notify|alerted|alert|told|tell|asked|ask|called|woke|informed"
    r"|inform|assigned|gave|give|given|let|made|make|helped|help|reach|reached|reaching)\s+$",
    re.I,
)
SENTENCE_START = re.compile(r"^[\s\"'(*_>|-]*(?:\d+[.)]\s*)?$")

# --- BL102: human error as the root cause ------------------------------------------------

HUMAN_ERROR = (
    r"(?:human|operator|user|personnel|people|pilot|engineer|staff|admin|administrator)"
    r"[\s-]+(?:errors?|mistakes?|failures?|faults?)\b"
)
AS_CAUSE = re.compile(
    r"(?:root[\s-]+cause|primary\s+cause|main\s+cause|caused\s+by|due\s+to|results?\s+of"
    r"|resulted\s+from|because\s+of|attributed\s+to|came\s+down\s+to|boils?\s+down\s+to"
    r"|blamed\s+on|traced\s+(?:back\s+)?to|owing\s+to|the\s+cause\s+(?:was|is)|cause\s*:)"
    rf"\W+(?:(?:was|is|an?|the|simple|pure|plain|basic|honest|single|unfortunate)\W+){{0,3}}"
    rf"(?P<phrase>{HUMAN_ERROR})"
    rf"|(?P<phrase2>{HUMAN_ERROR})\s+(?:(?:was|is|remains|has\s+been)\s+)?(?:the\s+)?"
    r"(?:(?:root|primary|main|direct|sole)\s+)?cause\b"
    rf"|(?P<phrase3>{HUMAN_ERROR})\s+(?:during\s+[^.;]{{1,60}}?\s+)?"
    r"(?:caused|led\s+to|resulted\s+in|triggered|brought\s+down|took\s+down)\b"
    rf"|(?:^|(?<=[.!?:]\s))\W*(?P<phrase4>{HUMAN_ERROR})\s*(?:[.!]|$)",
    re.I | re.M,
)
# the phrase inside a "Root cause" section counts as the cause even without "due to"
BARE_HUMAN_ERROR = re.compile(rf"(?P<phrase>{HUMAN_ERROR})", re.I)
ROOT_CAUSE_SECTION = re.compile(r"^(?:root\s+causes?|causes?|why\s+it\s+happened)\b", re.I)
# "rather than human error", "not human error", "a system that allowed human error"
DISCOUNTED = re.compile(
    r"\b(?:not|n't|never|no|rather\s+than|instead\s+of|beyond|stop(?:ping|s)?\s+at|allow(?:ed|s)?"
    r"|let|lets|permit(?:ted|s)?|prevent(?:ed|s|ing)?|catch(?:es)?|caught|tolerat(?:e|ed|es)"
    r"|made|make|makes|called|calling|labell?ed|labell?ing|than)\b[^.;]{0,30}$",
    re.I,
)

# --- BL103: blame and punishment words --------------------------------------------------

BLAME_WORDS = (
    r"blam(?:e|ed|es|ing|eworthy)(?![-\s]free)",
    r"(?:at|(?:his|her|their|your|my|someone's|somebody's|[A-Z][a-z]+'s)\s+(?:own\s+)?)fault",
    r"fault\s+(?:lies|lay|was\s+with)",
    r"negligen(?:ce|t|tly)",
    r"careless(?:ly|ness)?",
    r"slopp(?:y|iness|ily)",
    r"incompeten(?:t|ce|cy)",
    r"reprimand(?:s|ed|ing)?",
    r"(?:formal|written|verbal|final|performance)\s+warnings?",
    r"warnings?\s+(?:was\s+|were\s+|has\s+been\s+)?issued\s+to\s+(?:the\s+|an?\s+)?(?!customers?|users?)",
    r"disciplin(?:ary|ed)",
    r"punish(?:ed|ing)",  # "punishment" is mostly the principle ("punishment discourages...")
    r"lazy(?!\s+(?:load|loading|loaded|evaluation|init|initiali[sz]ation|eval|import))",
    r"laziness",
    r"stupid(?:ity)?",
    r"idiot(?:s|ic)?",
    r"scapegoat(?:s|ed|ing)?",
    r"guilty",
    r"culpab(?:le|ility)",
    r"dereliction",
    r"inexcusable",
    r"unprofessional",
    r"reckless(?:ly|ness)?",
)
WORD_STEMS = (
    "blam",
    "fault",
    "neglig",
    "careless",
    "slopp",
    "incompeten",
    "reprimand",
    "warning",
    "disciplin",
    "punish",
    "lazy",
    "laziness",
    "stupid",
    "idiot",
    "scapegoat",
    "guilty",
    "culpab",
    "dereliction",
    "inexcusable",
    "unprofessional",
    "reckless",
)
# "no blame", "without punishment", "git blame", "non-punitive": the principle, not blame
NEGATED_WORD = re.compile(
    r"(?:\b(?:no|not|never|without|nobody|no\s+one|non|avoid|don't|do\s+not|isn't|against"
    r"|free\s+of|git|rather\s+than)\b[^.;]{0,25}|-)$",
    re.I,
)

# --- BL104: hindsight judgement -----------------------------------------------------------

HINDSIGHT = re.compile(
    r"\b(?:obviously"
    r"|should(?:\s+have|'ve)\s+(?:been\s+)?(?:known|realised|realized|foreseen|anticipated"
    r"|obvious|aware|expected|seen\s+(?:it|this|that)\s+coming)"
    r"|(?:should|could|would)(?:\s+have|'ve)\s+(?:easily|clearly|obviously)\s+\w+"
    r"|(?:it|this|that)\s+(?:was|is|should\s+have\s+been|seems|seemed)\s+(?:so\s+|completely\s+"
    r"|perfectly\s+|pretty\s+|quite\s+|painfully\s+)?obvious"
    r"|(?:any|a|every)\s+(?:competent|reasonable|careful|good|experienced|decent|sensible"
    r"|attentive)\s+(?:engineer|operator|developer|person|admin|sre|on-call)\s+would"
    r"|in\s+hindsight,?\s+(?:it\s+was\s+)?(?:obvious|clear)"
    r"|(?:was|is)\s+a\s+no-?brainer)\b",
    re.I,
)
NOT_BEFORE = re.compile(r"\bnot\s+$", re.I)


# --- matching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One match in a span: where, what, and the blameless rewrite to show."""

    code: str
    start: int
    end: int
    message: str
    suggestion: str


@dataclass(frozen=True)
class Context:
    people: tuple[str, ...]  # configured persons, then the file's authors and owners
    subject_re: re.Pattern[str]
    words_re: re.Pattern[str]
    word_stems: tuple[str, ...] = ()
    barriers: Barriers | None = None

    @cached_property
    def names(self) -> frozenset[str]:
        """Common first names and the words of `people` (built only when a match needs it)."""
        names = set(COMMON_NAMES)
        for name in self.people:
            names.update(w for w in re.split(r"[\s@._-]+", name) if len(w) > 1)
            names.update(w.capitalize() for w in re.split(r"[\s@._-]+", name) if len(w) > 1)
        return frozenset(names)


@lru_cache(maxsize=32)
def _subject_pattern(persons: tuple[str, ...]) -> re.Pattern[str]:
    extra = "|".join(re.escape(p) for p in sorted(persons, key=len, reverse=True) if p)
    subject = SUBJECT if not extra else SUBJECT.replace("(?P<subject>", f"(?P<subject>{extra}|", 1)
    return re.compile(rf"(?<![\w@.-]){subject}(?![\w'’-]){MODIFIERS}\s+(?:{VERB})", re.I)


@lru_cache(maxsize=32)
def _words_pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    words = [*BLAME_WORDS, *(re.escape(w) for w in extra if w.strip())]
    return re.compile(rf"(?<![\w-])(?:{'|'.join(words)})(?![\w-])", re.I)


def context(settings: Settings, more_names: list[str] | tuple[str, ...] = ()) -> Context:
    """Names (common, configured, from authors and owners) and the compiled patterns."""
    lint = settings.lint
    return Context(
        (*lint.persons, *more_names),
        _subject_pattern(tuple(lint.persons)),
        _words_pattern(tuple(lint.blame_words)),
        WORD_STEMS + tuple(w.lower()[:4] for w in lint.blame_words if w.strip()),
        _barriers(tuple(lint.persons), tuple(lint.blame_words)),
    )


def entry_context(entry: Entry, settings: Settings) -> Context:
    """The context for one file: its authors and action-item owners are persons too."""
    cached = entry.__dict__.get("_bl_context")
    if cached is None or cached[0] is not settings:
        meta = entry.doc.meta if isinstance(entry.doc.meta, dict) else {}
        people = [a for a in meta.get("authors") or [] if isinstance(a, str)]
        for item in meta.get("action_items") or []:
            owner = item.get("owner") if isinstance(item, dict) else None
            if isinstance(owner, str) and not TEAM_HANDLE.search(owner):
                people.append(owner)
        cached = (settings, context(settings, people))
        entry.__dict__["_bl_context"] = cached
    return cached[1]


def _is_person(span: Span, match: re.Match[str], ctx: Context, kind: str) -> bool:
    subject = match.group("subject")
    before = span.text[: match.start("subject")]
    if OBJECT_OF.search(before[-40:]):
        return False
    if subject.startswith("@"):
        return not TEAM_HANDLE.search(subject)
    first = subject[0]
    lower = subject.lower()
    if lower == "they":
        return kind in MIND_KINDS and bool(
            SENTENCE_START.match(span.sentence_prefix(match.start()))
        )
    if first.isupper() and " " not in subject and lower not in ("he", "she", "someone", "somebody"):
        if subject in ctx.names:
            return True
        previous = re.search(r"([A-Z][^\W\d_]+)\s+$", before[-30:])  # "John Smith forgot"
        return bool(previous and previous.group(1) in ctx.names)
    return True


SUGGEST: dict[str, str] = {
    "fail": (
        'Make the step the subject and say what let it be skipped: "The step to {obj} was '
        'manual and nothing checked it" (e.g. "John forgot to set up disk monitoring" → '
        '"Disk monitoring was not part of the provisioning template").'
    ),
    "skip": (
        'Make the step the subject and say what let it be skipped: "The step to {obj} was '
        'manual and nothing checked it" (e.g. "John forgot to set up disk monitoring" → '
        '"Disk monitoring was not part of the provisioning template").'
    ),
    "should": (
        'Name the missing safeguard instead: "Nothing in the process prompted a check here; '
        'the {obj} step was not automated or required".'
    ),
    "careless": (
        "Describe the conditions, not the person: what made the task easy to get wrong "
        '(e.g. "The command ran against production without a confirmation step").'
    ),
    "fault": (
        'Name the contributing conditions instead of a responsible person (e.g. "The '
        'deploy pipeline allowed an untested change to reach production").'
    ),
    "mistake": (
        'Describe the change and what let it through: "A {obj} in the change was not caught '
        'by review or validation" (e.g. "The network config change had a typo that no check '
        'caught").'
    ),
    "missed": (
        'Say why the signal did not stand out: "The alert was one of 40 that night and was not '
        'routed to the on-call" (noise, routing, no escalation).'
    ),
    "caused": (
        'Make the change or the system the subject: "The change to {obj} caused …", and say '
        "what let it reach production."
    ),
}


def _object(text: str, start: int) -> str:
    """The few words after the verb, to quote in the suggestion."""
    words = re.match(r"\s*(?:to\s+)?([^.;:!?|()\n,]{0,80})", text[start:])
    out = " ".join((words.group(1) if words else "").split()[:8])
    return out or "this"


# Cheap substring gates: a regex runs only on spans that contain one of its stems, which
# keeps `postmortems check` fast on large archives (most paragraphs contain none).
PERSON_GATE = (
    "forg",
    "neglect",
    "fail",
    "should",
    "ought",
    "not ",
    "n't",
    "never",
    "careless",
    "negligent",
    "sloppy",
    "lazy",
    "inattentive",
    "reckless",
    "distracted",
    "blame",
    "fault",
    "responsible",
    "made ",
    "ignor",
    "overlook",
    "miss",
    "caus",
    "broke",
    "messed",
    "screwed",
    "fouled",
    "botched",
)
HUMAN_GATE = ("error", "mistake", "failure", "fault")
HINDSIGHT_GATE = ("obvious", "should", "could", "would", "hindsight", "brainer")


def _gate(low: str, stems: tuple[str, ...]) -> bool:
    return any(stem in low for stem in stems)


def find_blame(span: Span, ctx: Context) -> Iterator[Found]:
    """Every BL finding in one span of prose."""
    low = span.text.lower()
    if _gate(low, PERSON_GATE):
        yield from _person_blame(span, ctx)
    if _gate(low, HUMAN_GATE):
        yield from _human_error(span)
    if _gate(low, ctx.word_stems):
        yield from _blame_words(span, ctx)
    if _gate(low, HINDSIGHT_GATE):
        yield from _hindsight(span)


# --- the fast path -------------------------------------------------------------------------
# `find_blame` runs each pattern over every paragraph that passes a substring gate. That is
# exact but slow: the patterns start with long alternations the regex engine tries at every
# position, and the gates' stems ("caus", "fail", "error", "should") are in most incident
# prose. `scan_spans` finds the very same matches with less work:
#  1. the file's prose, lowercased once, is searched with str.find for each rule's anchors:
#     literals that every match must contain (BL101's verbs, BL102's error nouns after a
#     human word, BL103's and BL104's stems);
#  2. a pattern then runs only over the clause around an anchor, the text between two
#     "barrier" characters that no match of that pattern can contain. pos/endpos keep
#     look-behinds and \b reading the real text, and a barrier character answers every
#     look-ahead of these patterns as the end of the text does.
# BL101 keeps find_blame's PERSON_GATE on top, so both paths flag the same; files with
# "ı", "ſ" or "İ" take find_blame. tests/test_blameless_fast.py compares the two paths.


@dataclass(frozen=True)
class Barriers:
    """Characters no match can contain, per rule (minus those of configured words)."""

    person: re.Pattern[str]
    words: re.Pattern[str]
    hindsight: re.Pattern[str]
    dots_in_handles: bool  # "." splits BL101 clauses, except inside @handles
    words_exact: bool  # the BL103 stems are literal prefixes of every configured word


def _char_class(chars: str, exclude: str) -> re.Pattern[str]:
    kept = "".join(c for c in chars if c not in exclude)
    return re.compile(f"[{re.escape(kept)}]" if kept else "(?!)")


@lru_cache(maxsize=32)
def _barriers(persons: tuple[str, ...], blame_words: tuple[str, ...]) -> Barriers:
    # BL101: MODIFIERS' "who" clause takes anything but , . ; : | and only handles take "."
    people = "".join(persons)
    words = "".join(w for w in blame_words if w.strip())
    return Barriers(
        person=_char_class(".;:|", people),
        words=_char_class('.,;:|!?()"', words),
        hindsight=_char_class('.;:|!?()"', ""),
        dots_in_handles="." not in people,
        words_exact=words.isascii(),
    )


HANDLE_RUN = re.compile(r"@[\w.-]*")
# re.IGNORECASE matches "ı" to i, "ſ" to s and "İ" to i; str.lower() does not (and makes
# "İ" two characters), so the anchors could miss a match: such files take `find_blame`.
UNFOLDED = ("ı", "ſ", "İ")


def _plain(low: str, i: int, n: int) -> bool:
    return True


def _word_end(low: str, i: int, n: int) -> bool:
    """The anchor ends a word (the patterns have \\b or \\s+ there)."""
    after = low[i + n : i + n + 1]
    return not (after.isascii() and (after.isalnum() or after == "_"))


def _fail_to(low: str, i: int, n: int) -> bool:
    r"""`fail(?:ed|s)?\s+to`: "failover" and "failure" are no anchors."""
    at = i + n + (2 if low.startswith("ed", i + n) else 1 if low.startswith("s", i + n) else 0)
    return low[at : at + 1].isspace()


# the words `not` comes before in BL101's verbs ("did not check", "was not careful")
AFTER_NOT = (
    "bother", "check", "verify", "validate", "test", "follow", "read", "notice", "double-check",
    "pay", "look", "review", "care", "think", "ask", "wait", "escalate", "confirm",
)  # fmt: skip


def _not_verb(low: str, i: int, n: int) -> bool:
    """ "not" as BL101 has it: after whitespace, then whitespace and one of AFTER_NOT."""
    if not (i > 0 and low[i - 1].isspace() and low[i + n : i + n + 1].isspace()):
        return False
    at = i + n
    while low[at : at + 1].isspace():
        at += 1
    return low.startswith(AFTER_NOT, at)


def _have(low: str, i: int, n: int) -> bool:
    r"""`could(?:\s+have|'ve)`."""
    at = i + n
    if low.startswith("'ve", at):
        return True
    while low[at : at + 1].isspace():
        at += 1
    return at > i + n and low.startswith("have", at)


def _fault_word(low: str, i: int, n: int) -> bool:
    r"""BL103's "fault" is followed by (?![\w-]) or whitespace: not "fault-tolerant"."""
    return _word_end(low, i, n) and not low.startswith("-", i + n)


# Every BL101 verb alternative contains one of these (checked by a test).
PERSON_ANCHORS: tuple[tuple[str, Callable[[str, int, int], bool]], ...] = (
    ("forg", _plain),
    ("neglect", _plain),
    ("fail", _fail_to),
    ("n't", _plain),
    ("not", _not_verb),
    ("never", _plain),
    ("should", _plain),
    ("ought", _plain),
    ("care", _plain),
    ("negligent", _plain),
    ("sloppy", _plain),
    ("lazy", _plain),
    ("inattentive", _plain),
    ("reckless", _plain),
    ("distracted", _plain),
    ("blame", _plain),
    ("fault", _word_end),
    ("responsible", _plain),
    ("made", _word_end),
    ("ignor", _plain),
    ("overlook", _plain),
    ("missed", _word_end),
    ("misses", _word_end),
    ("caused", _word_end),
    ("causes", _word_end),
    ("broke", _word_end),
    ("messed", _word_end),
    ("screwed", _word_end),
    ("fouled", _word_end),
    ("botched", _word_end),
)
# BL102: HUMAN_ERROR is one of these words, [\s-]+, then one of the nouns
HUMAN_WORDS = (
    "human",
    "operator",
    "user",
    "personnel",
    "people",
    "pilot",
    "engineer",
    "staff",
    "admin",
    "administrator",
)
HUMAN_NOUNS = ("error", "mistake", "failure", "fault")


def _human_before(low: str, i: int, n: int) -> bool:
    """HUMAN_ERROR: one of HUMAN_WORDS, then [\\s-]+, then the noun at `i`."""
    before = i
    while before and (low[before - 1].isspace() or low[before - 1] == "-"):
        before -= 1
    return before < i and low.endswith(HUMAN_WORDS, 0, before)


Check = Callable[[str, int, int], bool]


@lru_cache(maxsize=32)
def _anchor_table(
    word_stems: tuple[str, ...] | None,
) -> tuple[tuple[str, tuple[tuple[str, int, Check], ...]], ...]:
    """(root literal, ((stem, rule kind, check), ...)): stems grouped under a prefix."""
    entries: list[tuple[str, int, Check]] = [(stem, 0, check) for stem, check in PERSON_ANCHORS]
    entries += [(noun, 1, _human_before) for noun in HUMAN_NOUNS]
    entries += [(s, 2, _fault_word if s == "fault" else _plain) for s in word_stems or () if s]
    entries += [(stem, 3, _have if stem == "could" else _plain) for stem in HINDSIGHT_GATE]
    stems = {stem for stem, _, _ in entries}
    roots = sorted(s for s in stems if not any(o != s and s.startswith(o) for o in stems))
    table: dict[str, list[tuple[str, int, Check]]] = {root: [] for root in roots}
    for stem, kind, check in entries:
        root = next(r for r in roots if stem.startswith(r))
        table[root].append((root if stem == root else stem, kind, check))
    return tuple((root, tuple(found)) for root, found in table.items())


def scan_spans(prose: list[Span], ctx: Context) -> list[tuple[Span, Found]]:
    """Every BL finding of these spans, the same as `find_blame` on each, in its order."""
    texts = [span.text for span in prose]
    joined = "\0".join(texts)
    barriers = ctx.barriers
    if barriers is None or (not joined.isascii() and any(c in joined for c in UNFOLDED)):
        return [(span, found) for span in prose for found in find_blame(span, ctx)]
    low = joined.lower()
    starts = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    anchors: dict[int, tuple[list[int], list[int], list[int], list[int]]] = {}

    def add(kind: int, at: int) -> None:
        index = bisect_right(starts, at) - 1
        found = anchors.get(index)
        if found is None:
            found = anchors[index] = ([], [], [], [])
        found[kind].append(at - starts[index])

    # each root literal is searched once; longer stems that start with it are checked there
    for root, stems in _anchor_table(ctx.word_stems if barriers.words_exact else None):
        at = low.find(root)
        while at >= 0:
            for stem, kind, check in stems:
                if (stem is root or low.startswith(stem, at)) and check(low, at, len(stem)):
                    add(kind, at)
            at = low.find(root, at + 1)
    if not barriers.words_exact:  # configured words the stems cannot gate: every span
        for index in range(len(prose)):
            add(2, starts[index])

    out: list[tuple[Span, Found]] = []
    for index in sorted(anchors):
        span = prose[index]
        text = span.text
        person, human, words, hindsight = anchors[index]
        # BL101's anchors are not PERSON_GATE's stems: keep find_blame's gate as it is
        if person and _gate(text.lower(), PERSON_GATE):
            bars = [m.start() for m in barriers.person.finditer(text)]
            if barriers.dots_in_handles and "@" in text:
                inside = {i for m in HANDLE_RUN.finditer(text) for i in range(*m.span())}
                bars = [b for b in bars if b not in inside]
            matches = _within(ctx.subject_re, text, person, bars)
            out.extend((span, found) for found in _person_blame(span, ctx, matches))
        if human:
            out.extend((span, found) for found in _human_error(span))
        if words:
            if barriers.words_exact:
                bars = [m.start() for m in barriers.words.finditer(text)]
                matches = _within(ctx.words_re, text, words, bars)
            else:
                matches = ctx.words_re.finditer(text)
            out.extend((span, found) for found in _blame_words(span, ctx, matches))
        if hindsight:
            bars = [m.start() for m in barriers.hindsight.finditer(text)]
            matches = _within(HINDSIGHT, text, hindsight, bars)
            out.extend((span, found) for found in _hindsight(span, matches))
    return out


def _within(
    pattern: re.Pattern[str], text: str, anchors: list[int], bars: list[int]
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, but only in the clauses (between `bars`) with an anchor."""
    clauses = set()
    for at in anchors:
        k = bisect_right(bars, at)
        clauses.add((bars[k - 1] + 1 if k else 0, bars[k] if k < len(bars) else len(text)))
    for start, end in sorted(clauses):
        yield from pattern.finditer(text, start, end)


def _person_blame(
    span: Span, ctx: Context, matches: Iterable[re.Match[str]] | None = None
) -> Iterator[Found]:
    for match in ctx.subject_re.finditer(span.text) if matches is None else matches:
        index = next(i for i in range(len(BLAME_VERBS)) if match.group(f"v{i}") is not None)
        kind = BLAME_VERBS[index][1]
        if not _is_person(span, match, ctx, kind):
            continue
        subject, verb = match.group("subject"), " ".join(match.group(f"v{index}").split())
        obj = _object(span.text, match.end())
        if kind == "mistake":
            obj = verb.split()[-1].rstrip("s")  # "made a typo" -> "A typo in the change..."
        yield Found(
            "BL101",
            match.start("subject"),
            match.end(),
            f"`{subject}` is the subject of `{verb}`: this puts a person where a system "
            "belongs; describe what the system allowed",
            SUGGEST[kind].format(obj=obj),
        )


def _human_error(span: Span) -> Iterator[Found]:
    in_section = bool(ROOT_CAUSE_SECTION.match(span.section))
    pattern = BARE_HUMAN_ERROR if in_section else AS_CAUSE
    for match in pattern.finditer(span.text):
        group = next(
            g for g in ("phrase", "phrase2", "phrase3", "phrase4") if match.groupdict().get(g)
        )
        start = match.start(group)
        if DISCOUNTED.search(span.sentence_prefix(start)):
            continue
        phrase = match.group(group)
        yield Found(
            "BL102",
            start,
            match.end(group),
            f"`{phrase}` is given as the cause; humans are not root causes, ask what let the "
            "error through",
            'Say what the system did not prevent: "The deploy tool accepted a config without '
            'validation" rather than "Root cause: human error".',
        )


def _blame_words(
    span: Span, ctx: Context, matches: Iterable[re.Match[str]] | None = None
) -> Iterator[Found]:
    for match in ctx.words_re.finditer(span.text) if matches is None else matches:
        if NEGATED_WORD.search(span.sentence_prefix(match.start())):
            continue
        word = " ".join(match.group(0).split())
        yield Found(
            "BL103",
            match.start(),
            match.end(),
            f"`{word}` is a blame or punishment word; blameless reviews describe conditions, "
            "not fault",
            "Describe what happened and what allowed it, without judging anyone "
            '(e.g. "John received a formal warning" → "The team added a confirmation step '
            'to the production console").',
        )


def _hindsight(span: Span, matches: Iterable[re.Match[str]] | None = None) -> Iterator[Found]:
    for match in HINDSIGHT.finditer(span.text) if matches is None else matches:
        if NOT_BEFORE.search(span.text[max(0, match.start() - 10) : match.start()]):
            continue
        phrase = " ".join(match.group(0).split())
        yield Found(
            "BL104",
            match.start(),
            match.end(),
            f"`{phrase}` judges with hindsight; say what was known at the time",
            'Describe what the responders saw then (e.g. "It should have been obvious the disk '
            'was filling" → "The disk graph was on a dashboard nobody had open; no alert '
            'existed").',
        )


def _hits(code: str) -> Callable[[Entry, Settings], Iterator[Hit]]:
    def check(entry: Entry, settings: Settings) -> Iterator[Hit]:
        for span, found in found_in(entry, settings):
            if found.code == code:
                line, column = span.position(found.start)
                yield Hit(line, column, found.message, found.suggestion)

    check.text_only = True  # type: ignore[attr-defined]  (runs when the schema failed too)
    return check


def found_in(entry: Entry, settings: Settings) -> list[tuple[Span, Found]]:
    """All BL matches of a file, computed once and shared by the four rules."""
    cached = entry.__dict__.get("_bl_found")
    if cached is None or cached[0] is not settings:
        ctx = entry_context(entry, settings)
        found = scan_spans(spans(entry), ctx)
        cached = (settings, found)
        entry.__dict__["_bl_found"] = cached
    return cached[1]


def scan_text(text: str, settings: Settings, names: tuple[str, ...] = ()) -> list[Found]:
    """BL findings in a piece of Markdown (for tests and tools outside an archive)."""
    ctx = context(settings, names)
    return [f for _, f in scan_spans(list(body_spans(text)), ctx)]


EXPLAIN_SYSTEMS = (
    ' A sentence whose subject is a system, process or tool ("the alert should have fired at '
    '80 %", "the runbook did not include the step") is not blame and is not flagged.'
)

rule(
    "BL101",
    "person-as-subject-of-blame-verb",
    "A person is the subject of a blame verb (forgot, failed to, should have, caused...).",
    'Blameless: focus on systems, not people. A person as the subject of "forgot", '
    '"failed to", "neglected", "should have", "made a mistake" or "caused" turns the review '
    "into a search for who, and the next person hides their slip. Persons are @handles, "
    "names (common first names, `lint.persons`, the file's authors and owners), \"the "
    'engineer/operator/on-call/developer/SRE/admin", "someone" and he/she.' + EXPLAIN_SYSTEMS,
    example="John forgot to set up disk monitoring.",
    rewrite="Disk monitoring was not part of the provisioning template.",
    relaxed_for_drafts=True,
)(_hits("BL101"))

rule(
    "BL102",
    "human-error-root-cause",
    '"Human error" or "operator error" is given as the root cause.',
    '"Humans are not root causes. Systems that allow human error are root causes." Stopping '
    'at human error is the first of the five common post-mortem mistakes: ask "what allowed '
    'this to happen?" and keep asking why. Mentioning human error to say the system should '
    'tolerate it ("a process that allowed a human error") is fine.',
    example="Root cause: human error during the database migration.",
    rewrite="Root cause: the migration script ran against production without a dry-run step.",
    relaxed_for_drafts=True,
)(_hits("BL102"))

rule(
    "BL103",
    "blame-or-punishment-word",
    "A blame or punishment word (fault, negligence, careless, reprimand...).",
    'Psychological safety: "punishment discourages honesty and prevents learning". Words '
    'such as fault, blame, negligence, careless, sloppy, incompetent, reprimand or "formal '
    'warning" judge people; the next engineer will stay silent. Extend the list with '
    '`lint.blame_words`. Stating the principle ("no blame", "without punishment") is fine.',
    example="John received a formal warning for his careless change.",
    rewrite="The production console now asks for confirmation before destructive commands.",
    relaxed_for_drafts=True,
)(_hits("BL103"))

rule(
    "BL104",
    "hindsight-judgement",
    'A hindsight judgement ("should have known", "obviously").',
    "Assume good intent: everyone did their best with the information they had. Hindsight "
    'makes the path to failure look obvious ("should have known", "obviously", "any '
    'competent engineer would"); the review needs what was visible at the time and why the '
    "signal did not stand out.",
    example="The on-call should have known that the disk was filling up; it was obvious.",
    rewrite="The disk graph was on a dashboard nobody had open, and no alert existed for it.",
    relaxed_for_drafts=True,
)(_hits("BL104"))
