"""How generated postings word things: many ways to say the same requirement, duty or skill.

Real postings for one role differ from company to company in wording, not in meaning: "Strong working
knowledge of Postgres" at one, "Hands-on experience with PostgreSQL" at the next. Each company gets a house
style (how its ad opens, how it writes duties), picked from its name so all its postings read alike; the rest
is drawn per posting. Every written form of a skill here is one the skill extractor reads back as that skill
(a test checks it), so ``required_skills`` and the text always agree.
"""
from __future__ import annotations

import zlib
from functools import lru_cache

# Other ways a posting writes a skill (each extracts back to the canonical name; see SKILL_ALIASES).
PROSE_FORMS: dict[str, tuple[str, ...]] = {
    "PostgreSQL": ("Postgres",), "Kubernetes": ("K8s",), "AWS": ("Amazon Web Services",),
    "GCP": ("Google Cloud",), "Azure": ("Microsoft Azure",), "Apache Spark": ("Spark", "PySpark"),
    "Apache Kafka": ("Kafka",), "Apache Airflow": ("Airflow",), "Node.js": ("NodeJS",), "React": ("React.js",),
    "Go": ("Golang",), ".NET": ("ASP.NET",), "SQL Server": ("Microsoft SQL Server",), "Redshift": ("Amazon Redshift",),
    "BigQuery": ("Google BigQuery",), "Excel": ("Microsoft Excel", "MS Excel"), "Word": ("Microsoft Word",),
    "Microsoft Office": ("MS Office",), "Microsoft 365": ("Office 365",), "Google Workspace": ("G Suite",),
    "Electronic Health Records": ("EHR systems", "EMR systems"), "CI/CD": ("continuous integration",),
    "REST APIs": ("RESTful APIs",), "Unit Testing": ("unit tests",), "A/B Testing": ("A/B tests", "split testing"),
    "Statistics": ("statistical analysis",), "Data Visualization": ("data visualisation",),
    "Bash": ("shell scripting",), "Infrastructure as Code": ("IaC",), "SEO": ("search engine optimization",),
    "Adobe Photoshop": ("Photoshop",), "Adobe Illustrator": ("Illustrator",), "Adobe InDesign": ("InDesign",),
    "Adobe Premiere Pro": ("Premiere Pro",), "User Research": ("UX research",), "NLP": ("natural language processing",),
    "GIS": ("ArcGIS",), "Good Laboratory Practice": ("GLP",), "POS Systems": ("point of sale systems",),
    "Forklift Operation": ("forklift driving",), "BLS": ("Basic Life Support",),
    "ACLS": ("Advanced Cardiac Life Support",), "Individualized Education Programs": ("IEPs",),
    "Applicant Tracking Systems": ("an ATS",), "Identity and Access Management": ("IAM",),
    "Data Warehousing": ("data warehouse design",), "HVAC Systems": ("HVAC",), "Microsoft Project": ("MS Project",),
    "Team Supervision": ("people management", "supervising a team", "staff supervision"),
    "Stakeholder Management": ("managing stakeholders",), "Financial Modeling": ("financial modelling",),
    "Data Modeling": ("data modelling",), "Troubleshooting": ("fault finding",),
    "Preventive Maintenance": ("preventative maintenance",), "Blueprint Reading": ("reading blueprints",),
    "Medication Administration": ("administering medication",), "Phlebotomy": ("drawing blood",),
    "Infection Control": ("infection prevention",), "Patient Care": ("caring for patients",),
    "Budgeting": ("budget management",), "Staff Scheduling": ("shift scheduling",),
    "Calendar Management": ("diary management",), "Travel Arrangements": ("booking travel",),
    "Minute Taking": ("taking minutes",), "Event Planning": ("event management",),
    "Vendor Management": ("supplier management",), "Process Improvement": ("continuous improvement",),
    "Demand Planning": ("demand forecasting",), "Guest Services": ("guest relations",),
    "Recruiting": ("recruitment",), "Sourcing": ("candidate sourcing",), "Inventory Control": ("stock control",),
    "Inventory Management": ("stock management",), "Lesson Planning": ("planning lessons",),
    "Classroom Management": ("behaviour management",), "Food Preparation": ("food prep",),
    "Cash Handling": ("handling cash",), "Product Roadmapping": ("roadmap planning",),
    "Backlog Management": ("backlog refinement",), "Usability Testing": ("usability studies",),
    "Customer Service": ("customer support",), "Vital Signs": ("vitals",),
}

# Soft skills as a requirement names them (each still extracts to the skill).
SOFT_FORMS: dict[str, tuple[str, ...]] = {
    "Communication": ("communication", "communication skills", "written and verbal communication skills"),
    "Teamwork": ("teamwork", "team work"),
    "Problem Solving": ("problem solving", "problem-solving skills"),
    "Time Management": ("time management", "time-management skills"),
    "Attention to Detail": ("attention to detail", "close attention to detail"),
    "Leadership": ("leadership", "team leadership"),
    "Stakeholder Management": ("stakeholder management",),
    "Critical Thinking": ("critical thinking",),
    "Adaptability": ("adaptability",),
    "Customer Focus": ("customer focus",),
}

# Requirement sentences. {skills}: a joined list of skills; {years}, {role}: experience.
CORE_LINES = (
    "Strong working knowledge of {skills}.", "Hands-on experience with {skills}.", "Solid experience with {skills}.",
    "You know your way around {skills}.", "Proven experience using {skills}.", "Confident with {skills}.",
    "Practical, day-to-day experience of {skills}.", "A track record of good work with {skills}.",
    "Must have: {skills}.", "You have used {skills} in a professional setting.",
)
EXTRA_LINES = (
    "Experience with {skills}.", "Experience with {skills} is a plus.", "Nice to have: {skills}.",
    "Familiarity with {skills} helps.", "Bonus points for {skills}.", "Any exposure to {skills} is welcome.",
    "Some knowledge of {skills} would be useful.", "Ideally, you have also worked with {skills}.",
)
SINGLE_LINES = ("{skill} experience.", "Experience with {skill}.", "Comfortable with {skill}.",
                "Good knowledge of {skill}.", "You have worked with {skill} before.")
SOFT_LINES = ("Strong {skills}.", "You bring {skills}.", "We value {skills}.", "{Skills}.",
              "Excellent {skills}.")
EXPERIENCE_LINES = (
    "{lo}+ years of experience {as_role} or in a similar role.", "At least {lo} years {as_role} or similar.",
    "{lo}+ years in a comparable position.", "You have {lo} or more years of relevant experience.",
    "{lo}-{hi} years of experience {as_role}.", "Around {lo}+ years of hands-on experience in this field.",
)
ENTRY_LINES = (
    "0-{hi} years of experience in a similar role; recent graduates welcome.",
    "Up to {hi} years of experience; we will train the right person.",
    "Entry-level applicants are welcome; {hi} years of experience at most.",
    "Some experience helps, but recent graduates are encouraged to apply.",
)
INTERN_LINES = ("No prior experience needed; you are studying or have just graduated.",
                "You are a current student or a recent graduate.",
                "Currently enrolled in a degree programme, or graduated within the last year.")

# How an ad opens. {a} = "a"/"an" for the title.
OPENERS = (
    "{company} is hiring {a} {title} to join its {team} in {where}.",
    "We are looking for {a} {title} to join the {team} at {company} in {where}.",
    "Join {company} in {where} as {a} {title}.",
    "{company}'s {team} in {where} is growing, and we need {a} {title}.",
    "At {company}, our {team} in {where} is hiring {a} {title}.",
    "{company}, based in {where}, is looking for {a} {title}.",
)
INTROS = ("Our {team} {intro}.", "The {team} {intro}.", "Here, the {team} {intro}.", "Our {team} {intro}, and it is growing.")
DUTY_LEADS = ("In this {employment} role you will {d0} and {d1}.", "As part of the team you will {d0} and {d1}.",
              "Day to day, you will {d0} and {d1}.", "You will {d0}, and you will also {d1}.",
              "Your main job: {d0} and {d1}.")
TOOL_LINES = ("You will work mainly with {skills}.", "The role calls for {skills}.",
              "Expect to use {skills} every day.", "Key skills for this job: {skills}.",
              "Most of the work involves {skills}.")
PAY_LINES = ("We offer a salary of ${lo:,} to ${hi:,} a year, {benefits}.",
             "Pay: ${lo:,}-${hi:,} a year, plus {benefits}.",
             "The salary range is ${lo:,} to ${hi:,} per year; we also offer {benefits}.",
             "You will earn ${lo:,}-${hi:,} a year, with {benefits}.")
CLOSERS = ("", "", "Apply with your resume; we reply to every application.",
           "We welcome applicants from every background.", "Interviews start as soon as we hear from you.",
           "Send us your resume and a few lines about yourself.")

# Interchangeable openings of duty templates (base form: each fits "you will ..."). A template is reworded
# only when its opening is followed by a plain word (not "and": "Run and scale clusters" keeps its verb).
VERBS: dict[str, tuple[str, ...]] = {
    "Build": ("Build", "Develop", "Create"), "Write": ("Write", "Produce"),
    "Work with": ("Work with", "Collaborate with", "Partner with"),
    "Work closely with": ("Work closely with", "Collaborate closely with"), "Partner with": ("Partner with", "Work with"),
    "Maintain": ("Maintain", "Look after"), "Analyse": ("Analyse", "Dig into", "Explore"), "Create": ("Create", "Build"),
    "Run": ("Run", "Lead"), "Own": ("Own", "Take charge of", "Drive"), "Lead": ("Lead", "Drive", "Coordinate"),
    "Plan": ("Plan", "Organise", "Schedule"), "Improve": ("Improve", "Optimise"), "Manage": ("Manage", "Handle", "Oversee"),
    "Monitor": ("Monitor", "Keep an eye on"), "Provide": ("Provide", "Deliver", "Give"), "Deliver": ("Deliver", "Provide"),
    "Handle": ("Handle", "Process", "Manage"), "Resolve": ("Resolve", "Sort out", "Deal with"),
    "Track": ("Track", "Measure", "Monitor"), "Assess": ("Assess", "Evaluate"),
    "Investigate": ("Investigate", "Look into", "Examine"), "Automate": ("Automate", "Script"), "Train": ("Train", "Coach"),
"Follow": ("Follow", "Stick to", "Comply with"),
    "Talk to": ("Talk to", "Speak with"), "Grow": ("Grow", "Expand"), "Present": ("Present", "Share"),
    "Define": ("Define", "Set", "Agree on"), "Reduce": ("Reduce", "Cut", "Lower"), "Greet": ("Greet", "Welcome"),
    "Welcome": ("Welcome", "Greet"), "Answer": ("Answer", "Respond to"), "Educate": ("Educate", "Teach", "Inform"),
    "Source": ("Source", "Find"), "Pitch": ("Pitch", "Propose"), "Meet": ("Meet", "Hit"),
"Guarantee": ("Guarantee", "Ensure"), "Migrate": ("Migrate", "Move"),
    "Orchestrate": ("Orchestrate", "Schedule"), "Take part in": ("Take part in", "Contribute to"),
    "Make sure": ("Make sure", "Ensure"), "Turn": ("Turn", "Translate"), "Inspect": ("Inspect", "Check"),
    "Read": ("Read", "Interpret"), "Apply": ("Apply", "Use"), "Collaborate": ("Collaborate", "Work"),
    "Produce": ("Produce", "Create"), "Log": ("Log", "Record"), "Spot": ("Spot", "Identify"),
    "Forecast": ("Forecast", "Predict"), "Arrange": ("Arrange", "Book"),
}
_OPENINGS = sorted(VERBS, key=len, reverse=True)
# Verbs that follow "and" in duties ("Analyse results and present them"): a gerund duty turns them too.
_COORDINATED = frozenset((
    "maintain", "close", "run", "edit", "validate", "review", "repair", "remove", "monitor", "scale", "improve",
    "coordinate", "deliver", "operate", "enforce", "proofread", "present", "document", "test", "build", "report", "meet",
    "interview", "share", "update", "investigate", "add", "track", "answer", "process", "turn", "mentor", "explain",
    "measure", "adapt", "keep", "lead", "fix", "put", "train", "write", "draft", "design", "plan", "prepare"))

# Duties any posting may add; a senior posting adds one of SENIOR_DUTIES. {team}: the category's team.
GENERIC_DUTIES = ("Share what you know with colleagues and keep documentation up to date",
                  "Take part in team meetings and planning", "Suggest improvements to how the team works",
                  "Help new colleagues settle in")
SENIOR_DUTIES = ("Mentor other members of the {team} and lead by example", "Guide and review the work of others in the {team}",
                 "Set the quality bar for the {team}", "Support junior colleagues in the {team} as they grow")


@lru_cache(maxsize=None)
def _opening(template: str) -> tuple[int, tuple[str, ...]]:
    """(length of the template's swappable opening, its alternatives); (0, ()) when it has none."""
    for opening in _OPENINGS:
        if template.startswith(opening + " ") and not template[len(opening) + 1:].startswith(("and ", "{")):
            return len(opening), VERBS[opening]
    return 0, ()


def reword(template: str, choice: int) -> str:
    """The template with its opening swapped for alternative number ``choice`` (modulo how many there are)."""
    cut, options = _opening(template)
    return options[choice % len(options)] + template[cut:] if options else template


_DOUBLE = {"Run": "Running", "Plan": "Planning", "Set": "Setting", "Put": "Putting", "Get": "Getting",
           "Stop": "Stopping", "Shop": "Shopping", "Dig": "Digging", "Cut": "Cutting", "Hit": "Hitting",
           "Log": "Logging", "Spot": "Spotting"}


def house_style(company: str) -> int:
    """A stable number per company (not Python's salted hash): the same company always writes alike."""
    return zlib.crc32(company.encode("utf-8"))


def _ing(word: str) -> str:
    if word.capitalize() in _DOUBLE:
        doubled = _DOUBLE[word.capitalize()]
        return doubled if word[:1].isupper() else doubled.lower()
    lower = word.lower()
    if lower.endswith("ie"):
        out = word[:-2] + "ying"
    elif lower.endswith("e") and not lower.endswith(("ee", "ye", "oe")):
        out = word[:-1] + "ing"
    else:
        out = word + "ing"
    return out


@lru_cache(maxsize=None)
def gerund(sentence: str) -> str:
    """'Build pipelines' -> 'Building pipelines'; 'Design, build and maintain X' -> 'Designing, building and
    maintaining X'; 'Analyse results and present them' -> 'Analysing results and presenting them'."""
    words = sentence.split(" ")
    i = 0
    while i < len(words):  # the opening verb(s): "Design," "build" "and" "maintain"
        word = words[i].rstrip(",")
        words[i] = _ing(word) + ("," if words[i].endswith(",") else "")
        if not words[i].endswith(","):
            break
        i += 1
    for j in range(i + 1, len(words) - 1):
        if words[j] == "and" and words[j + 1] in _COORDINATED:
            words[j + 1] = _ing(words[j + 1])
    return " ".join(words)


def article(word: str) -> str:
    """'a' or 'an' by sound: 'an Accountant', 'a UX Designer', 'an HR Manager'."""
    first = word.split(" ")[0]
    if len(first) > 1 and first.isupper():  # an acronym is read letter by letter
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    return "an" if first[:1].upper() in "AEIOU" else "a"
