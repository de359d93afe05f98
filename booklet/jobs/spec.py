"""The --cluster value: what it names (N local workers or a scheduler), whether Dask and its TLS
settings are there for it, and whether it may carry students' details (`check_private`).

Read as text and checked before any work is done or any connection opened; `cluster.py` connects.
Dask is imported only when a cluster is asked for.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from ..errors import BookletError, Exit

INSTALL_HINT = "pip install 'booklet[cluster]' on this computer and on every worker"


def import_distributed() -> Any:
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise BookletError.single(
            "--cluster needs Dask distributed, which is not installed", hint=INSTALL_HINT, code=Exit.USAGE
        ) from None


def cores() -> int:
    """The cores this process may run on (its affinity, which a container or `taskset` may narrow)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


WORKERS_PER_CORE = 2
"""The most local workers per core. A worker renders one document at a time on one core, so beyond
one per core more workers only add start-up and memory (84 MB resident each when started, more
while rendering); twice the cores leaves room for a core count that undercounts."""


def local_workers(spec: str) -> int | None:
    """N for `local:N` (`local` alone: the core count); None for a scheduler address."""
    if spec == "local":
        return cores()
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise BookletError.single(
                f"--cluster {spec}: the number of local workers must be a whole number of at least 1",
                hint="e.g. --cluster local:4",
                code=Exit.USAGE,
            )
        most = WORKERS_PER_CORE * cores()
        if int(count) > most:
            raise BookletError.single(
                f"--cluster {spec}: at most {most} local workers on this computer ({cores()} cores × "
                f"{WORKERS_PER_CORE}); each renders on one core, so more only cost start-up time and memory",
                hint=f"use --cluster local:{cores()}, or a scheduler with workers on more machines",
                code=Exit.USAGE,
            )
        return int(count)
    if "://" not in spec:
        raise BookletError.single(
            f"--cluster {spec}: not a scheduler address",
            hint="give tcp://HOST:8786 for a running `dask scheduler`, or local:N for N processes here",
            code=Exit.USAGE,
        )
    return None


def dask_config() -> Any:
    return importlib.import_module("dask").config


def check_spec(spec: str) -> None:
    """Refuse a malformed --cluster value, Dask not installed, or TLS not set up, before any work is done."""
    local_workers(spec)
    import_distributed()
    if scheme(spec) in ENCRYPTED:
        tls_security(spec)


ENCRYPTED = ("tls", "wss")
"""Dask's schemes whose traffic is encrypted (and, with Dask's TLS settings, authenticated both ways)."""
TLS_KEYS = "distributed.comm.tls.ca-file and distributed.comm.tls.client.cert (and .key)"


def scheme(spec: str) -> str:
    return spec.partition("://")[0].lower() if "://" in spec else ""


def on_this_machine(spec: str) -> bool:
    """True when `spec` is a local cluster or a scheduler on a loopback address, read from the text alone.

    No name is resolved: `localhost`, this machine's own host name and loopback
    IP literals count as here; any other name is somewhere else.
    """
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    if local_workers(spec) is not None or scheme(spec) == "inproc":
        return True
    try:
        host = urlsplit(spec).hostname or ""
    except ValueError:
        return False
    if host in ("localhost", socket.gethostname().lower()) or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_private(spec: str, insecure: bool) -> None:
    """Refuse to send personal data to a cluster in the clear: TLS, this machine, or `--insecure-cluster`.

    Runs before any connection is opened, and reads the address as text only.
    """
    if insecure or scheme(spec) in ENCRYPTED or on_this_machine(spec):
        return
    raise BookletError.single(
        f"--cluster {spec} would send students' details over the network unencrypted",
        hint="give a tls:// address with Dask's TLS settings (docs/scale.md), "
        "or add --insecure-cluster on a network you trust",
        code=Exit.USAGE,
    )


def tls_security(spec: str) -> Any:
    """Dask's own Security for this client, from its config file or DASK_DISTRIBUTED__COMM__TLS__… variables.

    Loaded here, once, so missing or unreadable certificates are one line before any
    work, not a Dask traceback after the connection times out.
    """
    security = importlib.import_module("distributed.security").Security()
    if not (security.tls_ca_file and security.tls_client_cert):
        raise BookletError.single(
            f"--cluster {spec}: Dask's TLS settings are not set on this computer",
            hint=f"set {TLS_KEYS} in Dask's config, or DASK_DISTRIBUTED__COMM__TLS__CA_FILE and "
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT (see docs/scale.md)",
            code=Exit.USAGE,
        )
    import ssl

    try:
        security.get_connection_args("client")
    except (OSError, ssl.SSLError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise BookletError.single(
            f"--cluster {spec}: cannot load Dask's TLS certificates ({reason})",
            hint=f"check the files named by {TLS_KEYS}: PEM files readable by you",
            code=Exit.USAGE,
        ) from None
    return security
