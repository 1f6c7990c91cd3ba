"""Example documents: the template picker's preview for an empty resume, benchmarks and tests."""
from __future__ import annotations

from engine.resume.model import Certification, Education, Experience, Language, Personal, Project, Resume


def sample_resume(name: str = "José Müller") -> Resume:
    """A fresher's one-page resume."""
    return Resume(
        personal=Personal(name=name, email="jose.muller@example.com", phone="+49 30 5550 1234",
                          location="Berlin, Germany", headline="Junior Data Analyst"),
        summary="Statistics graduate with hands-on SQL and Python from an internship and two projects; "
                "enjoys turning messy data into clear weekly reports.",
        education=[Education(school="Technische Universität Berlin", degree="BSc", field="Statistics",
                             start="2020-10", end="2024-07", grade="GPA 1.7",
                             details="Thesis: forecasting daily energy demand with gradient boosting.")],
        experience=[Experience(title="Data Analytics Intern", company="Zoë Ø'Brien Consulting", location="Berlin",
                               start="2023-06", end="2023-12",
                               bullets=["Built weekly sales dashboards in Python and SQL used by 12 managers",
                                        "Cleaned three years of CRM records, removing 8% duplicates",
                                        "Presented findings to the regional sales team every month"])],
        projects=[Project(name="Bike demand forecast", link="github.com/jmuller/bikes",
                          description="Predicts hourly bike rentals from weather and calendar data.",
                          bullets=["Reached 0.82 R² with gradient boosting", "Served predictions with a small Flask API"],
                          tech=["Python", "pandas", "scikit-learn"])],
        skills=["Python", "SQL", "pandas", "Tableau", "Statistics", "Microsoft Excel", "Git"],
        certifications=[Certification("Google Data Analytics Certificate", "Coursera", "2024")],
        languages=[Language("German", "Native"), Language("English", "C1"), Language("Spanish", "B1")],
        links=["linkedin.com/in/jmuller", "github.com/jmuller"],
    )


def long_resume(jobs: int = 8, bullets: int = 6) -> Resume:
    """A resume long enough to span several pages (page breaks, headings kept with their entries)."""
    r = sample_resume()
    r.experience = [
        Experience(title=f"Analyst role {i + 1}", company=f"Company {i + 1}", location="Berlin",
                   start=f"{2010 + i}-01", end=f"{2010 + i}-12",
                   bullets=[f"Delivered project {i + 1}.{j + 1}: automated a monthly report and cut the "
                            f"preparation time from two days to three hours for the finance team" for j in range(bullets)])
        for i in range(jobs)
    ]
    r.projects = r.projects * 3
    return r
