"""The occupation table shipped with the product, derived from O*NET 29.2 (CC BY 4.0).

`build_table(source)` reads O*NET's tab-separated files (``../shared/data/skills/onet_29_2``) once, at
development time, and writes ``engine/data/occupations/onet_29_2.json.gz`` (well under 5 MB); the product
only ever reads that file (`load_table`), so it runs without ../shared. The table holds the 1,016
occupations (code, title, description, job zone), their alternate and reported titles and the technology
skills employers report for them (with O*NET's hot-technology and in-demand flags).

A fixed 20% of alternate titles per occupation is held out (`held_out`): the occupation matcher never
reads them and nothing trains on them (Job-Rec-v2's head, the O*NET fine-tune), so `eval occupations`
measures titles no model has seen.
Only titles with one occupation are held out (a spelling O*NET lists under two occupations stays in
training), and a held-out spelling that is also a reported title leaves training there too.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine import config

RELEASE = "29.2"
TABLE_FILE = Path(__file__).resolve().parent.parent / "data" / "occupations" / "onet_29_2.json.gz"
SOURCE_DIR = "skills/onet_29_2"   # under the shared data folder
HELD_OUT_SHARE = 0.2
MAX_BYTES = 5_000_000
ATTRIBUTION = ("O*NET 29.2 Database by the U.S. Department of Labor, Employment and Training Administration "
               "(USDOL/ETA), used under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). "
               "Derived: titles, descriptions, job zones and technology skills, reduced to a compact table.")


def title_key(title: str) -> str:
    """The spelling-insensitive form of a title: lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9+#]+", str(title or "").lower()))


@dataclass(frozen=True)
class Occupation:
    code: str          # O*NET-SOC code, e.g. "15-1252.00"
    title: str         # "Software Developers"
    description: str
    job_zone: int | None   # 1 (little preparation) .. 5 (extensive); None where O*NET gives none


@dataclass(frozen=True)
class Technology:
    name: str          # "Microsoft Excel", as O*NET writes it
    commodity: str     # O*NET's category of the tool ("Spreadsheet software")
    hot: bool          # O*NET's Hot Technology flag on any occupation
    in_demand: bool
    codes: tuple[str, ...]   # the occupations that report it


@dataclass(frozen=True)
class OccupationTable:
    occupations: tuple[Occupation, ...]
    alternate_titles: tuple[tuple[str, str, bool], ...]   # (code, title, held out)
    reported_titles: tuple[tuple[str, str], ...]           # (code, title); none held out
    technologies: tuple[Technology, ...]

    @property
    def by_code(self) -> dict[str, Occupation]:
        return {o.code: o for o in self.occupations}

    def training_titles(self) -> dict[str, list[str]]:
        """code -> every title a matcher or training may read: alternate titles not held out and
        reported titles (the occupation's own title is separate)."""
        out: dict[str, list[str]] = defaultdict(list)
        for code, title, held in self.alternate_titles:
            if not held:
                out[code].append(title)
        for code, title in self.reported_titles:
            out[code].append(title)
        return out

    def held_out_titles(self) -> dict[str, set[str]]:
        """held-out title -> every occupation listing that spelling (the right answers)."""
        held = {title_key(t) for _, t, h in self.alternate_titles if h}
        out: dict[str, set[str]] = {}
        for code, title, _ in self.alternate_titles:
            if title_key(title) in held:
                out.setdefault(title, set()).add(code)
        return out


# --- building (development only: reads ../shared/data) --------------------------------------------

def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def choose_held_out(alternates: list[tuple[str, str]], fixed_keys: set[str]) -> set[str]:
    """Keys of the held-out titles: per occupation, the round(20%) of its titles first in hash order
    (stratified). Only titles with one answer are eligible: never some occupation's own title
    (``fixed_keys``), never a spelling O*NET lists under two occupations."""
    owners: dict[str, set[str]] = defaultdict(set)
    for code, title in alternates:
        owners[title_key(title)].add(code)
    per_code: dict[str, list[str]] = defaultdict(list)
    for code, title in alternates:
        key = title_key(title)
        if key and key not in fixed_keys and len(owners[key]) == 1 and key not in per_code[code]:
            per_code[code].append(key)
    held: set[str] = set()
    for code, keys in per_code.items():
        n = int(len(keys) * HELD_OUT_SHARE + 0.5)
        held.update(sorted(keys, key=lambda k: _hash(f"{code}|{k}"))[:n])
    return held


def build_table(source: Path | None = None, out: Path = TABLE_FILE) -> dict:
    """Read O*NET's files from ``source`` and write the compact table. Returns a summary."""
    source = source or (config.shared_data_path() / SOURCE_DIR)
    if not (source / "Occupation Data.txt").is_file():
        raise FileNotFoundError(f"O*NET files not found in {source} (expected 'Occupation Data.txt' there).")
    zones = {r["O*NET-SOC Code"]: int(r["Job Zone"]) for r in _rows(source / "Job Zones.txt")}
    occupations = [[r["O*NET-SOC Code"], r["Title"].strip(), r["Description"].strip(), zones.get(r["O*NET-SOC Code"])]
                   for r in _rows(source / "Occupation Data.txt")]
    codes = {o[0] for o in occupations}
    alternates = [(r["O*NET-SOC Code"], r["Alternate Title"].strip()) for r in _rows(source / "Alternate Titles.txt")
                  if r["O*NET-SOC Code"] in codes and r["Alternate Title"].strip()]
    held = choose_held_out(alternates, {title_key(o[1]) for o in occupations})
    reported = [(r["O*NET-SOC Code"], r["Reported Job Title"].strip()) for r in _rows(source / "Sample of Reported Titles.txt")
                if r["O*NET-SOC Code"] in codes and title_key(r["Reported Job Title"]) not in held]
    tech: dict[str, dict] = {}
    for r in _rows(source / "Technology Skills.txt"):
        name = r["Example"].strip()
        if r["O*NET-SOC Code"] not in codes or not name:
            continue
        t = tech.setdefault(name, {"commodity": r["Commodity Title"].strip(), "hot": False, "in_demand": False, "codes": []})
        t["hot"] |= r["Hot Technology"] == "Y"
        t["in_demand"] |= r["In Demand"] == "Y"
        if r["O*NET-SOC Code"] not in t["codes"]:
            t["codes"].append(r["O*NET-SOC Code"])
    index = {o[0]: i for i, o in enumerate(occupations)}
    seen_alt: set[tuple[str, str]] = set()
    alt_rows = []
    for code, title in alternates:
        if (code, title_key(title)) in seen_alt:
            continue
        seen_alt.add((code, title_key(title)))
        alt_rows.append([index[code], title, int(title_key(title) in held)])
    doc = {
        "release": RELEASE,
        "attribution": ATTRIBUTION,
        "occupations": occupations,
        "alternate_titles": alt_rows,
        "reported_titles": [[index[c], t] for c, t in dict.fromkeys(reported)],
        "technologies": [[name, t["commodity"], int(t["hot"]), int(t["in_demand"]), [index[c] for c in t["codes"]]]
                         for name, t in sorted(tech.items(), key=lambda kv: kv[0].lower())],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with tmp.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
        f.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    tmp.replace(out)
    load_table.cache_clear()
    size = out.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"The occupation table is {size:,} bytes, over the {MAX_BYTES:,} allowed.")
    return {"file": str(out), "bytes": size, "occupations": len(occupations), "alternate_titles": len(alt_rows),
            "held_out_alternate_titles": sum(r[2] for r in alt_rows), "reported_titles": len(doc["reported_titles"]),
            "technologies": len(tech), "hot_technologies": sum(t["hot"] for t in tech.values())}


@lru_cache(maxsize=2)
def load_table(path: Path = TABLE_FILE) -> OccupationTable:
    """The shipped table (no ../shared needed)."""
    with gzip.open(path, "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
    occs = tuple(Occupation(c, t, d, z) for c, t, d, z in doc["occupations"])
    code = [o.code for o in occs]
    return OccupationTable(
        occupations=occs,
        alternate_titles=tuple((code[i], t, bool(h)) for i, t, h in doc["alternate_titles"]),
        reported_titles=tuple((code[i], t) for i, t in doc["reported_titles"]),
        technologies=tuple(Technology(n, c, bool(h), bool(d), tuple(code[i] for i in idx))
                           for n, c, h, d, idx in doc["technologies"]),
    )
