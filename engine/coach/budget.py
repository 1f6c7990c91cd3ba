"""Training the coach GPT for a budget of CPU time (the pretraining and fine-tuning stages, the scaling bench).

Why a loop of its own rather than `model.fit`: one pass over the pretraining text takes longer than the
budget, so the budget is checked after every step, not every epoch; the held-out curve is measured every N
steps or every so many CPU minutes (shapes compare by compute spent); and a progress bar shows the budget
being spent.

The budget counts this process's CPU time (`time.process_time()`, every thread), not divided by the cores:
the issue's "60 CPU-minutes" is an amount of compute. On a crowded machine it is not: threads that wait for a
core still count, so the same minutes buy fewer steps. A budget of steps is the load-independent one: the
steps a quiet machine fits in the CPU minutes, with the CPU time they actually took recorded. Measuring the
curve is kept out of either (and recorded apart), so measuring more often never means training less.
"""
from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class Budget:
    cpu_minutes: float | None           # None: no CPU-time limit (a budget of steps instead)
    wall_minutes: float | None = None   # an extra cap, for a machine shared with other work
    max_epochs: int | None = None       # passes over the rows
    max_steps: int | None = None        # batches trained on

    def __post_init__(self):
        if self.cpu_minutes is None and not (self.max_steps or self.max_epochs or self.wall_minutes):
            raise ValueError("a budget needs CPU minutes, steps, epochs or wall minutes")


def fit_within_budget(model, x: np.ndarray, y: np.ndarray, budget: Budget, *, batch_size: int, seed: int,
                      evaluate: Callable[[], dict] | None = None, eval_every_steps: int | None = None,
                      eval_every_minutes: float | None = None, patience: int | None = None,
                      monitor: str = "dev_loss", progress: bool = False, desc: str = "train") -> dict:
    """Train a compiled model on (x, y) rows, shuffled every pass, until the budget is spent (or, with
    `patience`, until `monitor` has not improved for that many measurements: the best weights are then put
    back). Every measurement point of the returned "curve" holds the step, passes, tokens seen, training CPU
    minutes, the mean training loss and accuracy since the previous point, and what `evaluate()` returns;
    a last point is always measured where training stopped."""
    from tqdm import tqdm

    if not len(x):
        raise ValueError("nothing to train on: no rows")
    rng = np.random.default_rng(seed)
    batch = min(batch_size, len(x))
    cpu0, wall0 = time.process_time(), time.time()
    state = {"eval_cpu": 0.0, "steps": 0, "tokens": 0, "losses": [], "accuracies": [], "bad": 0,
             "best": math.inf, "best_weights": None, "best_step": None}
    curve: list[dict] = []

    def train_minutes() -> float:
        return (time.process_time() - cpu0 - state["eval_cpu"]) / 60

    def checkpoint() -> None:
        started = time.process_time()
        losses, accuracies = state["losses"], state["accuracies"]
        point = {"step": state["steps"], "epoch": round(state["steps"] * batch / len(x), 2),
                 "tokens_seen": state["tokens"], "cpu_minutes": round(train_minutes(), 3),
                 "seconds": round(time.time() - wall0, 1),
                 "loss": float(np.mean(losses)) if losses else None,
                 "accuracy": float(np.mean(accuracies)) if accuracies else None}
        losses.clear()
        accuracies.clear()
        point.update(evaluate() if evaluate else {})
        curve.append(point)
        if patience and point.get(monitor) is not None:
            if point[monitor] < state["best"]:
                state.update(best=point[monitor], best_weights=model.get_weights(), best_step=state["steps"], bad=0)
            else:
                state["bad"] += 1
        state["eval_cpu"] += time.process_time() - started

    by_steps = budget.cpu_minutes is None and budget.max_steps
    bar = tqdm(total=budget.max_steps if by_steps else budget.cpu_minutes, desc=desc, disable=not progress,
               mininterval=0.5 if sys.stderr.isatty() else 60,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} steps [{elapsed}{postfix}]" if by_steps
               else "{desc}: {percentage:3.0f}%|{bar}| {n:.2f}/{total:.2f} CPU-min [{elapsed}{postfix}]")
    next_mark = eval_every_minutes
    stopped_by, epochs = None, 0
    while stopped_by is None:
        order = rng.permutation(len(x))
        for start in range(0, len(x) - batch + 1, batch):      # whole batches only: one traced shape
            rows = order[start:start + batch]
            logs = model.train_on_batch(x[rows], y[rows], return_dict=True)
            state["steps"] += 1
            state["tokens"] += int(np.count_nonzero(x[rows]))
            state["losses"].append(logs["loss"])
            state["accuracies"].append(logs.get("masked_accuracy", math.nan))
            spent = train_minutes()
            bar.n = state["steps"] if by_steps else min(spent, budget.cpu_minutes)
            bar.set_postfix(loss=f"{logs['loss']:.3f}", refresh=False)
            bar.update(0)                                      # redraws at most every mininterval
            if (eval_every_steps and state["steps"] % eval_every_steps == 0) or (next_mark and spent >= next_mark):
                checkpoint()
                while next_mark and train_minutes() >= next_mark:
                    next_mark += eval_every_minutes
                if patience and state["bad"] >= patience:
                    stopped_by = "early stopping"
            if budget.max_steps and state["steps"] >= budget.max_steps:
                stopped_by = stopped_by or "steps"
            elif budget.cpu_minutes is not None and spent >= budget.cpu_minutes:
                stopped_by = stopped_by or "cpu budget"
            elif budget.wall_minutes and time.time() - wall0 > budget.wall_minutes * 60:
                stopped_by = stopped_by or "wall-clock cap"
            if stopped_by:
                break
        else:
            epochs += 1
            if budget.max_epochs and epochs >= budget.max_epochs:
                stopped_by = "epochs"
    bar.close()
    if not curve or curve[-1]["step"] != state["steps"]:
        checkpoint()
    if state["best_weights"] is not None and state["best_step"] != state["steps"]:
        model.set_weights(state["best_weights"])
    return {"steps": state["steps"], "batch_size": batch, "epochs": round(state["steps"] * batch / len(x), 2),
            "tokens_seen": state["tokens"], "cpu_minutes": round(train_minutes(), 3),
            "eval_cpu_minutes": round(state["eval_cpu"] / 60, 3), "wall_minutes": round((time.time() - wall0) / 60, 2),
            "stopped_by": stopped_by, "best_step": state["best_step"] if patience else None, "curve": curve}
