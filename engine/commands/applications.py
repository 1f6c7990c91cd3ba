"""Application commands: apply, set-status, applications (listing), deliver-mail."""
from __future__ import annotations

import time
from pathlib import Path

from engine import applications as A
from engine import mail, store
from engine.authz import Actor, NotFound


def actor_for_email(db, email: str) -> Actor:
    """The user with this email as an Actor (read straight from the users table; the CLI is trusted)."""
    row = store.one(db, "SELECT id, role, company_id, name, email FROM users WHERE email = ?", [email.strip()])
    if row is None:
        raise NotFound(f"There is no user with email {email}.")
    return Actor(row["id"], row["role"], row["company_id"], row["name"], row["email"])


def register(sub, common) -> None:
    p = sub.add_parser("apply", parents=[common], help="apply to a job as a candidate")
    p.add_argument("--candidate", required=True, help="the candidate's email")
    p.add_argument("--job", required=True, type=int, help="job id")
    p.add_argument("--resume-pdf", type=Path, help="a PDF resume to upload (at most 5 MB)")
    p.add_argument("--resume-id", type=int, help="one of the candidate's builder resumes")
    p.add_argument("--cover-letter", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_apply)

    p = sub.add_parser("set-status", parents=[common], help="move an application along the status map")
    p.add_argument("application_id", type=int)
    p.add_argument("status", choices=list(A.STATUS_LABELS))
    p.add_argument("--actor", required=True, help="email of the recruiter, admin or (to withdraw) candidate")
    p.add_argument("--note", default=None)
    p.add_argument("--reason", default=None, help="a rejection needs a reason from the company's list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_set_status)

    p = sub.add_parser("applications", parents=[common], help="list applications (admin view)")
    p.add_argument("--job", type=int)
    p.add_argument("--status", choices=list(A.STATUS_LABELS))
    p.add_argument("--from", dest="date_from", help="applied on or after YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="applied on or before YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_applications)

    p = sub.add_parser("deliver-mail", parents=[common], help="send the queued outbox over SMTP (SMTP_HOST ...)")
    p.add_argument("--loop", action="store_true", help="keep running, delivering every --interval seconds")
    p.add_argument("--interval", type=float, default=60.0)
    p.add_argument("--max-attempts", type=int, default=5)
    p.set_defaults(func=cmd_deliver_mail)


def _summary(app: dict) -> dict:
    keys = ("id", "job_id", "job_title", "company_name", "candidate_id", "candidate_name", "candidate_email",
            "status", "resume_id", "resume_version_id", "resume_pdf_path", "fit_score", "created_at", "updated_at")
    return {k: app.get(k) for k in keys}


def cmd_apply(args) -> int:
    from engine.cli import print_json

    db = store.connect(args.data_dir)
    actor = actor_for_email(db, args.candidate)
    pdf = args.resume_pdf.read_bytes() if args.resume_pdf else None
    app = A.apply(db, actor, args.job, resume_id=args.resume_id, pdf_bytes=pdf,
                  pdf_name=args.resume_pdf.name if args.resume_pdf else None, cover_letter=args.cover_letter)
    if args.json:
        print_json(_summary(app))
    else:
        print(f"application {app['id']}: {app['candidate_email']} -> job {app['job_id']} ({app['job_title']}), applied")
    return 0


def cmd_set_status(args) -> int:
    from engine.cli import print_json

    db = store.connect(args.data_dir)
    actor = actor_for_email(db, args.actor)
    app = A.change_status(db, actor, args.application_id, args.status, note=args.note, reason=args.reason)
    if args.json:
        print_json(_summary(app))
    else:
        print(f"application {app['id']}: now {A.STATUS_LABELS[app['status']]}")
    return 0


def cmd_applications(args) -> int:
    from engine.cli import print_json

    db = store.connect(args.data_dir)
    admin = Actor(0, "admin", name="command line")  # the operator at the shell acts as the admin
    rows = [_summary(a) for a in A.list_all(db, admin, job_id=args.job, status=args.status,
                                            date_from=args.date_from, date_to=args.date_to)]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['id']:>6}  {r['created_at'][:10]}  {r['status']:<20} job {r['job_id']:<6} {r['candidate_email']}")
        print(f"{len(rows)} application(s)")
    return 0


def cmd_deliver_mail(args) -> int:
    from engine.cli import print_json

    while True:
        db = store.connect(args.data_dir)
        try:
            report = mail.deliver_outbox(db, max_attempts=args.max_attempts)
        finally:
            db.close()
        print_json(report.as_dict())
        if not args.loop:
            return 0 if report.failed == 0 else 1
        time.sleep(max(1.0, args.interval))
