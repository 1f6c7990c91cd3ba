"""Runs a user's Python file after an audit hook that refuses sockets (`python -I -S -c "$(cat _pyguard.py)" FILE`).

A second line of defence: the network namespace is the real barrier; this hook is what still holds for
pure-Python code where namespaces are unavailable (ctypes could get around it, a namespace could not)."""
import sys


def _no_network(event, args):
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo"):
        raise PermissionError("network access is disabled in the code runner")


sys.argv = sys.argv[1:]
with open(sys.argv[0], encoding="utf-8") as _f:
    _code = compile(_f.read(), "main.py", "exec")
sys.addaudithook(_no_network)
try:
    exec(_code, {"__name__": "__main__", "__file__": "main.py", "__builtins__": __builtins__})
except SystemExit:
    raise
except BaseException as _exc:  # print the user's traceback without this wrapper's frame
    import traceback

    traceback.print_exception(type(_exc), _exc, _exc.__traceback__.tb_next)
    sys.exit(1)
