"""The `berth` command line."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import CHARTS_DIR, HELM_MAJORS, LIBRARY_CHARTS, ToolMissing, kube_minors
from .platform import ProfileError, ReleaseResult, load_profile, render_profile
from .render import RenderError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Render, validate and operate Berth.")
console = Console(stderr=True)


def refuse(message: str, code: int = 2) -> None:
    """Stop with a one-line reason; nothing has been changed when this is called."""
    console.print(f"[red]berth: {message}[/red]", highlight=False, soft_wrap=True)  # one line, whatever the width
    raise typer.Exit(code)


def _summary_markdown(profile: str, helm: int, results: list[ReleaseResult]) -> str:
    lines = [f"# Berth render: profile `{profile}` (Helm {helm})", "", "## Objects", "",
             "| Release | Namespace | Kind | Count |", "|---|---|---|---|"]
    for r in results:
        for kind, count in sorted(r.manifest.kinds().items()):
            lines.append(f"| {r.release.name} | {r.release.namespace} | {kind} | {count} |")
    minors = kube_minors()
    lines += ["", "## Validation", "", f"Kubernetes schemas (strict) for {minors[0]}–{minors[-1]}, CRD schemas, checkov.", "",
              "| Release | Objects | Schema problems | checkov failed | checkov skipped | Result |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.release.name} | {len(r.manifest)} | {len(r.report.problems)} | {len(r.scan.failed)} | "
                     f"{len(r.scan.skipped)} | {'ok' if r.ok else 'FAILED'} |")
    problems = [f"- {r.release.name}: {p}" for r in results for p in r.report.problems]
    problems += [f"- {r.release.name}: checkov {c}" for r in results for c in r.scan.failed]
    if problems:
        lines += ["", "## Problems", "", *problems]
    warnings = [f"- {r.release.name}: {w}" for r in results for w in r.manifest.warnings]
    warnings += [f"- {r.release.name}: checkov {c}" for r in results for c in r.scan.skipped]
    lines += ["", "## Warnings and accepted risks", "", *(warnings or ["- none"])]
    return "\n".join(lines) + "\n"


def _print_summary(results: list[ReleaseResult]) -> None:
    objects = Table(title="Objects per release and kind")
    for col in ("Release", "Kind", "Count"):
        objects.add_column(col, no_wrap=True)
    for r in results:
        for kind, count in sorted(r.manifest.kinds().items()):
            objects.add_row(r.release.name, kind, str(count))
    checks = Table(title="Validation")
    for col in ("Release", "Objects", "Schema problems", "checkov failed", "checkov skipped", "Warnings", "Result"):
        checks.add_column(col, no_wrap=col == "Release")
    for r in results:
        checks.add_row(r.release.name, str(len(r.manifest)), str(len(r.report.problems)), str(len(r.scan.failed)),
                       str(len(r.scan.skipped)), str(len(r.manifest.warnings)),
                       "[green]ok[/green]" if r.ok else "[red]FAILED[/red]")
    console.print(objects)
    console.print(checks)
    for r in results:
        for p in r.report.problems:
            console.print(f"[red]{r.release.name}: {p}[/red]", highlight=False)
        for c in r.scan.failed:
            console.print(f"[red]{r.release.name}: checkov {c}[/red]", highlight=False)


@app.command()
def render(
    profile: str = typer.Option("default", help="Platform profile: overlays/platform/<profile>.yaml"),
    out: Path = typer.Option(Path("out"), help="Where to write the manifests and summary.md"),
    helm: int = typer.Option(4, help="Helm major to render with (3 or 4)"),
) -> None:
    """Render the whole platform, validate every object and write the manifests with a summary."""
    if helm not in HELM_MAJORS:
        refuse(f"--helm must be one of {', '.join(map(str, HELM_MAJORS))}, not {helm}")
    if out.exists() and not out.is_dir():
        refuse(f"--out {out} exists and is not a directory")
    try:
        chosen = load_profile(profile)
    except ProfileError as e:
        refuse(str(e))
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task("rendering", total=None)
            results = render_profile(chosen, helm=helm, progress=lambda step: bar.update(task, description=step))
    except (RenderError, ToolMissing) as e:
        refuse(f"render failed: {e}", code=1)
    _print_summary(results)
    # Manifests are written only when every object passed: never hand out a broken manifest.
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "summary.md").write_text(_summary_markdown(profile, helm, results))
    if not all(r.ok for r in results):
        console.print(f"[red]validation failed; see {out / 'summary.md'} (no manifests written)[/red]")
        raise typer.Exit(1)
    for i, r in enumerate(results):
        (out / f"{i:02d}-{r.release.name}.yaml").write_text(r.manifest.text)
    console.print(f"[green]{sum(len(r.manifest) for r in results)} objects in {len(results)} releases written to {out}/[/green]")


def _print_status(target, helm: int) -> None:
    from .cluster import status

    s = status(target, helm)
    releases = Table(title="Helm releases")
    for col in ("Release", "Namespace", "Chart", "Revision", "Status"):
        releases.add_column(col, no_wrap=True)
    for r in s.releases:
        releases.add_row(r["name"], r["namespace"], r["chart"], str(r["revision"]), r["status"])
    objects = Table(title=f"Objects per namespace ({s.crds_established}/{s.crds_total} CRDs established)")
    objects.add_column("Namespace", no_wrap=True)
    objects.add_column("Objects")
    for ns, count in sorted(s.objects_per_namespace.items()):
        objects.add_row(ns, str(count))
    console.print(releases)
    console.print(objects)


@app.command()
def up(
    profile: str = typer.Option("default", help="Platform profile: overlays/platform/<profile>.yaml"),
    kubeconfig: Path = typer.Option(None, envvar="KUBECONFIG", help="Install on this cluster instead of the embedded control plane"),
    context: str = typer.Option(None, help="kubeconfig context of the cluster to install on"),
    helm: int = typer.Option(4, help="Helm major to install with (3 or 4)"),
) -> None:
    """Install Berth: on the embedded control plane, or on the cluster KUBECONFIG/--context names."""
    from .cluster import ClusterError, Target, check_prerequisites, install_platform
    from .controlplane import ControlPlane, ControlPlaneError

    if helm not in HELM_MAJORS:
        refuse(f"--helm must be one of {', '.join(map(str, HELM_MAJORS))}, not {helm}")
    if kubeconfig is not None and ":" not in str(kubeconfig) and not kubeconfig.is_file():
        refuse(f"kubeconfig {kubeconfig} does not exist")
    try:
        chosen = load_profile(profile)
    except ProfileError as e:
        refuse(str(e))
    embedded = kubeconfig is None and context is None
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        step = lambda text: bar.update(task, description=text)  # noqa: E731
        try:
            if embedded:
                step("start the embedded control plane (kube-apiserver + etcd)")
                plane = ControlPlane(detached=True).start()
                target = Target(kubeconfig=plane.kubeconfig, embedded=True)
            else:
                target = Target(kubeconfig=kubeconfig, context=context)
                step("check prerequisites")
                problems = check_prerequisites(target, chosen)
                if problems:
                    bar.stop()
                    refuse("the cluster is not ready for Berth (nothing was changed): " + "; ".join(problems), code=1)
            install_platform(target, chosen, helm=helm, embedded=embedded, progress=step)
        except (ControlPlaneError, ClusterError, RenderError, ToolMissing) as e:
            bar.stop()
            refuse(f"up failed: {e}", code=1)
    _print_status(target, helm)
    if embedded:
        console.print(f"Berth is installed on the embedded control plane. Point kubectl at it with:\n"
                      f"  export KUBECONFIG={plane.kubeconfig}\n"
                      f"Stop it with `make down` (pods are admitted and stored, never run: there is no kubelet).",
                      highlight=False)


@app.command()
def down() -> None:
    """Stop the embedded control plane and delete its data (.berth/controlplane)."""
    from .controlplane import ControlPlane

    plane = ControlPlane(detached=True)
    plane.destroy()
    console.print("embedded control plane stopped")


tenant_app = typer.Typer(no_args_is_help=True, help="Onboard and list tenants (Kustomize overlays under overlays/tenants/).")
app.add_typer(tenant_app, name="tenant")


@tenant_app.command("new")
def tenant_new(
    name: str = typer.Argument(..., help="Tenant name: a DNS label, also its namespace"),
    admins: list[str] = typer.Option(..., "--admins", help="Identity-provider group(s) of the tenant's admins"),
    developers: list[str] = typer.Option([], "--developers", help="Group(s) that deploy models"),
    viewers: list[str] = typer.Option([], "--viewers", help="Group(s) with read access"),
    cpu: str = typer.Option(None, help="CPU quota (requests and limits), e.g. 16"),
    memory: str = typer.Option(None, help="Memory quota (requests and limits), e.g. 64Gi"),
    gpus: int = typer.Option(0, help="GPU quota; needs --pool"),
    pool: list[str] = typer.Option([], "--pool", help="GPU node pool(s) the tenant may use"),
) -> None:
    """Write overlays/tenants/NAME from the shared base, after checking the name, quotas and a full render."""
    from .tenants import TenantError, TenantRequest, new_tenant

    request = TenantRequest(name, list(admins), list(developers), list(viewers), cpu, memory, gpus, list(pool))
    try:
        path = new_tenant(request)
    except TenantError as e:
        refuse(str(e))
    except (RenderError, ToolMissing) as e:
        refuse(f"render failed: {e}", code=1)
    console.print(f"wrote {path.relative_to(path.parents[2])}/ (kustomization.yaml, values.yaml); "
                  f"apply with `kustomize build --enable-helm {path.relative_to(path.parents[2])} | kubectl apply --server-side -f -`",
                  highlight=False)


@tenant_app.command("list")
def tenant_list() -> None:
    """Show every tenant overlay with its namespace, quotas and admins."""
    from .tenants import list_tenants

    table = Table(title="Tenants (overlays/tenants)")
    for col in ("Tenant", "Namespace", "CPU", "Memory", "GPUs", "Pools", "Admins"):
        table.add_column(col, no_wrap=col in ("Tenant", "Namespace"))
    for t in list_tenants():
        table.add_row(t.name, t.namespace, t.cpu, t.memory, str(t.gpus), ", ".join(t.pools) or "-", ", ".join(t.admins))
    Console().print(table)


@app.command()
def docs(check: bool = typer.Option(False, "--check", help="Only report READMEs whose values table is stale")) -> None:
    """Regenerate each chart README's values table from the comments in its values.yaml."""
    from .docs import readme_with_table, update_readme

    stale = []
    for chart in sorted(p.parent for p in CHARTS_DIR.glob("*/Chart.yaml")):
        if chart.name in LIBRARY_CHARTS:
            continue
        if check:
            if readme_with_table(chart) != (chart / "README.md").read_text():
                stale.append(chart.name)
        elif update_readme(chart):
            console.print(f"updated charts/{chart.name}/README.md")
    if stale:
        refuse(f"values tables out of date in: {', '.join(stale)} (run `make docs`)", code=1)


@app.command()
def bench() -> None:
    """Measure render speed and object sizes; write docs/benchmarks.md."""
    from .bench import run

    typer.echo(run())


@app.command("fetch-crds")
def fetch_crds() -> None:
    """Download the pinned upstream modules whose CRDs the validation uses (into the Go module cache)."""
    from .upstream import ModuleUnavailable, fetch_all

    try:
        for path in fetch_all():
            console.print(f"{path}")
    except ModuleUnavailable as e:
        refuse(str(e), code=1)


if __name__ == "__main__":
    app()
