"""The `apiconform` command. Bad input gets one line on stderr and a distinct exit code, never a traceback."""

from __future__ import annotations

import dataclasses
import gc
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from apiconform.cli import PROCESS_STARTED
from apiconform.cli.merge import merge
from apiconform.cli.options import (
    BASELINE_OPTION,
    COLOR_OPTION,
    COMPARE_TO_OPTION,
    CONFIG_OPTION,
    FAIL_ON_DRIFT_OPTION,
    HISTORY_OPTION,
    NO_HISTORY_OPTION,
    SPEC_OPTION,
    NonEmptyPath,
)
from apiconform.cli.output import Output, fail
from apiconform.cli.reports import diff, history
from apiconform.cli.specs import specs
from apiconform.cli.stopping import RunStopper, SetupStopped
from apiconform.core.errors import ApiconformError, UsageError
from apiconform.core.vocabulary import ExitCode
from apiconform.sandbox import FAULTS, Fault

if TYPE_CHECKING:
    from apiconform.cli.reports import RunReportOptions
    from apiconform.core.results import RunResult
    from apiconform.runner import RunSettings

__all__ = ["main"]

FAULT_CHOICE = click.Choice([fault.value for fault in Fault])
SERVE_DEFAULT_TOKEN = "sandbox-demo-token"
SHOWN_IDS = 5


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="apiconform", message="%(prog)s %(version)s")
def cli() -> None:
    """Contract tests for invoice, debt-collection and accounts-receivable APIs."""


def main() -> None:
    """The entry point: click's own usage errors get the same one line and exit 2 as ours."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx is not None else exc.format_message())
        sys.exit(int(ExitCode.USAGE_ERROR))
    except click.UsageError as exc:
        fail(UsageError(exc.format_message().replace("\n", " ")))
    except click.ClickException as exc:
        fail(UsageError(exc.format_message()))
    except click.Abort:
        sys.exit(130)


@cli.command()
@SPEC_OPTION
@click.option(
    "--overlay",
    "overlays",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="OpenAPI Overlay 1.0 file applied to the specs before the run (repeatable, in order; after config ones).",
)
@click.option("--base-url", help="Run against this URL instead of the embedded sandbox.")
@click.option("--target", help="A named target from apiconform.toml.")
@CONFIG_OPTION
@click.option("--token", help="Bearer token; better set through APICONFORM_TOKEN (or the target's token-env).")
@click.option(
    "--header",
    "-H",
    "headers",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="Send this header (repeatable); ${VAR} reads the environment, e.g. -H 'Authorization: Token ${T}'.",
)
@click.option(
    "--no-credentials",
    is_flag=True,
    help="Run without credentials on purpose, though the document requires them (probes refusals only).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A known parameter value, e.g. id=inv-0001 (repeatable).",
)
@click.option("--include", multiple=True, metavar="'METHOD /path'", help="Only this operation (repeatable).")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed; the same seed repeats the same requests.")
@click.option(
    "--max-examples", type=click.IntRange(min=1, max=10000), help="Generated examples per operation and phase."
)
@click.option(
    "--phases",
    metavar="LIST",
    help="Schemathesis phases to run, comma-separated: examples,coverage,fuzzing,stateful (default: all).",
)
@click.option(
    "--report-dir",
    type=NonEmptyPath(path_type=Path),
    help="Where the reports (json, junit, html, md) go; default: reports/.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    help="Worker processes, each a shard of the operations; one report, as if one process had run.",
)
@click.option(
    "--shard", metavar="K/N", help="Test only the K-th of N shards of the operations (`apiconform merge` after)."
)
@FAIL_ON_DRIFT_OPTION
@click.option("--allow-writes", is_flag=True, help="Let the run send POST/PUT/PATCH/DELETE to a real target.")
@click.option("--rate-limit", type=click.FloatRange(min=0, min_open=True), help="Requests per second, at most.")
@click.option("--max-requests", type=click.IntRange(min=1), help="Request budget for the whole run.")
@click.option(
    "--max-time",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds from the start, loading included; then stop: reports marked incomplete, exit 4.",
)
@click.option("--request-timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds per request.")
@click.option("--ca-bundle", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="CA bundle for TLS.")
@click.option(
    "--fault", "faults", multiple=True, type=FAULT_CHOICE, help="Break the embedded sandbox on purpose (repeatable)."
)
@COLOR_OPTION
@BASELINE_OPTION
@COMPARE_TO_OPTION
@HISTORY_OPTION
@NO_HISTORY_OPTION
def run(
    config_path: Path | None,
    faults: tuple[str, ...],
    color: bool | None,
    baseline: Path | None,
    compare_to: Path | None,
    fail_on_drift: bool,
    history_path: Path | None,
    no_history: bool,
    **flags: Any,
) -> None:
    """Run the conformance suite and write reports; exit 0 only when the target conforms.

    Exit codes: 0 conformant, 1 contract violations (accepted baseline entries excepted), 2 usage/config/spec
    error, 3 target unreachable, 4 incomplete (stopped early or selected operations untested), 130/143
    interrupted by SIGINT/SIGTERM (reports written, marked interrupted).
    """
    from apiconform.cli import reports

    out = Output(color=color)
    stopper = RunStopper()
    stopper.install()
    try:
        try:
            result, paths = _run(
                stopper,
                out,
                config_path=config_path,
                faults=faults,
                options=reports.RunReportOptions(
                    baseline=baseline, compare_to=compare_to, history=history_path, record_history=not no_history
                ),
                fail_on_drift=fail_on_drift,
                flags=flags,
            )
        except ApiconformError as exc:
            fail(exc)
    except SetupStopped as exc:
        out.error(str(exc))
        sys.exit(exc.exit_code)
    try:
        reports.conclude(out, result, paths, fail_on_drift=fail_on_drift, signal_exit=stopper.exit_code)
    except SystemExit as exc:
        stopper.exit(exc.code if isinstance(exc.code, int) else 1)


def _run(
    stopper: RunStopper,
    out: Output,
    *,
    config_path: Path | None,
    faults: tuple[str, ...],
    options: RunReportOptions,
    fail_on_drift: bool,
    flags: dict[str, Any],
) -> tuple[RunResult, list[Path]]:
    """Everything is read and checked before the first request; nothing is written before the run ends."""
    from apiconform.cli import reports, resolve
    from apiconform.report.writers import check_writable

    request = resolve.RunRequest(**flags)
    config = resolve.load_config(config_path)
    target = resolve.chosen_target(request, config)
    max_seconds = request.max_time or (target.max_time if target is not None else None)
    if max_seconds is not None:
        stopper.time_limit(max_seconds, PROCESS_STARTED, time.monotonic())
    if fail_on_drift and options.compare_to is None:
        raise UsageError("--fail-on-drift needs --compare-to PREVIOUS (the report to compare with)")
    if faults and target is not None:
        raise UsageError("--fault breaks the embedded sandbox; it cannot be combined with --base-url or --target")
    directory = resolve.report_dir(request, config)
    check_writable(directory)
    reporting = reports.RunReporting(
        dataclasses.replace(options, history=options.history or resolve.history_path(config)), directory
    )
    specs = resolve.load_specs(
        config, request.specs, target.specs if target is not None else (), overlays=request.overlays, target=target
    )
    # The documents live as long as the run and hold no garbage: no later collection walks them again
    # (on a 10 MB document each one took a tenth of a second, many times over a run).
    gc.freeze()
    out.overlays(specs)
    if target is None:
        from apiconform.sandbox import Sandbox

        sandbox = Sandbox(specs, faults=[Fault(fault) for fault in faults])
        # Its own process, so the target's work and the run's share two cores instead of one GIL.
        sandbox.start(process=True)
        stopper.adopt(lambda: sandbox.process_id)
        try:
            broken = f" with faults {', '.join(faults)}" if faults else ""
            out.line(f"apiconform: embedded sandbox at {sandbox.url}{broken}")
            settings = resolve.settings_for_sandbox(request, config, sandbox)
            resolve.check_params(settings, request.params)
            result = _execute(settings, request.workers, out, stopper)
        finally:
            sandbox.stop()
    else:
        settings = resolve.settings_for_target(request, config, target, specs)
        resolve.check_params(settings, request.params)
        urls = ", ".join(dict.fromkeys(api.base_url for api in settings.apis))
        out.line(f"apiconform: target {target.name} ({urls})")
        result = _execute(settings, request.workers, out, stopper)
    return result, reporting.finish(result)


def _execute(settings: RunSettings, workers: int, out: Output, stopper: RunStopper) -> RunResult:
    """In this process, or in worker processes when asked for more than one and there is work for them."""
    from apiconform.runner.preflight import reach

    # The first request goes out before the engine loads: an unreachable target is exit 3 in a moment.
    settings = reach(settings)
    from apiconform.cli import parallel
    from apiconform.cli.cache import use_user_cache
    from apiconform.runner import run as run_suite

    use_user_cache()
    for api in settings.apis:
        # Which evidence rule judged each document decides what can fail the run; say it before any result.
        out.line(f"apiconform: {api.spec.name}: {api.spec.contract.rule.description}")
    settings = dataclasses.replace(settings, limits=dataclasses.replace(settings.limits, started=PROCESS_STARTED))
    if workers > 1:
        with parallel.report_directory() as directory:
            planned = parallel.plan(settings, workers, Path(directory))
            if len(planned) > 1:
                out.line(f"apiconform: {len(planned)} worker processes, one shard each")
                stopper.start_sending()
                return parallel.run_workers(planned, out, stopper)
    stopper.start_sending()
    try:
        return run_suite(settings, on_progress=out.progress, stop=stopper.flag)
    finally:
        out.end_progress()


@cli.command()
@SPEC_OPTION
@CONFIG_OPTION
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
@click.option(
    "--token",
    envvar="APICONFORM_SANDBOX_TOKEN",
    default=SERVE_DEFAULT_TOKEN,
    show_default=True,
    help="Bearer token the sandbox accepts.",
)
@click.option(
    "--fault", "faults", multiple=True, type=FAULT_CHOICE, help="Serve with this contract violation (repeatable)."
)
@click.option(
    "--db", "database", type=click.Path(path_type=Path), default=":memory:", help="SQLite file; default: in memory."
)
def serve(
    specs: tuple[Path, ...], config_path: Path | None, port: int, token: str, faults: tuple[str, ...], database: Path
) -> None:
    """Run the embedded sandbox in the foreground on 127.0.0.1, for a person to try with curl."""
    from apiconform.cli import resolve
    from apiconform.sandbox import Sandbox

    out = Output()
    try:
        config = resolve.load_config(config_path)
        documents = resolve.load_specs(config, specs)
        sandbox = Sandbox(
            documents, token=token, faults=[Fault(fault) for fault in faults], database=database, port=port
        )
    except ApiconformError as exc:
        fail(exc)
    except OSError as exc:
        fail(UsageError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})"))
    out.line(f"apiconform sandbox on {sandbox.url}  (token: {token})")
    if any(document.name == "amili/identity" for document in documents):
        client_id, client_secret = sandbox.client_credentials()
        token_url = f"{sandbox.base_url('amili/identity')}/token"
        out.line(f"  client credentials: client_id={client_id} client_secret={client_secret}")
        out.line(
            f"  get a JWT: curl -d grant_type=client_credentials -d client_id={client_id} "
            f"-d client_secret={client_secret} {token_url}"
        )
    for fault in faults:
        out.line(f"  fault on: {fault} - {FAULTS[Fault(fault)].description}")
    for document in documents:
        out.line(f"  {document.name}: {sandbox.base_url(document.name)}")
        for label, params in sandbox.known_params(document.name).items():
            for name, values in params.items():
                shown = ", ".join(values[:SHOWN_IDS]) + (
                    f", … ({len(values)} in all)" if len(values) > SHOWN_IDS else ""
                )
                out.line(f"    {label}  {name}: {shown}")
    example = next(iter(sandbox.known_params("ap-invoice").get("GET /v1/invoice/{id}", {}).get("id", [])), None)
    if example is not None:
        out.line(
            f"  try: curl -H 'Authorization: Bearer {token}' {sandbox.base_url('ap-invoice')}/v1/invoice/{example}"
        )
    sandbox.serve_forever()


cli.add_command(specs)
cli.add_command(diff)
cli.add_command(history)
cli.add_command(merge)
