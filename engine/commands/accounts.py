"""Accounts commands: bootstrap-accounts (the admin; demo accounts only with --demo) and set-password
(operator reset)."""
from __future__ import annotations

import argparse
import getpass
import os

from engine import accounts, store


def register(sub, common) -> None:
    p = sub.add_parser("bootstrap-accounts", parents=[common],
                       help="create the admin (ADMIN_EMAIL/ADMIN_PASSWORD or generated); demo accounts only with --demo")
    p.add_argument("--demo", action="store_true", help="also the demo accounts, whose passwords are published "
                   "(never on a public deployment)")
    p.add_argument("--no-demo", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old scripts
    p.set_defaults(func=cmd_bootstrap)
    p = sub.add_parser("set-password", parents=[common], help="set an account's password (e.g. a lost admin password)")
    p.add_argument("email")
    p.add_argument("--password-env", metavar="VAR", help="read the new password from this environment variable "
                   "instead of prompting")
    p.set_defaults(func=cmd_set_password)


def cmd_bootstrap(args) -> int:
    demo = True if args.demo else (False if args.no_demo else None)  # None: JOBEXPRESSWAY_DEMO_ACCOUNTS decides
    messages = accounts.ensure_bootstrap_accounts(store.connect(args.data_dir), demo=demo)
    for message in messages or ["All bootstrap accounts already exist."]:
        print(message)
    return 0


def cmd_set_password(args) -> int:
    from engine.cli import CommandError

    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise CommandError(f"environment variable {args.password_env} is empty or not set")
    else:
        password = getpass.getpass("New password: ")
        if password != getpass.getpass("Repeat it: "):
            raise CommandError("the two passwords are not the same")
    actor = accounts.operator_set_password(store.connect(args.data_dir), args.email, password)
    print(f"Password set for {actor.email} ({actor.role}); their sessions were ended.")
    return 0
