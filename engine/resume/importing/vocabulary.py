"""The words and patterns the resume reader knows: section heading words, dates, contact details, job-title
and employer words, schools, degrees and places. Vocabulary only; sections.py and entries.py use it."""
from __future__ import annotations

import re

HEADINGS = {
    "summary": ("summary", "profile", "professional summary", "career summary", "about me", "about", "objective",
                "career objective", "personal statement", "overview", "professional profile", "introduction"),
    "experience": ("experience", "work experience", "professional experience", "employment", "employment history",
                   "work history", "career history", "professional background", "relevant experience",
                   "positions held", "career", "work", "experience history", "professional history"),
    "education": ("education", "academic background", "qualifications", "education and training",
                  "education & training", "academics", "studies", "academic history", "training and education",
                  "academic qualifications", "educational background"),
    "skills": ("skills", "technical skills", "core skills", "key skills", "competencies", "core competencies",
               "expertise", "technologies", "skills and tools", "skills & tools", "areas of expertise", "toolbox",
               "skill set", "skillset", "tools", "tech stack", "abilities", "strengths"),
    "projects": ("projects", "selected projects", "personal projects", "key projects", "project experience",
                 "side projects"),
    "certifications": ("certifications", "certificates", "licenses", "licenses and certifications",
                       "licenses & certifications", "certification", "courses"),
    "languages": ("languages", "language skills", "spoken languages"),
    "links": ("links", "online", "profiles", "online profiles", "web", "social"),
    "contact": ("contact", "contact details", "contact information", "personal details", "personal information",
                "details", "get in touch"),
    "other": ("interests", "hobbies", "awards", "honors", "honours", "volunteering", "volunteer experience",
              "references", "publications", "activities", "achievements", "memberships"),
}
HEADING_OF = {words: section for section, names in HEADINGS.items() for words in names}

MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DATE = rf"(?:{MONTH}\s*'?\d{{4}}|\d{{1,2}}[/.]\d{{4}}|(?:19|20)\d{{2}}[/.-]\d{{1,2}}(?![\d])|(?:19|20)\d{{2}})"
NOW = r"(?:present|current|now|today|ongoing|to date)"
DATE_RANGE = re.compile(rf"(?<![\w/])({DATE})\s*(?:–|—|-|to|until|till|→)\s*({DATE}|{NOW})(?![\w/])", re.I)
SINGLE_DATE = re.compile(rf"(?<![\w/.-])(?:(?:expected|graduated|since|from)\s+)?({DATE})(?![\w/])", re.I)
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w])(\+?\(?\d[\d ().-]{6,}\d)(?:\s*(?:x|ext\.?)\s*\d+)?(?![\w])")
URL = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|me|de|uk|co|in|info)(?:/[\w./%#?=&-]*)?", re.I)
BULLET = re.compile(r"^[•▪◦●■□➢►‣∙·*–—-]\s*")
SEPARATORS = re.compile(r"\s+[·|•–—*/]\s+|\s+-\s+|\s{2,}|\t")
LABEL = re.compile(r"^(?:e-?mail|phone|tel|telephone|mobile|cell|location|address|based in|city|web|website|"
                   r"linkedin|github)\s*[:.]\s*", re.I)

TITLE_WORDS = {
    "engineer", "developer", "manager", "analyst", "intern", "designer", "consultant", "specialist", "director",
    "lead", "officer", "assistant", "coordinator", "scientist", "architect", "administrator", "nurse", "teacher",
    "accountant", "technician", "representative", "associate", "executive", "head", "president", "vp",
    "supervisor", "advisor", "adviser", "programmer", "editor", "writer", "planner", "buyer", "clerk", "agent",
    "auditor", "controller", "strategist", "researcher", "instructor", "tutor", "therapist", "pharmacist",
    "physician", "chef", "cook", "driver", "operator", "mechanic", "electrician", "recruiter", "trainee",
    "apprentice", "owner", "founder", "partner", "cto", "ceo", "cfo", "coo", "marketer", "salesperson",
    "receptionist", "paralegal", "attorney", "lawyer", "economist", "statistician", "bookkeeper", "cashier",
    "server", "bartender", "technologist", "hygienist", "inspector", "estimator", "carpenter", "plumber",
    "welder", "lecturer", "professor", "fellow", "volunteer", "generalist", "producer", "artist", "translator",
    "owner", "principal", "staff", "senior", "junior", "chief", "product", "support", "sales", "marketing",
}
COMPANY_WORDS = {
    "inc", "inc.", "llc", "ltd", "ltd.", "gmbh", "plc", "corp", "corp.", "corporation", "group", "company", "co.",
    "sons", "ag", "sa", "bv", "limited", "partners", "holdings", "technologies", "solutions", "labs", "studio",
    "consulting", "bank", "agency", "services", "systems", "foundation", "hospital", "clinic", "associates",
}
SCHOOL_WORDS = {"university", "college", "institute", "school", "academy", "polytechnic", "universität",
                "université", "universidad", "hochschule", "conservatory", "seminary", "lyceum", "gymnasium"}
DEGREE_OF = (r"(?:Business Administration|Fine Arts|Public Health|Social Work|Applied Science|Public Administration|"
              r"Science|Arts|Engineering|Education|Laws|Music|Nursing|Technology|Commerce|Philosophy|Medicine|"
              r"Architecture|Pharmacy|Divinity)")
DEGREE = re.compile(
    r"\b(?:B\.?Sc|M\.?Sc|B\.?A|M\.?A|B\.?S|M\.?S|B\.?Eng|M\.?Eng|B\.?Com|M\.?Com|BBA|MBA|Ph\.?D|MPhil|LLB|LLM|"
    rf"MD|BFA|MFA|BEd|MEd|A\.?A|A\.?S|HND|GED|Bachelor(?:'s)?(?: of {DEGREE_OF})?|"
    rf"Master(?:'s)?(?: of {DEGREE_OF})?|Doctor(?:ate)?(?: of {DEGREE_OF})?|"
    rf"Associate(?:'s)?(?: of {DEGREE_OF}| Degree)?|Diploma|Certificate|High School Diploma)\b")
COUNTRIES = {
    "usa", "us", "united states", "uk", "united kingdom", "england", "scotland", "wales", "ireland", "germany",
    "france", "spain", "italy", "portugal", "netherlands", "belgium", "switzerland", "austria", "sweden", "norway",
    "denmark", "finland", "poland", "czechia", "czech republic", "hungary", "greece", "turkey", "india", "china",
    "japan", "korea", "south korea", "singapore", "australia", "new zealand", "canada", "mexico", "brazil",
    "argentina", "chile", "colombia", "peru", "south africa", "nigeria", "kenya", "egypt", "morocco", "israel",
    "uae", "united arab emirates", "saudi arabia", "pakistan", "bangladesh", "indonesia", "philippines",
    "vietnam", "thailand", "malaysia", "ukraine", "romania", "bulgaria", "croatia", "serbia", "estonia", "latvia",
    "lithuania", "luxembourg", "iceland",
}
LOCATION = re.compile(r"^[A-ZÀ-Þ][\w'’. -]{1,40},\s*([A-Z]{2}|[A-Z][\w'’. -]{2,30})$")
ROLE_NOUN = re.compile(r"(?:ist|ista|er|or|ian|ant|ent|eer|ive|ic)$")   # chemist, barista, housekeeper
HYPHENATED = re.compile(r"^[A-Z][a-z]+-[A-Z][a-z]+$")   # "Hayes-Metcalfe": a firm of two names
FOOTER = re.compile(r"\bpage\s+\d+\s*(?:/|of)\s*\d+\s*$", re.I)


def looks_like_place(seg: str) -> bool:
    seg = seg.strip()
    m = LOCATION.match(seg)
    if not m or re.search(r"\d|@", seg) or len(seg.split()) > 6:
        return False
    tail = m.group(1).strip().lower()
    return bool(re.fullmatch(r"[A-Z]{2}", m.group(1))) or tail in COUNTRIES


def normalise_date(text: str) -> str:
    """"Sep 2021", "09/2021", "2021-09" -> "2021-09"; "2021" -> "2021"; "Present" -> "Present"."""
    t = (text or "").strip().lower().rstrip(".")
    if re.fullmatch(NOW, t):
        return "Present"
    m = re.fullmatch(r"((?:19|20)\d{2})(?:[/.-](\d{1,2}))?", t)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}" if m.group(2) else m.group(1)
    m = re.fullmatch(r"(\d{1,2})[/.]((?:19|20)\d{2})", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.fullmatch(r"([a-z]{3})[a-z]*\.?\s*'?((?:19|20)\d{2})", t)
    if m and m.group(1) in MONTHS:
        return f"{m.group(2)}-{MONTHS.index(m.group(1)) + 1:02d}"
    return text.strip()
