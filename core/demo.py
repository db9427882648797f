"""Demo data steps contributed by the domain apps, so that one command builds a whole network.

The directory builds its part first (``directory.demo.generate``); every later domain registers a
step in its ``AppConfig.ready`` (publications, calls…). Steps run in ``order`` after the
directory, each with its own deterministic random generator derived from the seed; their
``wipe`` functions run in reverse order before the directory is wiped.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoContext:
    seed: int
    size: str
    scale: float

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.seed}:{salt}")  # noqa: S311 - demo data, not security


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    run: Callable[[DemoContext], dict[str, int]]
    wipe: Callable[[], None] | None = None


_steps: dict[str, DemoStep] = {}


def register_demo_step(step: DemoStep) -> None:
    _steps[step.name] = step


def demo_steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: s.order)


def run_demo_steps(context: DemoContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in demo_steps():
        counts.update(step.run(context))
    return counts


def wipe_demo_steps() -> None:
    for step in reversed(demo_steps()):
        if step.wipe is not None:
            step.wipe()
