"""A scripted git history of a small shop project: a family grows, is half-consolidated, regresses, is pinned.

Shared by the history tests and `docs/burndown_example.py` (the README's chart), so both show the
same story. Everything runs real `git` with fixed names and dates: the same script gives the same
commit ids on every machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

DAY = 86400
START = 1767225600  # 2026-01-01T00:00:00Z

PYPROJECT = """\
[project]
name = "shop"

[tool.ssot-harness]
roots = ["shop"]

[tool.ssot-harness.families.payment-factory]
canonical = "shop.pay:PaymentFactory"
stage = "{stage}"
names = ["*PaymentFactory"]
{notifier}"""

NOTIFIER = """
[tool.ssot-harness.families.notifier]
canonical = "shop.notify:Notifier"
names = ["*Notifier"]
"""


class Git:
    """A repository driven with real git, committing with a fixed author and a date per commit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.commits = 0
        root.mkdir(parents=True, exist_ok=True)
        self.run("init", "-q", "-b", "main")

    def run(self, *args: str, when: int = START) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Dev",
            "GIT_AUTHOR_EMAIL": "dev@example.com",
            "GIT_COMMITTER_NAME": "Dev",
            "GIT_COMMITTER_EMAIL": "dev@example.com",
            "GIT_AUTHOR_DATE": f"{when} +0000",
            "GIT_COMMITTER_DATE": f"{when} +0000",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        out = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    def write(self, files: dict[str, str | None]) -> None:
        for rel, text in files.items():
            path = self.root / rel
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)

    def commit(self, subject: str, files: dict[str, str | None]) -> str:
        """Write (None: delete) the files, commit everything, return the commit id."""
        self.write(files)
        self.run("add", "-A")
        when = START + self.commits * DAY
        self.commits += 1
        self.run("commit", "-q", "--allow-empty", "-m", subject, when=when)
        return self.run("rev-parse", "HEAD")


def pyproject(stage: str = "prove", notifier: bool = False) -> str:
    return PYPROJECT.format(stage=stage, notifier=NOTIFIER if notifier else "")


def build(root: Path) -> dict[str, str]:
    """The scripted history in `root`; commit ids by step name, oldest first."""
    g = Git(root)
    ids: dict[str, str] = {}
    ids["start"] = g.commit(
        "Start the shop with its payment factory",
        {
            "pyproject.toml": pyproject(),
            "shop/__init__.py": "",
            "shop/pay.py": "class PaymentFactory:\n    def create(self):\n        return 'card'\n",
            "shop/cart.py": "def total(items):\n    return sum(items)\n",
        },
    )
    ids["legacy"] = g.commit(
        "Add a legacy factory for the old checkout",
        {
            "shop/legacy.py": "class LegacyPaymentFactory:\n    def create(self):\n        return 'cash'\n",
            "shop/checkout.py": "from shop.legacy import LegacyPaymentFactory\n\n\n"
            "def pay():\n    return LegacyPaymentFactory().create()\n",
        },
    )
    ids["refunds"] = g.commit(
        "Refunds get their own quick factory; declare the notifier family",
        {
            "pyproject.toml": pyproject(notifier=True),
            "shop/refunds.py": "class QuickPaymentFactory:\n    def create(self):\n        return 'refund'\n\n\n"
            "FastPaymentFactory = QuickPaymentFactory\n",
            "shop/notify.py": "class Notifier:\n    pass\n\n\nclass EmailNotifier:\n    pass\n",
        },
    )
    ids["half"] = g.commit(
        "Checkout uses the canonical factory; drop the legacy one",
        {
            "shop/legacy.py": None,
            "shop/checkout.py": "from shop.pay import PaymentFactory\n\n\n"
            "def pay():\n    return PaymentFactory().create()\n",
        },
    )
    ids["docs"] = g.commit(
        "Tidy the cart",
        {
            "shop/cart.py": "def total(items):\n    return sum(items, 0)\n",
        },
    )
    ids["regress"] = g.commit(
        "Batch payments (a new factory slips in)",
        {
            "shop/batch.py": "from shop.pay import PaymentFactory\n\n\n"
            "class BatchPaymentFactory(PaymentFactory):\n    pass\n",
        },
    )
    ids["done"] = g.commit(
        "Consolidate refunds and batch onto PaymentFactory",
        {
            "shop/batch.py": None,
            "shop/refunds.py": "from shop.pay import PaymentFactory\n\n\n"
            "def refund():\n    return PaymentFactory().create()\n",
            "shop/notify.py": "class Notifier:\n    pass\n",
        },
    )
    ids["pinned"] = g.commit(
        "Pin the payment factory",
        {
            "pyproject.toml": pyproject(stage="pinned", notifier=True),
        },
    )
    return ids
