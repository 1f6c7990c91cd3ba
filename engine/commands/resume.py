"""Resume commands: `resume render ID --out FILE.pdf [--template NAME]`, `resume templates`.
Operator commands: they read any resume by id, without a signed-in user."""
from __future__ import annotations

from pathlib import Path


def register(sub, common) -> None:
    p = sub.add_parser("resume", help="resume builder commands")
    rsub = p.add_subparsers(dest="resume_command", required=True)
    r = rsub.add_parser("render", parents=[common], help="write a stored resume as PDF")
    r.add_argument("id", type=int, help="resume id")
    r.add_argument("--out", required=True, help="PDF file to write")
    r.add_argument("--template", default=None, help="design to use instead of the resume's own")
    r.set_defaults(func=cmd_render)
    t = rsub.add_parser("templates", parents=[common], help="list the resume designs")
    t.set_defaults(func=cmd_templates)


def cmd_render(args) -> int:
    from engine import store
    from engine.cli import CommandError
    from engine.resume.render import render_pdf
    from engine.resume.repository import load_any
    from engine.resume.templates import check_template

    stored = load_any(store.connect(args.data_dir), args.id)
    template = check_template(args.template or stored.template)
    pdf = render_pdf(stored.resume, template)
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror}") from exc
    print(f"wrote {out} ({len(pdf):,} bytes, template {template})")
    return 0


def cmd_templates(args) -> int:
    from engine.resume.templates import TEMPLATES

    for t in TEMPLATES.values():
        print(f"{t.name:>8}  {t.description}")
    return 0
