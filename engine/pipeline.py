"""Hiring-pipeline figures for the dashboards: funnel by stage, applications over time, time spent in each
stage and conversion per job. Pure reads returning pandas DataFrames; a recruiter sees their own company
(with the view_applicants permission), the admin everything or one company."""
from __future__ import annotations

import pandas as pd
import sqlite_utils

from engine.applications import STAGES, STATUS_LABELS
from engine.authz import Actor, require_permission, require_role


def _scope(db, actor: Actor, company_id: int | None) -> tuple[str, list]:
    require_role(actor, "recruiter", "admin")
    if actor.is_recruiter:
        require_permission(db, actor, "view_applicants")
        return "j.company_id = ?", [actor.company_id]
    return ("j.company_id = ?", [company_id]) if company_id is not None else ("1 = 1", [])


def _events(db, actor: Actor, company_id: int | None) -> pd.DataFrame:
    where, params = _scope(db, actor, company_id)
    rows = list(db.query(
        "SELECT e.application_id, e.from_status, e.to_status, e.at, a.job_id, j.title AS job_title, "
        "j.company AS job_company, j.location AS job_location "
        f"FROM application_events e JOIN applications a ON a.id = e.application_id JOIN jobs j ON j.id = a.job_id "
        f"WHERE {where} ORDER BY e.application_id, e.at, e.id", params))
    frame = pd.DataFrame(rows, columns=["application_id", "from_status", "to_status", "at", "job_id", "job_title",
                                        "job_company", "job_location"])
    frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
    return frame


def _applications(db, actor: Actor, company_id: int | None) -> pd.DataFrame:
    where, params = _scope(db, actor, company_id)
    rows = list(db.query(
        "SELECT a.id, a.job_id, j.title AS job_title, a.status, a.created_at FROM applications a "
        f"JOIN jobs j ON j.id = a.job_id WHERE {where}", params))
    frame = pd.DataFrame(rows, columns=["id", "job_id", "job_title", "status", "created_at"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    return frame


def funnel(db: sqlite_utils.Database, actor: Actor, company_id: int | None = None) -> pd.DataFrame:
    """How many applications ever reached each forward stage (so a later rejection still counts as reviewed)."""
    events = _events(db, actor, company_id)
    reached = events.groupby("to_status")["application_id"].nunique() if len(events) else pd.Series(dtype=int)
    counts = [int(reached.get(stage, 0)) for stage in STAGES]
    total = counts[0]
    return pd.DataFrame({
        "stage": list(STAGES), "label": [STATUS_LABELS[s] for s in STAGES], "count": counts,
        "share_of_applied": [round(c / total, 4) if total else 0.0 for c in counts],
    })


def status_counts(db: sqlite_utils.Database, actor: Actor, company_id: int | None = None) -> pd.DataFrame:
    """Where applications are now, every status listed (zeros included)."""
    apps = _applications(db, actor, company_id)
    now = apps["status"].value_counts() if len(apps) else pd.Series(dtype=int)
    return pd.DataFrame({"status": list(STATUS_LABELS), "label": list(STATUS_LABELS.values()),
                         "count": [int(now.get(s, 0)) for s in STATUS_LABELS]})


def over_time(db: sqlite_utils.Database, actor: Actor, company_id: int | None = None, freq: str = "D") -> pd.DataFrame:
    """Applications received per day ('D') or week ('W'), with empty periods as zero."""
    apps = _applications(db, actor, company_id)
    if apps.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"), "applications": pd.Series(dtype=int)})
    series = apps.set_index("created_at").resample(freq)["id"].count()
    frame = series.rename("applications").reset_index().rename(columns={"created_at": "period"})
    frame["period"] = frame["period"].dt.tz_localize(None)
    frame["applications"] = frame["applications"].astype(int)
    return frame


def time_in_stage(db: sqlite_utils.Database, actor: Actor, company_id: int | None = None) -> pd.DataFrame:
    """Hours spent in each stage, over stays that have ended (the time from entering a stage to leaving it)."""
    events = _events(db, actor, company_id)
    columns = ["stage", "label", "stays", "mean_hours", "median_hours"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    events["left_at"] = events.groupby("application_id")["at"].shift(-1)
    stays = events.dropna(subset=["left_at"]).copy()
    stays["hours"] = (stays["left_at"] - stays["at"]).dt.total_seconds() / 3600
    grouped = stays.groupby("to_status")["hours"].agg(["count", "mean", "median"])
    order = [s for s in STATUS_LABELS if s in grouped.index]
    return pd.DataFrame({
        "stage": order, "label": [STATUS_LABELS[s] for s in order],
        "stays": [int(grouped.loc[s, "count"]) for s in order],
        "mean_hours": [round(float(grouped.loc[s, "mean"]), 2) for s in order],
        "median_hours": [round(float(grouped.loc[s, "median"]), 2) for s in order],
    }, columns=columns)


def job_labels(jobs: pd.DataFrame) -> pd.Series:
    """A name per job that tells jobs apart in a chart: the title, and for titles shared by several jobs the
    company, else the location, else the job id, whichever differs among them."""
    labels = jobs["job_title"].astype(str).copy()
    for _, same in jobs.groupby("job_title"):
        if len(same) < 2:
            continue
        col = next(c for c in ("job_company", "job_location", "job_id") if same[c].nunique() == len(same))
        prefix = "job " if col == "job_id" else ""   # ids always differ, so some column does
        labels[same.index] = same["job_title"] + " · " + prefix + same[col].astype(str)
    return labels


def conversion_per_job(db: sqlite_utils.Database, actor: Actor, company_id: int | None = None) -> pd.DataFrame:
    """Per job (keyed by id, labelled by ``job_labels``): applicants, how many reached review / shortlist /
    interview / offer, and the rates."""
    events = _events(db, actor, company_id)
    columns = ["job_id", "job_title", "job_label", "applicants", "reviewed", "shortlisted", "interviewed",
               "offered", "shortlist_rate", "offer_rate"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    events[["job_company", "job_location"]] = events[["job_company", "job_location"]].fillna("")
    reached = events.pivot_table(index=["job_id", "job_title", "job_company", "job_location"], columns="to_status",
                                 values="application_id", aggfunc="nunique", fill_value=0)
    get = lambda s: reached[s] if s in reached.columns else 0  # noqa: E731
    frame = pd.DataFrame({
        "applicants": get("applied"), "reviewed": get("under_review"), "shortlisted": get("accepted"),
        "interviewed": get("interviewed"), "offered": get("offered"),
    }, index=reached.index).reset_index()
    frame["job_label"] = job_labels(frame)
    for col in ("applicants", "reviewed", "shortlisted", "interviewed", "offered"):
        frame[col] = frame[col].astype(int)
    base = frame["applicants"].where(frame["applicants"] > 0)
    frame["shortlist_rate"] = (frame["shortlisted"] / base).fillna(0).round(4)
    frame["offer_rate"] = (frame["offered"] / base).fillna(0).round(4)
    return frame.sort_values(["applicants", "job_id"], ascending=[False, True]).reset_index(drop=True)[columns]


def dashboard(db: sqlite_utils.Database, actor: Actor, company_id: int | None = None, freq: str = "D") -> dict:
    return {
        "funnel": funnel(db, actor, company_id),
        "status": status_counts(db, actor, company_id),
        "over_time": over_time(db, actor, company_id, freq),
        "time_in_stage": time_in_stage(db, actor, company_id),
        "conversion": conversion_per_job(db, actor, company_id),
    }
