"""O*NET's technology skills merged with the hand-written vocabulary (one skill list for the product).

Rules, in order:
* Every technology O*NET 29.2 reports (8,768 names, from the shipped occupation table) is a skill. Its
  canonical name is O*NET's, without a trailing " software" where the rest is a product's name ("SAP",
  "Microsoft Office"; "Medical software" stays whole: "Medical" alone is not a skill); where O*NET spells out an abbreviation it
  also gives ("Structured query language SQL", "Amazon Web Services AWS software") the abbreviation is the
  name and the long forms are aliases.
* A hand-written skill that names an O*NET entry (the same words, or O*NET's name with a vendor in front:
  "Excel" = "Microsoft Excel", "Hadoop" = "Apache Hadoop") becomes an alias of O*NET's entry, and so do
  its aliases. The other hand-written skills (soft skills, trades, clinical skills: O*NET has no entry)
  stay as they are.
* Single-word O*NET names that are ordinary English words ("Chef", "Slack", "Zoom") match only as written,
  with their capital; a few that read as ordinary words even so ("Analyze", "Route", "Square", "Google")
  are not extracted at all (measured by bench/skills_extraction.py).
"""
from __future__ import annotations

import re
from functools import lru_cache

VENDORS = ("microsoft", "adobe", "apache", "oracle", "google", "amazon", "ibm", "sap", "autodesk", "atlassian",
           "the mathworks", "salesforce", "intuit", "red hat", "vmware", "cisco", "esri", "jetbrains", "sas")
# O*NET names that read as ordinary words in postings even with a capital (sentence starts, company names).
NOT_EXTRACTED = frozenset({
    "Abbott", "Algae", "Analyze", "ASPEN", "Aztec", "Blink", "Cents", "CUBIC", "Cyclone", "Diameter", "Dig",
    "FEAR", "Forth", "Google", "HARVEST", "HMS", "IRIS", "J", "JET", "Juris", "KANT", "MAGIC", "Penultimate",
    "PRINCE", "PUFF", "REDUCE", "Route", "SAND", "Scheme", "Square", "TANKS", "Velvet", "xv", "Compilers",
    "Debuggers", "Emulators", "Excavator", "Honeypot", "Hotspot", "Ferret", "Clipper", "Analyze-it",
})


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Lower-case whole words of the encoder's word-piece vocabulary: a list of ordinary English words."""
    try:
        from engine.recsys.encoder import pretrained_path

        text = (pretrained_path() / "vocab.txt").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return frozenset()
    return frozenset(w for w in text.split() if w.isalpha() and w.islower())


def onet_names(name: str) -> tuple[str, list[str]]:
    """(canonical name, other spellings) of an O*NET technology name."""
    name = name.strip()
    base = re.sub(r"\s+software$", "", name, flags=re.I) or name
    if " " not in base and not re.search(r"[A-Z0-9]", base[1:]):   # "Medical software": "Medical" is no skill
        base = name
    spellings = [name, base]
    words = base.split()
    last = words[-1] if words else ""
    if len(words) >= 3 and re.fullmatch(r"[A-Z][A-Z0-9]+", last):
        initials = "".join(w[0] for w in words[:-1] if w[0].isalnum()).upper()
        if initials == last or initials.endswith(last):
            spellings.append(" ".join(words[:-1]))
            return last, spellings
    return base, spellings


def merged_skill_list(hand, case_sensitive: set[str]) -> tuple[list[str], dict[str, str], set[str], set[str]]:
    """(canonical names, alias -> canonical, spellings matched only as written, hot technologies)."""
    from engine.occupations.table import load_table

    techs = load_table().technologies
    canonical_of: dict[str, str] = {}       # lower-case spelling -> O*NET canonical
    reach: dict[str, int] = {}              # canonical -> occupations reporting it (ties go to the wider one)
    hot: set[str] = set()
    english = _english_words()
    exact = set(case_sensitive)
    hand_keys = set(hand.lookup)
    for t in techs:
        if t.name in NOT_EXTRACTED:
            continue
        name, spellings = onet_names(t.name)
        reach[name] = max(reach.get(name, 0), len(t.codes))
        if t.hot:
            hot.add(name)
        for s in [name, *spellings]:
            if _key(s) not in canonical_of or reach[canonical_of[_key(s)]] < reach[name]:
                canonical_of[_key(s)] = name
        for vendor in VENDORS:   # "Microsoft Excel" also answers to "Excel" where the vocabulary has that skill
            if _key(name).startswith(vendor + " ") and _key(name)[len(vendor) + 1:] in hand_keys:
                canonical_of.setdefault(_key(name)[len(vendor) + 1:], name)
        if " " not in name and name.lower() in english and name.lower() not in hand_keys:
            exact.add(name)
    aliases = dict(canonical_of)
    names = list(reach)
    for spelling, hand_name in hand.lookup.items():   # the vocabulary's names and aliases
        target = canonical_of.get(_key(hand_name), canonical_of.get(spelling))
        if target is None:
            names.append(hand_name)
            aliases.setdefault(spelling, hand_name)
        else:
            aliases.setdefault(spelling, target)
    return list(dict.fromkeys(names)), aliases, exact, hot
