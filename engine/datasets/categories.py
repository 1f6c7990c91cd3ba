"""Map other sources' titles and labels onto our categories.

Three signals, strongest first: keywords in the job title (the longest matching phrase wins, so "data
engineer" beats "engineer"), the source's own label (EMSCAD function/industry, Google's 23 categories,
Glassdoor sector, Dice/LA departments), then keywords in the rest of the text. Nothing found -> "Other".
"""
from __future__ import annotations

from functools import lru_cache

from engine.datasets.cleaning import words
from engine.datasets.vocabulary import CATEGORY_NAMES

OTHER = "Other"

# Title phrases per category (lower case, whole words; a trailing * is a prefix).
TITLE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "Software Engineering": ("software", "developer", "programmer", "frontend", "front end", "front-end", "backend",
                             "back end", "back-end", "full stack", "fullstack", "web developer", "java", "python",
                             ".net", "ios", "android", "mobile developer", "software engineer", "sde",
                             "application developer", "qa engineer", "test engineer", "automation engineer",
                             "php", "ruby", "javascript", "golang", "embedded software", "game developer"),
    "Data Science & Analytics": ("data scientist", "data science", "data analyst", "analytics", "machine learning",
                                 "ml engineer", "business intelligence", "bi analyst", "bi developer",
                                 "quantitative", "statistician", "ai engineer",
                                 "deep learning", "nlp", "computer vision", "decision scientist", "insights analyst"),
    "Data Engineering": ("data engineer", "big data", "etl", "data warehouse", "database administrator", "dba",
                         "data architect", "hadoop", "spark", "data platform", "database developer",
                         "database engineer", "data modeler"),
    "DevOps & Cloud": ("devops", "site reliability", "sre", "cloud engineer", "cloud architect", "platform engineer",
                       "infrastructure engineer", "build engineer", "release engineer", "kubernetes", "aws",
                       "azure", "cloud"),
    "Cybersecurity": ("security", "cyber*", "penetration", "soc analyst", "infosec", "information assurance",
                      "vulnerability", "forensic"),
    "IT Support & Networking": ("it support", "help desk", "helpdesk", "desktop support", "technical support specialist",
                                "network engineer", "network administrator", "systems administrator",
                                "system administrator", "sysadmin", "it technician", "it manager", "it specialist",
                                "network", "information technology", "computer operator", "service desk"),
    "Product Management": ("product manager", "product owner", "product management", "program manager",
                           "technical program", "product lead", "product analyst", "scrum master"),
    "Design (UX/UI)": ("designer", "ux", "ui", "user experience", "user interface", "graphic", "visual design",
                       "interaction design", "creative director", "illustrator", "art director", "user research", "user researcher",
                       "ux research", "ux researcher", "ui/ux", "ux/ui"),
    "Marketing": ("marketing", "seo", "sem", "social media", "brand", "content marketing", "growth", "campaign",
                  "digital marketing", "advertising", "media buyer", "communications manager", "public relations"),
    "Sales": ("sales", "account executive", "business development", "account manager", "bdr", "sdr",
              "inside sales", "territory", "sales representative", "partner manager", "partnerships"),
    "Customer Support": ("customer service", "customer support", "customer success", "call center", "call centre",
                         "support specialist", "support representative", "client services", "technical support",
                         "support engineer", "customer care", "csr"),
    "Finance & Accounting": ("accountant", "accounting", "finance", "financial", "auditor", "audit", "bookkeeper",
                             "payroll", "tax", "controller", "treasury", "cpa", "billing", "accounts payable",
                             "accounts receivable", "credit analyst", "investment", "actuar*", "underwriter"),
    "Human Resources": ("human resources", "hr", "recruiter", "recruiting", "talent", "people operations",
                        "benefits", "compensation", "learning and development", "training specialist",
                        "personnel"),
    "Healthcare & Nursing": ("nurse", "nursing", "rn", "lpn", "cna", "medical", "clinical", "physician",
                             "pharmacist", "pharmacy", "therapist", "caregiver", "dental", "health", "patient",
                             "surgeon", "radiolog*", "paramedic", "emt", "phlebotom*", "doctor", "hospital",
                             "hygienist", "veterinar*"),
    "Education & Teaching": ("teacher", "teaching", "tutor", "instructor", "professor", "lecturer", "educator",
                             "curriculum", "school", "principal", "faculty", "esl", "trainer", "education",
                             "instructional", "librarian"),
    "Legal": ("lawyer", "attorney", "legal", "paralegal", "counsel", "compliance", "law clerk", "solicitor",
              "contract manager", "litigation", "regulatory"),
    "Operations & Logistics": ("operations", "logistics", "supply chain", "warehouse", "procurement", "purchasing",
                               "buyer", "driver", "dispatcher", "inventory", "shipping", "fleet", "delivery",
                               "distribution", "courier", "planner", "transportation"),
    "Manufacturing & Engineering": ("mechanical engineer", "electrical engineer", "manufacturing", "production",
                                    "machinist", "quality engineer", "process engineer", "industrial engineer",
                                    "hardware engineer", "maintenance", "technician", "chemical engineer",
                                    "civil engineer", "structural engineer", "engineer", "engineering",
                                    "assembler", "operator", "cnc", "quality"),
    "Construction & Trades": ("electrician", "plumber", "carpenter", "construction", "hvac", "welder", "mason",
                              "roofer", "painter", "site supervisor", "foreman", "builder", "apprentice",
                              "pipefitter", "mechanic", "building", "custodian", "janitor", "gardener",
                              "landscap*", "tree surgeon", "estimator"),
    "Hospitality & Food": ("chef", "cook", "kitchen", "restaurant", "server", "waiter", "waitress", "barista",
                           "bartender", "hotel", "hospitality", "housekeeper", "housekeeping", "front desk agent",
                           "catering", "food", "event coordinator", "dishwasher", "host", "concierge"),
    "Retail": ("retail", "cashier", "store", "shop", "sales associate", "merchandis*", "stock associate",
               "stocker", "shelf"),
    "Administration": ("administrative", "administrator", "admin", "assistant", "receptionist", "secretary",
                       "clerk", "office manager", "data entry", "executive assistant", "coordinator",
                       "clerical", "typist"),
    "Science & Research": ("scientist", "research", "researcher", "laboratory", "lab", "chemist", "biologist",
                           "biolog*", "chemistry", "physicist", "environmental", "geologist", "clinical research",
                           "microbiolog*", "epidemiolog*"),
    "Media & Writing": ("writer", "editor", "journalist", "copywriter", "technical writer", "content",
                        "reporter", "video", "photographer", "communications", "translator", "producer",
                        "documentation"),
}

# Words that say little on their own: they decide only when nothing more specific matches.
GENERIC = {"engineer", "engineering", "technician", "operator", "quality", "assistant", "coordinator", "content",
           "network", "cloud", "health", "host", "server", "store", "shop", "research", "production", "admin",
           "maintenance", "administrator", "planner", "growth", "talent", "benefits", "building", "video",
           "producer", "trainer", "education", "school", "communications", "documentation", "operations",
           "financial", "finance", "tax", "audit", "medical", "clinical", "patient", "delivery"}

# Source labels (lower case) -> our category.
LABEL_CATEGORIES: dict[str, str] = {
    # EMSCAD function
    "information technology": "Software Engineering", "sales": "Sales", "engineering": "Manufacturing & Engineering",
    "customer service": "Customer Support", "marketing": "Marketing", "administrative": "Administration",
    "health care provider": "Healthcare & Nursing", "education": "Education & Teaching",
    "management": "Operations & Logistics", "design": "Design (UX/UI)", "production": "Manufacturing & Engineering",
    "business development": "Sales", "accounting/auditing": "Finance & Accounting", "finance": "Finance & Accounting",
    "human resources": "Human Resources", "art/creative": "Design (UX/UI)", "writing/editing": "Media & Writing",
    "project management": "Product Management", "manufacturing": "Manufacturing & Engineering",
    "product management": "Product Management", "data analyst": "Data Science & Analytics",
    "distribution": "Operations & Logistics", "quality assurance": "Manufacturing & Engineering",
    "public relations": "Marketing", "research": "Science & Research", "legal": "Legal",
    "supply chain": "Operations & Logistics", "training": "Human Resources", "advertising": "Marketing",
    "financial analyst": "Finance & Accounting", "purchasing": "Operations & Logistics",
    "science": "Science & Research", "business analyst": "Data Science & Analytics",
    "strategy/planning": "Product Management",
    # Google job skills categories
    "sales & account management": "Sales", "marketing & communications": "Marketing",
    "technical solutions": "Software Engineering", "business strategy": "Product Management",
    "people operations": "Human Resources", "user experience & design": "Design (UX/UI)",
    "program management": "Product Management", "partnerships": "Sales",
    "product & customer support": "Customer Support", "legal & government relations": "Legal",
    "software engineering": "Software Engineering", "sales operations": "Sales",
    "hardware engineering": "Manufacturing & Engineering", "real estate & workplace services": "Operations & Logistics",
    "manufacturing & supply chain": "Operations & Logistics", "technical infrastructure": "DevOps & Cloud",
    "network engineering": "IT Support & Networking", "developer relations": "Software Engineering",
    "technical writing": "Media & Writing", "it & data management": "IT Support & Networking",
    "data center & network": "IT Support & Networking",
    # EMSCAD industry / Glassdoor sector
    "computer software": "Software Engineering", "internet": "Software Engineering",
    "information technology and services": "Software Engineering", "hospital & health care": "Healthcare & Nursing",
    "health care": "Healthcare & Nursing", "biotech & pharmaceuticals": "Science & Research",
    "education management": "Education & Teaching", "e-learning": "Education & Teaching",
    "financial services": "Finance & Accounting", "accounting": "Finance & Accounting", "banking": "Finance & Accounting",
    "insurance": "Finance & Accounting", "retail": "Retail", "consumer services": "Customer Support",
    "telecommunications": "IT Support & Networking", "construction": "Construction & Trades",
    "oil & energy": "Manufacturing & Engineering", "hospitality": "Hospitality & Food",
    "restaurants": "Hospitality & Food", "food & beverages": "Hospitality & Food", "travel, tourism & restaurants":
    "Hospitality & Food", "staffing and recruiting": "Human Resources", "logistics and supply chain":
    "Operations & Logistics", "transportation/trucking/railroad": "Operations & Logistics",
    "transportation & logistics": "Operations & Logistics", "law practice": "Legal", "legal services": "Legal",
    "media": "Media & Writing", "online media": "Media & Writing", "publishing": "Media & Writing",
    "marketing and advertising": "Marketing", "aerospace & defense": "Manufacturing & Engineering",
    "mechanical or industrial engineering": "Manufacturing & Engineering", "research": "Science & Research",
    "government": "Administration", "business services": "Administration", "non-profit": "Administration",
}


@lru_cache(maxsize=1)
def _keyword_table() -> tuple[dict[str, tuple[str, int]], list[tuple[str, str, int]], int]:
    """(phrase -> (category, weight), [(prefix, category, weight)], longest phrase in words)."""
    phrases: dict[str, tuple[str, int]] = {}
    prefixes: list[tuple[str, str, int]] = []
    for category, keywords in TITLE_KEYWORDS.items():
        for keyword in keywords:
            keyword = keyword.strip()
            weight = 1 if keyword in GENERIC else len(keyword.rstrip("*"))
            if keyword.endswith("*"):
                prefixes.append((keyword.rstrip("*"), category, weight))
            else:
                phrases.setdefault(" ".join(w for w, _ in words(keyword)).lower(), (category, weight))
    return phrases, prefixes, max(len(p.split(" ")) for p in phrases)


def _best_keyword(text: str) -> str | None:
    """The category of the heaviest keyword found (longer = more specific); ties go to the category
    mentioned most."""
    phrases, prefixes, longest = _keyword_table()
    tokens = [(w.lower(), joined) for w, joined in words(text)]
    hits: dict[str, int] = {}
    weights: dict[str, int] = {}
    for i, (word, _) in enumerate(tokens):
        for n in range(1, min(longest, len(tokens) - i) + 1):
            if n > 1 and not tokens[i + n - 1][1]:
                break
            hit = phrases.get(" ".join(w for w, _ in tokens[i:i + n]))
            if hit:
                hits[hit[0]] = hits.get(hit[0], 0) + 1
                weights[hit[0]] = max(weights.get(hit[0], 0), hit[1])
        for prefix, category, weight in prefixes:
            if word.startswith(prefix):
                hits[category] = hits.get(category, 0) + 1
                weights[category] = max(weights.get(category, 0), weight)
    if not hits:
        return None
    return max(hits, key=lambda c: (weights[c], hits[c], c))


def category_for_label(label: str | None) -> str | None:
    """Our category for a source's own label ("Sales & Account Management" -> "Sales"), or None."""
    if not label:
        return None
    label = label.strip()
    if label in CATEGORY_NAMES:
        return label
    return LABEL_CATEGORIES.get(label.lower())


def infer_category(title: str, text: str = "", label: str | None = None) -> str:
    """Best-fitting category from a title, a source label and free text; "Other" when nothing fits."""
    if title and (found := _best_keyword(title)):
        return found
    if (mapped := category_for_label(label)) is not None:
        return mapped
    if text and (found := _best_keyword(text[:2000])):
        return found
    return OTHER
