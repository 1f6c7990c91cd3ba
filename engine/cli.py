"""`python -m engine COMMAND ...`: the project's command line.

Each feature area registers its commands from its own module in engine/commands/ (one `register(sub,
common)` function each), so areas stay independent. Every command accepts --data-dir (env
JOBEXPRESSWAY_DATA_DIR, default ./data) so tests and benchmarks never touch the real database.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from engine.authz import AccessDenied, NotFound
from engine.commands import EVALUATORS, TRAINERS

COMMAND_MODULES = [
    "engine.commands.jobs",
    "engine.commands.applications",
    "engine.commands.recsys",
    "engine.commands.accounts",
    "engine.commands.resume",
    "engine.commands.meetings",
    "engine.commands.coach",
    "engine.commands.recsys_models",
    "engine.commands.demo",
    "engine.commands.accountability",
    "engine.commands.models",
    "engine.commands.occupations",
    "engine.commands.database",
    "engine.commands.worker",
]


class CommandError(Exception):
    """A user-facing failure: printed without a traceback, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=None, help="data folder (env JOBEXPRESSWAY_DATA_DIR, default ./data)")
    parser = argparse.ArgumentParser(prog="python -m engine", description="JobExpressway command line")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    _add_target_group(sub, common, "train", "train a model", TRAINERS)
    _add_target_group(sub, common, "eval", "evaluate a model", EVALUATORS)
    return parser


def _add_target_group(sub, common, command: str, help: str, targets: dict) -> None:
    """`train TARGET` / `eval TARGET`: one command, targets registered by each area's module."""
    group = sub.add_parser(command, help=help).add_subparsers(dest="target", required=True)
    for name, target in sorted(targets.items()):
        p = group.add_parser(name, parents=[common], help=target.help)
        p.add_argument("--json", action="store_true", help="print the result as JSON")
        if target.add_arguments:
            target.add_arguments(p)
        p.set_defaults(func=target.func)


def print_json(obj) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "data_dir", None):
        os.environ["JOBEXPRESSWAY_DATA_DIR"] = args.data_dir
    try:
        result = args.func(args)
    except (CommandError, NotFound, AccessDenied, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
