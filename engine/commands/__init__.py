"""CLI command groups, one module per feature area (see engine/cli.py).

`train TARGET` and `eval TARGET` are shared by several areas, so each area registers its targets here
(`register_trainer("encoder", fn, help)`) instead of creating its own argparse command."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Target:
    func: Callable  # func(args) -> exit code
    help: str
    add_arguments: Callable | None = None  # add_arguments(parser) for target-specific options


TRAINERS: dict[str, Target] = {}
EVALUATORS: dict[str, Target] = {}


def register_trainer(name: str, func: Callable, help: str, add_arguments: Callable | None = None) -> None:
    TRAINERS[name] = Target(func, help, add_arguments)


def register_evaluator(name: str, func: Callable, help: str, add_arguments: Callable | None = None) -> None:
    EVALUATORS[name] = Target(func, help, add_arguments)
