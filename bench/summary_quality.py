"""Resume summaries against the written rubric (engine/resume/summary_check.py) on 36 varied profiles:
pass rate of the offline writer now, and of the writer at a baseline commit (the one before this change).

    python bench/summary_quality.py [--baseline 5e1c83d] -> artifacts/bench/summary_quality.json
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.resume import suggest, summary_check  # noqa: E402
from engine.resume.model import Education, Experience, Personal, Resume  # noqa: E402

DATA_JOB = {"title": "Data Analyst", "company": "Acme Analytics", "required_skills": ["SQL", "Tableau", "Python"],
            "description": "Build dashboards in Tableau and query data with SQL."}
BACKEND_JOB = {"title": "Backend Engineer", "company": "Nordlicht GmbH", "required_skills": ["Python", "Django", "PostgreSQL"],
               "description": "Build APIs in Django on PostgreSQL."}
NURSE_JOB = {"title": "Staff Nurse", "company": "St Mary's Hospital", "required_skills": ["Patient care", "Triage"],
             "description": "Patient care on a busy ward."}


def profile(headline="", exp=(), edu=(), skills=(), **_):
    """exp: (title, start, end, bullets) or a profile's one-line experience (title only, as from_profile
    writes it); edu: (degree, field, school)."""
    experience = [Experience(title=e[0], company=e[1] if len(e) > 4 else "", start=e[-3] if len(e) > 1 else "",
                             end=e[-2] if len(e) > 1 else "", bullets=list(e[-1]) if len(e) > 1 else [])
                  for e in exp]
    return Resume(personal=Personal(name="Alex Doe", headline=headline),
                  education=[Education(degree=d, field=f, school=s) for d, f, s in edu],
                  experience=experience, skills=list(skills))


PROFILES = [
    # the profile: an experience sentence as the only experience line, a Master's, overlapping skills
    (profile(exp=[("3 years as a data analyst: SQL reporting, dashboards, Python models for churn",)],
             edu=[("Master's degree", "", "")], skills=["Python", "SQL", "SQL Server", "MySQL"]), None),
    (profile(exp=[("3 years as a data analyst: SQL reporting, dashboards, Python models for churn",)],
             edu=[("Master's degree", "", "")], skills=["Python", "SQL", "SQL Server", "MySQL"]), DATA_JOB),
    (profile("Junior Data Analyst", [("Data Intern", "2023-01", "2023-06", ["built dashboards in SQL used by 12 managers"])],
             [("BSc", "Statistics", "TU Berlin")], ["Python", "SQL", "Tableau"]), DATA_JOB),
    (profile("Data Analyst", [("Analyst", "2015-01", "2022-12", ["ran weekly reports"])], [], ["Excel", "SQL"]), None),
    (profile("", [("Backend developer", "2019-03", "2024-02", ["built REST APIs in Django", "cut response time by 40%"])],
             [("MSc", "Computer Science", "University of Leeds")], ["Python", "Django", "PostgreSQL", "Docker"]), BACKEND_JOB),
    (profile("Software Engineer", [], [("BEng", "Software Engineering", "IIT Delhi")], ["Java", "JavaScript", "Spring"]), None),
    (profile("", [], [("PhD", "Physics", "ETH Zurich")], ["Python", "NumPy", "Statistics"]), None),
    (profile("", [], [], ["Excel"]), None),
    (profile("Nurse", [("Staff Nurse", "2012-05", "", ["cared for 30 patients per shift"])], [("BSc", "Nursing", "King's College London")],
             ["Patient care", "Triage", "Wound care"]), NURSE_JOB),
    (profile(exp=[("5 years of experience in retail management at Tesco",)], skills=["Team leadership", "Scheduling"]), None),
    (profile(exp=[("Worked 2 years as a barista and 1 year as shift lead",)], skills=["Customer service", "Cash handling"]), None),
    (profile("Marketing Manager", [("Marketing Lead", "2016-01", "2023-12", ["grew newsletter to 20,000 readers"])],
             [("MBA", "", "INSEAD")], ["SEO", "Content strategy", "Google Analytics"]), None),
    (profile("ML Engineer", [("ML Engineer", "2021-01", "", ["deployed churn models to production"])], [("MEng", "AI", "Imperial College")],
             ["Python", "PyTorch", "Spark", "PySpark", "SQL"]), None),
    (profile("", [("Teacher", "2010-09", "2020-07", ["taught maths to 120 pupils a year"])], [("PGCE", "Mathematics", "")],
             ["Curriculum design", "Classroom management"]), None),
    (profile("Graduate", [], [("BA", "History", "University of York")], ["Research", "Writing"]), None),
    (profile("DevOps Engineer", [("SRE", "2018-04", "2024-01", ["automated deployments with Terraform"])], [],
             ["Kubernetes", "Terraform", "AWS", "AWS Lambda"]), None),
    (profile(exp=[("8 years as an accountant",)], edu=[("ACCA", "", "")], skills=["IFRS", "Excel", "SAP"]), None),
    (profile("Frontend Developer", [("Web Developer", "2022-02", "", ["rebuilt the shop in React"])], [],
             ["React", "TypeScript", "JavaScript", "CSS"]), None),
    (profile(exp=[("Intern at Siemens for 6 months",)], edu=[("BSc", "Electrical Engineering", "TU Munich")],
             skills=["MATLAB", "C"]), None),
    (profile("Data Scientist", [("Data Scientist", "2020-01", "2021-12", ["built a forecasting model that cut stockouts by 15%"])],
             [("MSc", "Data Science", "University of Amsterdam")], ["Python", "R", "SQL", "Machine learning"]), DATA_JOB),
    (profile("Product Manager", [("Product Owner", "2014-06", "", [])], [], ["Roadmapping", "Agile", "Jira"]), None),
    (profile("", [("Cashier", "2023-05", "2023-09", ["served customers"])], [], []), None),
    (profile("Electrician", [], [("HND", "Electrical Installation", "")], ["Wiring", "Fault finding"]), None),
    (profile(exp=[("10+ years building payment systems in Java",)], skills=["Java", "Kotlin", "Kafka"]), BACKEND_JOB),
    (profile("Senior Backend Engineer", [("Engineer", "2020-01", "2022-01", [])], [], ["Go", "gRPC"]), None),
    (profile("Chef", [("Sous Chef", "2016-01", "2024-01", ["ran a kitchen of 8 cooks"])], [], ["Menu design", "Food safety"]), None),
    (profile("", [], [("Master's degree", "Economics", "LSE")], ["Stata", "R", "Econometrics"]), DATA_JOB),
    (profile("UX Designer", [("Designer", "2019-01", "2023-06", ["redesigned onboarding, raising activation by 9%"])],
             [("BA", "Interaction Design", "")], ["Figma", "User research", "Prototyping"]), None),
    (profile(exp=[("I have 2 years experience in customer support",)], skills=["Zendesk", "Customer service"]), None),
    (profile("Cloud Architect", [("Architect", "2008-01", "", ["designed multi-region platforms"])], [("MSc", "Computing", "")],
             ["Azure", "Azure DevOps", "AWS"]), None),
    (profile("Junior Developer", [], [("Bootcamp certificate", "Web development", "Le Wagon")], ["Ruby", "Ruby on Rails", "SQL"]), BACKEND_JOB),
    (profile("", [("Warehouse operative", "2021-01", "", ["picked 300 orders a day"])], [], ["Forklift licence"]), None),
    (profile("HR Generalist", [("HR Assistant", "2017-01", "2019-12", []), ("HR Generalist", "2020-01", "", [])],
             [("BA", "Psychology", "")], ["Recruiting", "Onboarding", "Payroll"]), None),
    (profile(exp=[("Research assistant, 18 months, genomics lab",)], edu=[("PhD", "Genetics", "University of Cambridge")],
             skills=["R", "Bioinformatics", "Python"]), None),
    (profile("Sales Executive", [("Account Executive", "2018-01", "", ["closed deals worth 1.2M EUR"])], [],
             ["Salesforce", "Negotiation", "CRM"]), None),
    (profile("Data Engineer", [], [], ["Python", "SQL", "Spark", "PySpark", "Airflow"]), None),
]


def writer_at(commit: str) -> types.ModuleType:
    """engine.resume.suggest as it was at ``commit`` (its offline_summary), loaded beside the current one."""
    code = subprocess.run(["git", "show", f"{commit}:engine/resume/suggest.py"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    module = types.ModuleType("suggest_baseline")
    sys.modules[module.__name__] = module   # its dataclasses look themselves up there
    exec(compile(code, f"{commit}:engine/resume/suggest.py", "exec"), module.__dict__)
    return module


def measure(write) -> dict:
    rows = []
    for resume, job in PROFILES:
        text = write(resume, job)
        found = summary_check.check_resume_summary(text, resume, suggest.job_text(job))
        rows.append({"summary": text, "problems": found})
    passed = sum(not r["problems"] for r in rows)
    return {"passed": passed, "profiles": len(rows), "pass_rate": round(passed / len(rows), 3), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="5e1c83d", help="commit whose offline writer is the 'before'")
    parser.add_argument("--out", default=str(ROOT / "artifacts" / "bench" / "summary_quality.json"))
    args = parser.parse_args()
    before = measure(writer_at(args.baseline).offline_summary)
    after = measure(suggest.offline_summary)
    result = {"rubric": summary_check.__doc__, "baseline_commit": args.baseline, "before": before, "after": after}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"{len(PROFILES)} profiles: before {before['passed']}/{before['profiles']} ({before['pass_rate']:.0%}), "
          f"after {after['passed']}/{after['profiles']} ({after['pass_rate']:.0%}) -> {args.out}")


if __name__ == "__main__":
    main()
