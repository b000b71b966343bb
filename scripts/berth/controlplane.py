"""An embedded Kubernetes control plane: a real kube-apiserver and etcd on loopback, like envtest.

There is no kubelet and no scheduler: objects are admitted (authentication, RBAC, admission plugins,
CRD schemas, server-side apply) and stored, and a few controllers keep the API honest (CONTROLLERS),
but pods never run. The tests and
`berth up` share this module.

    with ControlPlane(REPO_ROOT / ".berth" / "test-x") as cp:       # stopped on exit, also on errors
        cp.kubectl("get", "namespaces")
        cp.kubectl("auth", "can-i", "create", "pods", user=cp.user("alice", groups=("team-a",)))

`detached=True` (what `berth up` uses) leaves the processes running after Python exits; `berth down`
finds them again through the state file. Otherwise they get SIGKILL when the Python process dies, so
a crashed test run leaves nothing behind.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import yaml

from .config import ETCD, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBECTL, REPO_ROOT
from .pki import CertificateAuthority, service_account_keys

DEFAULT_DIR = REPO_ROOT / ".berth" / "controlplane"

#: What the API server enforces. The defaults of kube-apiserver stay on too (Priority, DefaultStorageClass, …).
ADMISSION_PLUGINS = (
    "NamespaceLifecycle", "LimitRanger", "ServiceAccount", "ResourceQuota", "PodSecurity",
    "ValidatingAdmissionPolicy", "MutatingAdmissionWebhook", "ValidatingAdmissionWebhook",
)
SERVICE_CIDR = "10.0.0.0/24"
#: The controllers that make the API behave as on a cluster without running workloads: default
#: ServiceAccounts, quota usage (ResourceQuota admission refuses pods until a quota has status), the
#: rules of the aggregated admin/edit/view roles, namespace deletion, garbage collection, the root CA
#: ConfigMap, and Deployments → ReplicaSets → Pods (which stay Pending: there is no scheduler or kubelet).
CONTROLLERS = (
    "serviceaccount-controller", "resourcequota-controller", "clusterrole-aggregation-controller",
    "namespace-controller", "garbage-collector-controller", "root-ca-certificate-publisher-controller",
    "deployment-controller", "replicaset-controller",
)
ADMIN = "berth-admin"


class ControlPlaneError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec
    os.setsid()
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _alive(pid: int, binary: str) -> bool:
    """True when `pid` runs `binary` (pids are reused, so the command line is checked too)."""
    try:
        return Path(binary).name in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except OSError:
        return False


@dataclass(frozen=True)
class User:
    name: str
    kubeconfig: Path


class ControlPlane:
    def __init__(self, root: Path = DEFAULT_DIR, *, detached: bool = False) -> None:
        self.root = root
        self.detached = detached
        self.pki = root / "pki"
        self.state_file = root / "state.json"
        self.kubeconfig = root / "admin.kubeconfig"
        self._procs: dict[str, subprocess.Popen] = {}

    # --- state -------------------------------------------------------------------------------

    def _state(self) -> dict:
        return json.loads(self.state_file.read_text()) if self.state_file.exists() else {}

    @property
    def server(self) -> str:
        return self._state()["server"]

    def is_running(self) -> bool:
        state = self._state()
        pids = state.get("pids", {})
        return bool(pids) and all(_alive(pid, name) for name, pid in pids.items()) and self._ready(state["server"])

    # --- start and stop ----------------------------------------------------------------------

    def start(self, timeout: float = 90) -> "ControlPlane":
        if self.is_running():
            return self
        self.stop()  # whatever is left of an earlier run
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        etcd_port, peer_port, api_port = free_port(), free_port(), free_port()
        server = f"https://127.0.0.1:{api_port}"
        ca = CertificateAuthority(self.pki)
        serving = ca.issue("kube-apiserver", server_names=(
            "127.0.0.1", "localhost", "10.0.0.1", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local"))
        admin = ca.issue(ADMIN, organizations=("system:masters",), client=True)
        sa = service_account_keys(self.pki)
        self._write_kubeconfig(self.kubeconfig, server, ADMIN, admin.cert, admin.key)
        self._launch("etcd", [
            ETCD.path, "--name", "berth", "--data-dir", self.root / "etcd",
            "--listen-client-urls", f"http://127.0.0.1:{etcd_port}", "--advertise-client-urls", f"http://127.0.0.1:{etcd_port}",
            "--listen-peer-urls", f"http://127.0.0.1:{peer_port}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer_port}",
            "--initial-cluster", f"berth=http://127.0.0.1:{peer_port}",
            "--unsafe-no-fsync",  # a throw-away store: durability is not worth the disk waits
            "--log-level", "warn",
        ])
        self._launch("kube-apiserver", [
            KUBE_APISERVER.path,
            "--etcd-servers", f"http://127.0.0.1:{etcd_port}",
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", str(api_port),
            "--cert-dir", self.pki, "--tls-cert-file", serving.cert, "--tls-private-key-file", serving.key,
            "--client-ca-file", ca.cert_path,
            "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file", sa.cert, "--service-account-signing-key-file", sa.key,
            "--service-cluster-ip-range", SERVICE_CIDR,
            "--authorization-mode", "RBAC",
            "--enable-admission-plugins", ",".join(ADMISSION_PLUGINS),
            "--allow-privileged=true",  # as on real clusters; Pod Security admission decides per namespace
            "--profiling=false",
            "--endpoint-reconciler-type=none",  # the "kubernetes" Service cannot point at a loopback address
        ])
        self._launch("kube-controller-manager", [
            KUBE_CONTROLLER_MANAGER.path,
            "--kubeconfig", self.kubeconfig,
            "--controllers", ",".join(CONTROLLERS),
            "--root-ca-file", ca.cert_path,
            "--service-account-private-key-file", sa.key,
            "--use-service-account-credentials=false",
            "--leader-elect=false",
            "--secure-port=0",  # no serving endpoint: nothing scrapes it here
            # Recompute quota usage every 10 s, not 5 min: a quota covering a just-installed CRD's objects
            # (count/seldondeployments…) otherwise refuses them for minutes ("status unknown for quota").
            "--resource-quota-sync-period=10s",
        ])
        self.state_file.write_text(json.dumps({
            "server": server, "pids": {name: p.pid for name, p in self._procs.items()},
            "ports": {"etcd": etcd_port, "etcd-peer": peer_port, "kube-apiserver": api_port}}, indent=2))
        self._wait_ready(server, timeout)
        return self

    def _launch(self, name: str, cmd: Sequence[object]) -> None:
        log = open(self.root / f"{name}.log", "wb")
        self._procs[name] = subprocess.Popen(
            [str(c) for c in cmd], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=None if self.detached else _die_with_parent, start_new_session=self.detached)
        log.close()

    def _ssl_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        ctx.load_cert_chain(str(self.pki / f"{ADMIN}.crt"), str(self.pki / f"{ADMIN}.key"))
        return ctx

    def _ready(self, server: str) -> bool:
        try:
            with urllib.request.urlopen(f"{server}/readyz", context=self._ssl_context(), timeout=5) as r:
                return r.status == 200
        except (OSError, ValueError):
            return False

    def _controllers_ready(self) -> bool:
        """The controller-manager has synced: the default ServiceAccount exists and `edit` has its aggregated rules."""
        sa = self.kubectl("get", "serviceaccount", "default", "-n", "default", check=False)
        edit = self.kubectl("get", "clusterrole", "edit", "-o", "jsonpath={.rules[0].verbs}", check=False)
        return sa.returncode == 0 and bool(edit.stdout.strip())

    def _wait_ready(self, server: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self._procs.items():
                if proc.poll() is not None:
                    tail = (self.root / f"{name}.log").read_text(errors="replace")[-3000:]
                    self.stop()
                    raise ControlPlaneError(f"{name} exited with {proc.returncode}:\n{tail}")
            if self._ready(server) and self._controllers_ready():
                return
            time.sleep(0.5)
        self.stop()
        raise ControlPlaneError(f"the API server was not ready within {timeout:.0f}s (logs in {self.root})")

    def stop(self) -> None:
        """Stop both processes (API server first) and wait for them; safe to call at any time."""
        pids = self._state().get("pids", {})
        for name in ("kube-controller-manager", "kube-apiserver", "etcd"):
            proc = self._procs.pop(name, None)
            pid = proc.pid if proc else pids.get(name)
            if pid is None or not (proc or _alive(pid, name)):
                continue
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if proc is not None and proc.poll() is not None:
                    break
                if proc is None and not _alive(pid, name):
                    break
                time.sleep(0.1)
            else:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if proc is not None:
                proc.wait()
        if self.state_file.exists():
            self.state_file.unlink()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "ControlPlane":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.destroy()

    # --- identities and clients --------------------------------------------------------------

    def _write_kubeconfig(self, path: Path, server: str, user: str, cert: Path, key: Path) -> None:
        path.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "berth-embedded",
            "clusters": [{"name": "berth-embedded", "cluster": {"server": server, "certificate-authority": str(self.pki / "ca.crt")}}],
            "users": [{"name": user, "user": {"client-certificate": str(cert), "client-key": str(key)}}],
            "contexts": [{"name": "berth-embedded", "context": {"cluster": "berth-embedded", "user": user}}],
        }, sort_keys=False))
        path.chmod(0o600)

    def user(self, name: str, groups: Sequence[str] = ()) -> User:
        """A client-certificate identity (CN=name, O=groups) and a kubeconfig for it."""
        pair = CertificateAuthority(self.pki).issue(name, organizations=tuple(groups), client=True)
        path = self.root / f"user-{pair.cert.stem}.kubeconfig"
        self._write_kubeconfig(path, self.server, name, pair.cert, pair.key)
        return User(name, path)

    def env(self, user: User | None = None) -> dict[str, str]:
        return {**os.environ, "KUBECONFIG": str(user.kubeconfig if user else self.kubeconfig)}

    def kubectl(self, *args: object, user: User | None = None, input: str | None = None,
                check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(KUBECTL.path), *map(str, args)], capture_output=True, text=True, input=input,
                              env=self.env(user))
        if check and proc.returncode != 0:
            raise ControlPlaneError(f"kubectl {' '.join(map(str, args))}: {proc.stderr.strip()}")
        return proc
