"""The words the BL rules know: who counts as a person, blame verbs, blame words.

Module-level data; `lint.persons` and `lint.blame_words` in mkdocs.yml extend it. The
patterns name the parts of a clause (subject, verb, agent), so a new role noun or a new
first name needs no new pattern.
"""

from __future__ import annotations

import re

# --- who counts as a person ------------------------------------------------------------

# Common first names, known without the wider list of `names.first_names`. Names that are
# also ordinary words or months (May, Will, Mark, Grant, Max...) are in NOT_NAMES.
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
# First names that are more often a word, a month or a product in incident prose: a
# capitalised "Max" is a setting, "Cassandra" a database, "Aurora" a service.
NOT_NAMES = frozenset(
    """
    April Amber Angel Apollo Art Athena Atlas August Aurora Autumn Bill Cassandra Chase Chef
    Crystal Dawn Dell Destiny Drew Echo Faith Felix Frank Gene Grace Grant Guy Harbor Hermes
    Hope Hudson Hunter Iris Ivy Jackson Jade Jasmine Joy Julia June Juno Justice Karma King
    Lane Luna Major Mark Max Maven May Mercy Miles Nova Page Pat Patience Penny Phoenix Pilot
    Prince Rain Ray Rich Rose Royal Ruby Sage Sandy Sky Spark Star Sterling Storm Summer Travis
    Trinity Unique Will
    """.split()  # noqa: SIM905
)

# Role nouns: a person whatever words come before ("the new hire", "the support engineer").
ROLE_HEAD = (
    r"(?:on-?call|on\s+call)(?:er|\s+(?:engineer|person|sre|developer|operator|admin))?"
    r"|engineer|developer|dev|sre|sysadmin|admin|administrator|dba|technician|employee"
    r"|contractor|intern|hire|newcomer|new\s+starter|team\s+member|staff\s+member|staffer"
    r"|responder|human|person|colleague|co-?worker|teammate|reviewer|approver|tester"
    r"|analyst|incident\s+commander|release\s+manager|tech\s+lead|team\s+lead"
)
# Role nouns that also name software ("the Kafka operator", "the cluster manager"): a
# person only bare or after one of ROLE_MODIFIER.
ROLE_STRICT = r"operator|manager|lead|agent|owner"
# The role nouns AI104 looks for after "remind", "tell"... (rules/ai.py)
ROLE = (
    r"(?:on-?call|on\s+call)(?:\s+(?:engineer|person|sre|developer|operator|admin))?"
    r"|engineer|operator|developer|dev|sre|sysadmin|admin|administrator|dba|technician"
    r"|employee|contractor|intern|team\s+member|staff\s+member|responder|human"
    r"|incident\s+commander|release\s+manager"
)
ROLE_MODIFIER = (
    r"on-?call|responding|junior|senior|new|same|database|network|release|support|platform"
    r"|infrastructure|backend|frontend|devops|duty|primary|secondary|lead|responsible|other"
    r"|(?:night|day|weekend|late|early)(?:[\s-]shift)?|shift|incident|service|human|customer"
    r"|account|engineering|product|sre"
)
ROLES_PLURAL = (
    r"engineers|operators|developers|devs|admins|administrators|sres|responders|testers"
    r"|reviewers|humans|on-?calls|interns|contractors|employees|staff"
)
# What may stand after a role noun and still belong to it ("the SRE on duty").
QUALIFIER = (
    r"(?:\s+(?:(?:who\s+(?:was|were|is)\s+)?on[\s-](?:call|duty|shift)"
    r"|(?:who\s+(?:was|were|is)\s+)?in\s+charge(?:\s+of\s+(?:the\s+)?[\w-]+)?"
    r"|at\s+the\s+(?:time|keyboard|console|wheel)|(?:responsible|assigned)\s+for\s+(?:the\s+)?"
    r"[\w-]+(?:\s+(?!(?:forgot|failed|did|never|was|were|had|missed|broke|caused)\b)[\w-]+)?))?"
)
# Words that cannot be a modifier between a determiner and a role noun.
NOT_MODIFIER = (
    r"the|an?|to|of|for|by|with|and|or|but|from|on|in|at|that|this|was|were|is|are|had|has"
    r"|have|who|which|when|after|before|because|so|then|not|no"
)
HANDLE = r"@[A-Za-z0-9][\w.-]*"
# team handles own work but are not people a sentence can blame
TEAM_HANDLE = re.compile(r"[-_.](?:team|squad|oncall|on-call|sre|ops|bot|group)$|^@team", re.I)

# A person as a noun phrase: a handle, a capitalised word (checked against the names),
# a role with its modifiers and qualifier, a team, a plural of roles, a pronoun.
PERSON = (
    rf"{HANDLE}"
    r"|(?-i:[A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?)"
    r"|(?:the|an?|our|one|another|that|this|their|some|two|three|several|many|most|other"
    r"|both)\s+"
    rf"(?:(?:(?:{ROLE_MODIFIER})\s+)*(?:{ROLE_STRICT}){QUALIFIER}"
    rf"|(?:(?!(?:{NOT_MODIFIER})\b)[\w-]+\s+){{0,2}}?"
    rf"(?:(?:{ROLE_HEAD}){QUALIFIER}|team|squad|crew|department|{ROLES_PLURAL}))"
    r"|(?-i:QA|Ops)(?:\s+team)?"
    rf"|(?:{ROLES_PLURAL})"
    r"|he|she|they|someone|somebody"
)
SUBJECT = rf"(?P<subject>{PERSON})"
# words allowed between the subject and its verb
MODIFIERS = (
    r"(?:\s*,\s*(?:who|as)\b[^,.;:|]{1,60},)?"
    r"(?:\s+(?:had|has|have|also|then|simply|just|unfortunately|apparently|clearly|obviously"
    r"|again|once\s+again|completely|totally|somehow|probably|evidently|repeatedly|still"
    r"|already|unknowingly|unintentionally|initially|later|subsequently|allegedly)){0,3}"
)
# Adverbs that judge how a person acted ("carelessly deleted", "wrongly assumed").
JUDGING_ADVERBS = (
    "accidentally", "inadvertently", "mistakenly", "wrongly", "incorrectly", "falsely",
    "naively", "blindly", "hastily", "carelessly", "negligently", "recklessly", "incompetently",
    "sloppily", "lazily", "thoughtlessly", "irresponsibly", "haphazardly", "mindlessly",
)  # fmt: skip
# The verbs after `did not` that describe a duty not done.
AFTER_NOT = (
    "bother", "check", "verify", "validate", "test", "follow", "read", "notice", "double-check",
    "pay", "look", "review", "care", "think", "ask", "wait", "escalate", "confirm", "heed",
    "respond", "acknowledge", "react", "update", "document", "notify", "inform", "tell",
)  # fmt: skip

# (pattern, kind): kind picks the message and the rewrite; "mind" verbs need a mind, so a
# bare "they" counts as a person only with them ("they failed to restart" is about pods).
BLAME_VERBS: tuple[tuple[str, str], ...] = (
    (r"forg[eo]t(?:s|ten)?\b", "skip"),
    (r"neglect(?:ed|s)?\b", "skip"),
    (r"fail(?:ed|s)?\s+to\b(?!\s+(?:receive|get|be)\b)", "fail"),
    (r"(?:did|does|do)(?:\s+not|n't)\s+(?:" + "|".join(AFTER_NOT) + r"|pay\s+attention)\b", "not"),
    (
        r"never\s+(?:bothered|checked|verified|tested|followed|read|noticed|double-checked"
        r"|paid\s+attention|looked|reviewed|cared|asked|escalated|confirmed|did)\b",
        "never",
    ),
    (
        # "should have been paged" is about the system; "should have been more careful" is not
        r"(?:should(?:n't)?(?:\s+have|'ve)|ought\s+to\s+have)\b"
        r"(?!\s+been\s+(?!more\b|careful|aware|able|paying|quicker|faster)\w+(?:ed|en|wn|ld|ght)\b)"
        r"(?!\s+(?:had|got|gotten|received)\b)",
        "should",
    ),
    (r"could(?:\s+have|'ve)\s+(?:easily\s+)?(?:prevented|avoided|caught|stopped)\b", "should"),
    (
        r"(?:was|is|were|are)\s+(?:being\s+)?(?:very\s+|too\s+|so\s+|extremely\s+)?"
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
    (
        # "missed its SLO" is a target, not a signal
        r"(?:ignor|overlook)(?:ed|es|s)\b|miss(?:ed|es)\b(?!\s+(?:its|their|the|our|an?)\s+"
        r"(?:\w+\s+)?(?:slos?|slas?|targets?|deadlines?|window|goals?|budget|quota)\b)"
        r"|dropped\s+the\s+ball\b",
        "missed",
    ),
    (
        r"let\s+(?:[\w'-]+\s+){1,4}?(?:slip|through|pass|escape|go\s+out|ship|get\s+(?:through"
        r"|out|past|in|by))\b",
        "missed",
    ),
    (r"caus(?:ed|es)\b|broke\b|(?:messed|screwed|fouled)\s+up\b|botched\b", "caused"),
    (r"(?:skipped|bypassed|circumvented|disregarded|overrode)\b", "skipped"),
    (r"panick(?:ed|s)\b", "panic"),
    (
        r"(?:was|were)\s+(?:supposed|meant|expected|asked|told|tasked)\s+to\s+[^.;:|]{1,80}?"
        r"\b(?:but|and|yet)\s+(?:\w+\s+){0,2}?(?:never|not|didn't|forgot|failed|neglected"
        r"|skipped)\b|(?:was|were)\s+supposed\s+to\b",
        "duty",
    ),
    (r"(?:assumed|believed|thought),?\s+(?:wrongly|incorrectly|mistakenly)\b", "assumed"),
    (rf"(?:{'|'.join(JUDGING_ADVERBS)})\s+(?:[a-z]+)\b", "adverb"),
)
MIND_KINDS = frozenset(
    {"skip", "not", "never", "should", "careless", "fault", "mistake", "duty", "assumed", "adverb"}
)
VERB = "|".join(f"(?P<v{i}>{pattern})" for i, (pattern, _) in enumerate(BLAME_VERBS))

# the subject must not be the object of a preposition or verb ("the page to the on-call failed")
OBJECT_OF = re.compile(
    r"\b(?:to|for|from|with|by|of|about|at|on|into|onto|than|like|without|whether|paged|pages"
    r"|page|paging|notified|notify|alerted|alert|told|tell|asked|ask|called|woke|informed"
    r"|inform|assigned|gave|give|given|let|made|make|helped|help|reach|reached|reaching|if"
    r"|had)\s+$",
    re.I,
)
SENTENCE_START = re.compile(r"^[\s\"'(*_>|-]*(?:\d+[.)]\s*)?$")

# --- BL102: human error as a cause ---------------------------------------------------------

HUMAN_ERROR = (
    r"(?:human|operator|user|personnel|people|pilot|engineer|staff|admin|administrator)"
    r"[\s-]+(?:errors?|mistakes?|failures?|faults?)\b"
)
AS_CAUSE = re.compile(
    r"(?:root[\s-]+cause|primary\s+cause|main\s+cause|caused\s+by|due\s+to|results?\s+of"
    r"|resulted\s+from|because\s+of|attributed\s+to|came\s+down\s+to|boils?\s+down\s+to"
    r"|blamed\s+on|traced\s+(?:back\s+)?to|owing\s+to|the\s+cause\s+(?:was|is)|cause\s*:"
    r"|contributing\s+(?:factors?|causes?)\s*(?::|were|was|included?|are|is)"
    r"|factors?\s+(?:was|were|included?)|contributed\s+to\s+by)"
    rf"\W+(?:(?:was|is|an?|the|simple|pure|plain|basic|honest|single|unfortunate|some)\W+){{0,3}}"
    rf"(?P<phrase>{HUMAN_ERROR})"
    rf"|(?P<phrase2>{HUMAN_ERROR})\s+(?:(?:was|is|remains|has\s+been)\s+)?(?:the\s+|a\s+)?"
    r"(?:(?:root|primary|main|direct|sole|contributing|major|key)\s+)?(?:cause|factor)\b"
    rf"|(?P<phrase3>{HUMAN_ERROR})\s+(?:during\s+[^.;]{{1,60}}?\s+)?"
    r"(?:caused|led\s+to|resulted\s+in|triggered|brought\s+down|took\s+down|contributed"
    r"|played\s+a)\b"
    rf"|(?:^|(?<=[.!?:]\s))\W*(?P<phrase4>{HUMAN_ERROR})(?:\s*(?:[.!,:;]|[—–-]\s|$)"
    r"|\s+(?:in|during|while|when|by|on\s+the\s+part|from|of|with|and|as)\b)",
    re.I | re.M,
)
# the phrase inside a "Root cause" or "Contributing factors" section counts as a cause
BARE_HUMAN_ERROR = re.compile(rf"(?P<phrase>{HUMAN_ERROR})", re.I)
ROOT_CAUSE_SECTION = re.compile(
    r"^(?:root\s+causes?|causes?|why\s+it\s+happened|contributing\s+(?:factors?|causes?)"
    r"|factors|what\s+went\s+wrong)\b",
    re.I,
)
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
    r"incompeten(?:t|tly|ce|cy)",
    r"irresponsib(?:le|ly|ility)",
    r"thoughtless(?:ly|ness)?",
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
    "blam", "fault", "neglig", "careless", "slopp", "incompeten", "irresponsib", "thoughtless",
    "reprimand", "warning", "disciplin", "punish", "lazy", "laziness", "stupid", "idiot",
    "scapegoat", "guilty", "culpab", "dereliction", "inexcusable", "unprofessional", "reckless",
)  # fmt: skip
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

# Cheap substring gates: a pattern runs only on spans that contain one of its stems.
PERSON_GATE = (
    "forg", "neglect", "fail", "should", "ought", "could", "not ", "n't", "never", "careless",
    "negligent", "sloppy", "lazy", "inattentive", "reckless", "distracted", "blame", "fault",
    "responsible", "made ", "ignor", "overlook", "miss", "dropped", "let ", "caus", "broke",
    "messed", "screwed", "fouled", "botched", "skipped", "bypass", "circumvent", "disregard",
    "overrode", "panick", "supposed", "meant", "expected", "asked", "told", "tasked", "assumed",
    "believed", "thought", *JUDGING_ADVERBS,
)  # fmt: skip
HUMAN_GATE = ("error", "mistake", "failure", "fault")
HINDSIGHT_GATE = ("obvious", "should", "could", "would", "hindsight", "brainer")
