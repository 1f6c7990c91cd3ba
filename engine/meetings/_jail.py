"""Sandbox launcher, run as `python -I -S _jail.py CONFIG_JSON -- CMD...` (standard library only).

It does in a fresh single-threaded process what preexec_fn would do in the multi-threaded server:
new session; new network namespace (no interfaces but a down loopback) and new PID namespace when the
kernel allows; resource limits; an unprivileged uid/gid when started as root; then exec of the command.
The PID-namespace child is PID 1 of its namespace with PDEATHSIG, so killing this launcher kills every
process the user code started (a fork bomb included).
"""
import ctypes
import json
import os
import resource
import signal
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38


def main() -> int:
    sep = sys.argv.index("--")
    cfg = json.loads(sys.argv[1])
    cmd = sys.argv[sep + 1:]
    if os.getpid() != os.getpgid(0):
        os.setsid()   # already a session leader when started with start_new_session
    libc = ctypes.CDLL(None, use_errno=True)
    enforced = []
    flags = CLONE_NEWNET | CLONE_NEWPID
    if os.geteuid() != 0:
        flags |= CLONE_NEWUSER
    if cfg.get("isolate_network", True) and libc.unshare(flags) == 0:
        enforced.append("netns")
    pid = os.fork()
    if pid:
        # Parent: relay the child's status; if killed, PDEATHSIG takes the namespace down with it.
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig not in (signal.SIGKILL, signal.SIGSTOP):
                signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
        return os.WEXITSTATUS(status)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    for name, value in cfg["limits"].items():
        resource.setrlimit(getattr(resource, name), (value, value))
    if os.geteuid() == 0 and cfg.get("uid"):
        os.setgroups([])
        os.setgid(cfg["gid"])
        os.setuid(cfg["uid"])
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.chdir(cfg["cwd"])
    os.umask(0o077)
    if "netns" not in enforced and cfg.get("isolate_network", True):
        os.environ["JOBEXPRESSWAY_SANDBOX_NO_NETNS"] = "1"
    try:
        os.execve(cmd[0], cmd, dict(os.environ))
    except OSError as exc:
        os.write(2, f"sandbox: cannot start {cmd[0]}: {exc}\n".encode())
        os._exit(127)
    return 127


if __name__ == "__main__":
    sys.exit(main())
