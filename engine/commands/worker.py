"""Worker command: `python -m engine worker` delivers mail, cleans up recordings and builds the job index
(engine.worker); `worker tasks` lists the task queue."""
from __future__ import annotations

import logging
import signal
import sys

from engine import mail_claims, tasks


def register(sub, common) -> None:
    from engine.worker import JOB_NAMES

    p = sub.add_parser("worker", parents=[common],
                       help="run background work (mail, recording clean-up, index builds) until stopped (SIGTERM)")
    p.add_argument("--once", action="store_true", help="do what is due now, then exit")
    p.add_argument("--jobs", default=",".join(JOB_NAMES),
                   help=f"comma-separated jobs this worker does (default {','.join(JOB_NAMES)})")
    p.add_argument("--mail-every", type=float, default=15, help="seconds between mail delivery passes (default 15)")
    p.add_argument("--poll", type=float, default=2, help="seconds between looks for due tasks when idle (default 2)")
    p.add_argument("--lease", type=float, default=tasks.DEFAULT_LEASE_S,
                   help=f"seconds a claimed task is held before another worker may take it over (renewed while it "
                        f"runs; default {tasks.DEFAULT_LEASE_S})")
    p.add_argument("--mail-lease", type=float, default=mail_claims.DEFAULT_LEASE_S,
                   help=f"seconds a claimed message is held; a dead worker's message is sent again after it "
                        f"(default {mail_claims.DEFAULT_LEASE_S})")
    p.add_argument("--show-tasks", action="store_true", help="list the task queue and exit")
    p.set_defaults(func=cmd_worker)


def cmd_worker(args) -> int:
    from engine import store
    from engine.worker import Worker

    if args.show_tasks:
        for t in tasks.tasks(store.connect(args.data_dir)):
            print(f"#{t['id']:<6} {t['kind']:<20} {t['status']:<8} attempts {t['attempts']}  run after {t['run_after']}"
                  f"{'  ' + t['locked_by'] if t['locked_by'] else ''}{'  ' + t['last_error'] if t['last_error'] else ''}")
        return 0
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(message)s")
    jobs = tuple(j.strip() for j in args.jobs.split(",") if j.strip())
    worker = Worker(args.data_dir, jobs=jobs, mail_every_s=args.mail_every, poll_s=args.poll,
                    lease_s=args.lease, mail_lease_s=args.mail_lease)
    if args.once:
        done = worker.run_once()
        worker.close()
        print(f"worker {worker.name}: sent {done['mail_sent']} message(s), ran {done['tasks']} task(s)")
        return 0

    def stop(signum, frame) -> None:
        logging.getLogger("engine.worker").info("worker %s: %s, stopping after the current step",
                                                worker.name, signal.Signals(signum).name)
        worker.stop()
        signal.signal(signum, signal.SIG_DFL)   # a second signal stops at once
        index = sys.modules.get("engine.recsys.index")   # imported only once an index task ran
        if index is not None:
            index._stopping.set()   # a build stops between batches; the next one resumes from its cache

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.run()
    return 0
