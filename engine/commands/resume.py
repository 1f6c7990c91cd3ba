"""Resume commands: `resume render ID --out FILE.pdf [--template NAME]`, `resume export ID --out FILE.docx|.json`,
`resume import FILE [--json]`, `resume templates`. Operator commands: they read any resume by id, without a
signed-in user; `import` only reads a file and saves nothing."""
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
    e = rsub.add_parser("export", parents=[common], help="write a stored resume as DOCX or JSON Resume")
    e.add_argument("id", type=int, help="resume id")
    e.add_argument("--out", required=True, help="file to write: .docx or .json")
    e.add_argument("--template", default=None, help="design of the DOCX instead of the resume's own")
    e.set_defaults(func=cmd_export)
    i = rsub.add_parser("import", parents=[common], help="read a PDF, DOCX, JSON Resume or LinkedIn export (saves nothing)")
    i.add_argument("file", help="the file to read")
    i.add_argument("--json", action="store_true", help="print what was read as JSON Resume")
    i.set_defaults(func=cmd_import)
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


def cmd_export(args) -> int:
    from engine import store
    from engine.cli import CommandError
    from engine.resume.docx_export import render_docx
    from engine.resume.json_resume import export_json
    from engine.resume.repository import load_any
    from engine.resume.templates import check_template

    out = Path(args.out)
    if out.suffix.lower() not in (".docx", ".json"):
        raise CommandError(f"{out.name}: the file name must end in .docx or .json")
    stored = load_any(store.connect(args.data_dir), args.id)
    template = check_template(args.template or stored.template)
    data = render_docx(stored.resume, template) if out.suffix.lower() == ".docx" else export_json(stored.resume)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror}") from exc
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0


def cmd_import(args) -> int:
    from engine.cli import CommandError, print_json
    from engine.resume.importing import FORMATS, ImportRejected, read_resume
    from engine.resume.json_resume import to_json_resume

    path = Path(args.file)
    try:
        with path.open("rb") as fh:
            data = fh.read(6 * 1024 * 1024)   # one byte past any limit is enough to refuse it
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        result = read_resume(data, path.name)
    except ImportRejected as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print_json(to_json_resume(result.resume))
        return 0
    r = result.resume
    print(f"{path.name}: {FORMATS[result.format]}")
    print(f"  name: {r.personal.name}\n  email: {r.personal.email}\n  phone: {r.personal.phone}\n"
          f"  location: {r.personal.location}")
    for e in r.experience:
        print(f"  work: {e.title} at {e.company} ({e.start} – {'Present' if e.current else e.end})")
    for e in r.education:
        print(f"  education: {e.degree} {e.field} at {e.school} ({e.end})")
    print(f"  skills: {', '.join(r.skills)}")
    for note in result.notes:
        print(f"  note: {note}")
    return 0
