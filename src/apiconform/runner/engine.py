"""Driving schemathesis's engine (its phases: examples, coverage, fuzzing, stateful) over each API.

Schemathesis generates the requests and runs its checks and ours; this module only folds its event
stream into findings, judged by the evidence of the contract each rests on.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import PackageNotFoundError, version

import httpx
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.errors import NoLinksFound
from schemathesis.engine import events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.specs.openapi._auth_retry import INVALID_AUTH_HEADERS, INVALID_CREDENTIAL

from apiconform.checks.classify import classes_exercised, classify_failure
from apiconform.checks.negation import refused_path
from apiconform.core.errors import UsageError
from apiconform.core.findings import Finding, ResponseSnapshot
from apiconform.core.redaction import Redactor
from apiconform.core.results import COMPLETED, OperationResult, RunResult, SpecInfo, TargetInfo, shard_skip_reason
from apiconform.core.vocabulary import CheckClass
from apiconform.runner.auth_answers import AuthAnswers
from apiconform.runner.bridge import bounded_client
from apiconform.runner.hints import mark_unreached
from apiconform.runner.known import known_ids_guard
from apiconform.runner.lifecycle import run_lifecycles
from apiconform.runner.limits import RequestGate, RunLimitReached, StopFlag, stop_reason
from apiconform.runner.observations import EnumObserver
from apiconform.runner.placement import authenticate
from apiconform.runner.preflight import check_selection, one_per_host
from apiconform.runner.probe import probe
from apiconform.runner.problems import transport_problem
from apiconform.runner.progress import ProgressCallback, ProgressEvent, RunStarted, Tracker
from apiconform.runner.refusals import Refusals
from apiconform.runner.replay import replayed
from apiconform.runner.scenarios import ScenarioOutcome, run_scenarios
from apiconform.runner.settings import ApiTarget, RunSettings
from apiconform.runner.transport import gate_schema, truncation
from apiconform.runner.trouble import BODY_CHECKS, note, too_large_line, transport_finding
from apiconform.specs.contract import share
from apiconform.specs.coverage import doc_coverage
from apiconform.specs.document import Operation, SpecDocument

__all__ = ["ProgressEvent", "run"]


# Schemathesis's deliberately invalid credentials: no secret, so a curl line shows them as sent.
PUBLIC_CREDENTIALS = (INVALID_CREDENTIAL, *INVALID_AUTH_HEADERS.values())

FindingKey = tuple[str, str, CheckClass, str, str, str, int | None]


def run(
    settings: RunSettings, *, on_progress: ProgressCallback | None = None, stop: StopFlag | None = None
) -> RunResult:
    """Run every API of `settings`; raises TargetUnreachable or UsageError before sending a single test.

    `stop` set (by a signal handler) ends the run at its next request; what it found is returned, marked stopped.
    """
    check_selection(settings)
    redactor = Redactor(settings.secrets, secret_headers=settings.secret_headers)
    for secret, reference in settings.secret_references:
        redactor.add(secret, reference=reference)
    for value in PUBLIC_CREDENTIALS:
        redactor.allow(value)
    gate = RequestGate(settings.limits, stop=stop)
    observer = EnumObserver()
    for base_url in one_per_host(api.base_url for api in settings.apis):
        try:
            gate.acquire()
        except RunLimitReached:
            break  # stopped before it began: every operation is reported untested
        if base_url not in settings.reached:  # the CLI probes before it loads the engine (`preflight.py`)
            probe(base_url, verify=settings.tls_verify)
    # After the reachability probe (an unreachable target is exit 3 whatever else is wrong), before any test.
    missing = settings.missing_credentials()
    if missing is not None:
        raise UsageError(missing)
    result = RunResult(
        tool_version=_tool_version(),
        target=TargetInfo(
            name=settings.target_name,
            base_url=", ".join(dict.fromkeys(api.base_url for api in settings.apis)),
            embedded=settings.embedded,
        ),
        specs=[
            SpecInfo(
                name=api.spec.name,
                path=api.spec.path.as_posix(),
                title=api.spec.title,
                version=api.spec.version,
                overlays=api.spec.overlays,
                warnings=tuple(warning.to_dict() for warning in api.spec.warnings),
                evidence_rule=api.spec.contract.rule,
            )
            for api in settings.apis
        ],
        seed=settings.seed,
        max_examples=settings.max_examples,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        shard=settings.shard,
    )
    started = time.monotonic()
    tracker = Tracker(result, on_progress, sent=lambda: gate.sent)
    tracker.emit(RunStarted(operations=sum(1 for reason in settings.skip_reasons().values() if not reason)))
    refusals = Refusals()
    for api in settings.apis:
        _run_api(api, settings, result, redactor, gate, observer, tracker, refusals)
    refusals.judge(result.operations)
    stopped = gate.stopped or stop_reason(stop)
    if stopped is not None:
        result.stop_reason = stopped
    result.enum_coverage = [observation.to_dict() for observation in observer.observations]
    result.undocumented_fields = observer.undocumented()
    result.documented_fields = observer.documented()
    for operation in result.operations:
        operation.statuses = observer.statuses.get((operation.api, operation.operation), set())
    mark_unreached(settings.apis, result)
    result.doc_coverage = [api.to_dict() for api in doc_coverage([api.spec for api in settings.apis], []).apis]
    # Requests cut short by a stop never reach a finished scenario; the gate counted every one sent.
    result.request_count = max(result.request_count, gate.sent)
    result.duration_seconds = time.monotonic() - started
    return result


def _run_api(
    api: ApiTarget,
    settings: RunSettings,
    result: RunResult,
    redactor: Redactor,
    gate: RequestGate,
    observer: EnumObserver,
    tracker: Tracker,
    refusals: Refusals,
) -> None:
    outcomes = _outcomes(api, settings)
    result.operations.extend(outcomes.values())
    stopped = gate.poll()
    if stopped is not None:
        for outcome in outcomes.values():
            if not outcome.skip_reason:
                outcome.uncovered_reason = f"run stopped: {stopped}"
        return
    selected = {label for label, outcome in outcomes.items() if not outcome.skip_reason}
    if not selected:
        return
    config = SchemathesisConfig.from_dict(settings.schemathesis_config(api))
    prepared = api.prepared_document()
    # Our body check reads the model of the document schemathesis holds: this one's, references and all.
    share(prepared, api.spec.contract)
    schema = schemathesis.openapi.from_dict(prepared, config=config).include(name=sorted(selected))
    authenticate(schema, api, redactor)
    guard = known_ids_guard(api) if api.allow_writes or api.writable else None
    auth_answers = AuthAnswers(redactor, PUBLIC_CREDENTIALS)
    gate_schema(schema, gate, secret_headers=settings.secret_headers, guard=guard, auth_answers=auth_answers)
    seen: dict[FindingKey, int] = {}
    stream = from_schema(schema).execute()
    gate.on_stop(stream.stop)
    for event in stream:
        _consume(event, api.spec, outcomes, result, seen, redactor, tracker)
        if isinstance(event, events.ScenarioFinished):
            _observe(event.recorder, api.spec, observer)
            refusals.count_recorded(api, event.recorder)
    _after_engine(
        api, settings, frozenset(selected), outcomes, result, seen, redactor, gate, observer, tracker, refusals,
        auth_answers,
    )  # fmt: skip


def _after_engine(
    api: ApiTarget,
    settings: RunSettings,
    selected: frozenset[str],
    outcomes: dict[str, OperationResult],
    result: RunResult,
    seen: dict[FindingKey, int],
    redactor: Redactor,
    gate: RequestGate,
    observer: EnumObserver,
    tracker: Tracker,
    refusals: Refusals,
    auth_answers: AuthAnswers,
) -> None:
    """Scenarios per operation, then lifecycles across operations: what schemathesis does not generate.

    Their client sends no header of its own: each request gets the target's headers from the Sender,
    which leaves out those carrying a credential when a probe asks for none.
    """
    operations = {operation.label: operation for operation in api.spec.operations}
    observe = partial(observer.observe, api.spec)
    counted = partial(_count, refusals, api.spec.name)
    with bounded_client(
        timeout=settings.request_timeout,
        verify=settings.tls_verify,
        max_bytes=settings.limits.max_response_bytes,
    ) as client:
        for label in sorted(selected):
            try:
                scenario = _bounded_scenarios(
                    api, operations[label], client, redactor, gate, (observe, counted, auth_answers), result, seen
                )
            except RunLimitReached:
                return
            _fold(label, scenario, outcomes, result, seen)
            tracker.operation_done(api.spec.name, label)
        # A lifecycle belongs to the shard of its create, and follows its resource into any other shard.
        other_shard = shard_skip_reason(settings.shard) if settings.shard else None
        reachable = frozenset(label for label, outcome in outcomes.items() if outcome.skip_reason in {"", other_shard})
        flow = run_lifecycles(
            api, client, redactor, gate, observe, selected=selected, reachable=reachable, on_counted=counted
        )
        if flow is None:
            return
        for label, lifecycle in flow.outcomes.items():
            _fold(label, lifecycle, outcomes, result, seen)
        for label, exc in flow.troubles:
            _scenario_trouble(exc, api.spec, label, result, seen, redactor)
        tracker.new_failures()


def _count(refusals: Refusals, api: str, operation: Operation, status: int) -> None:
    refusals.count(api, operation.label, status)


def _fold(
    label: str,
    scenario: ScenarioOutcome,
    outcomes: dict[str, OperationResult],
    result: RunResult,
    seen: dict[FindingKey, int],
) -> None:
    if label in outcomes and not outcomes[label].skip_reason:
        outcomes[label].requests += scenario.requests
        outcomes[label].checks_run |= scenario.checks_run
    result.request_count += scenario.requests
    for finding in scenario.findings:
        _add(result, seen, finding)


def _observe(recorder: ScenarioRecorder, spec: SpecDocument, observer: EnumObserver) -> None:
    for case_id, interaction in recorder.interactions.items():
        response = interaction.response
        node = recorder.cases.get(case_id)
        if node is None:
            continue
        operation = spec.operation(node.value.operation.method, node.value.operation.path)
        if response is None or operation is None or truncation(response) is not None:
            continue
        content_type = next(
            (values[0] for name, values in response.headers.items() if name.lower() == "content-type"), ""
        )
        observer.observe(spec, operation, response.status_code, content_type, response.content)


def _outcomes(api: ApiTarget, settings: RunSettings) -> dict[str, OperationResult]:
    """One result per operation of the spec, each either selected or saying why it was not run."""
    reasons = settings.skip_reasons()
    return {
        operation.label: OperationResult(
            api=api.spec.name,
            operation=operation.label,
            operation_id=operation.operation_id,
            evidence=operation.evidence,
            doc=operation.doc,
            skip_reason=reasons[api.spec.name, operation.label],
        )
        for operation in api.spec.operations
    }


def _consume(
    event: events.EngineEvent,
    spec: SpecDocument,
    outcomes: dict[str, OperationResult],
    result: RunResult,
    seen: dict[FindingKey, int],
    redactor: Redactor,
    tracker: Tracker,
) -> None:
    if isinstance(event, events.ScenarioFinished):
        recorder = event.recorder
        # An identical read answered again (`runner/replay.py`) is judged, but was not sent.
        sent = {
            case_id
            for case_id, interaction in recorder.interactions.items()
            if interaction.response is None or not replayed(interaction.response)
        }
        result.request_count += len(sent)
        _note_truncated(recorder, spec, result)
        # Findings name their own operation: a stateful scenario spans several, under a label that names none.
        for finding in _findings(recorder, spec, str(event.phase.value), redactor):
            _add(result, seen, finding)
        for case_id, node in recorder.cases.items():
            outcome = outcomes.get(f"{node.value.operation.method.upper()} {node.value.operation.path}")
            if outcome is None:
                continue
            outcome.requests += 1 if case_id in sent else 0
            outcome.checks_run |= {
                check_class
                for check in recorder.checks.get(case_id, [])
                for check_class in classes_exercised(check.name)
            }
        tracker.new_failures()
        tracker.emit(
            ProgressEvent(
                api=spec.name,
                operation=recorder.label,
                phase=str(event.phase.value),
                status=str(event.status.value),
                requests=len(sent),
                sent=tracker.sent(),
            )
        )
    elif isinstance(event, events.NonFatalError) and (
        RunLimitReached.__name__ in repr(event.value) or isinstance(event.value, NoLinksFound)
    ):
        # A link whose target --include or --shard left out is the user's selection, not a problem.
        return
    elif isinstance(event, events.NonFatalError):
        _non_fatal(event, spec, result, seen, redactor)
    elif isinstance(event, events.FatalError):
        result.errors.append(redactor.text(f"{spec.name}: {_one_line(str(event.exception))}"))
        result.stop_reason = "error"
    elif isinstance(event, events.EngineFinished) and event.stop_reason.value != COMPLETED:
        result.stop_reason = str(event.stop_reason.value)


def _non_fatal(
    event: events.NonFatalError,
    spec: SpecDocument,
    result: RunResult,
    seen: dict[FindingKey, int],
    redactor: Redactor,
) -> None:
    """One error line; and when the wire failed (reset, timeout, loop, not HTTP), a finding on the operation."""
    problem = transport_problem(event.value)
    reason = problem.reason if problem is not None else _one_line(str(event.value))
    note(result.errors, redactor.text(f"{spec.name}: {event.label}: {reason}"))
    if problem is None:
        return
    curl = redactor.text((event.info.code_sample or "").strip())
    phase = str(event.phase.value) if event.phase is not None else ""
    trouble = transport_finding(spec, event.label, problem, phase=phase, curl=curl)
    if trouble is not None:
        _add(result, seen, trouble)


def _note_truncated(recorder: ScenarioRecorder, spec: SpecDocument, result: RunResult) -> None:
    for interaction in recorder.interactions.values():
        cut = truncation(interaction.response) if interaction.response is not None else None
        if cut is not None:
            note(result.errors, too_large_line(spec.name, recorder.label, size=cut.size, kept=cut.kept))


def _bounded_scenarios(
    api: ApiTarget,
    operation: Operation,
    client: httpx.Client,
    redactor: Redactor,
    gate: RequestGate,
    callbacks: tuple[Callable[[Operation, int, str, bytes], None], Callable[[Operation, int], None], AuthAnswers],
    result: RunResult,
    seen: dict[FindingKey, int],
) -> ScenarioOutcome:
    """The scenarios of one operation; a request that gets no usable response ends them, and says why."""
    on_response, on_counted, auth_answers = callbacks
    try:
        return run_scenarios(api, operation, client, redactor, gate, on_response, on_counted, auth_answers.answer)
    except httpx.HTTPError as exc:
        _scenario_trouble(exc, api.spec, operation.label, result, seen, redactor)
        return ScenarioOutcome()


def _scenario_trouble(
    exc: httpx.HTTPError,
    spec: SpecDocument,
    label: str,
    result: RunResult,
    seen: dict[FindingKey, int],
    redactor: Redactor,
) -> None:
    problem = transport_problem(exc)
    reason = problem.reason if problem is not None else _one_line(str(exc))
    note(result.errors, redactor.text(f"{spec.name}: {label}: {reason} (scenario requests stopped)"))
    request = exc.request if isinstance(exc, httpx.RequestError) else None
    curl = redactor.curl(request.method, str(request.url), dict(request.headers)) if request is not None else ""
    finding = transport_finding(spec, label, problem, phase="scenario", curl=curl) if problem else None
    if finding is not None:
        _add(result, seen, finding)


def _findings(recorder: ScenarioRecorder, spec: SpecDocument, phase: str, redactor: Redactor) -> list[Finding]:
    found = []
    for case_id, checks in recorder.checks.items():
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            failure = info.failure
            method, _, path = (failure.operation or recorder.label).partition(" ")
            operation = spec.operation(method, path)
            if operation is None:
                continue
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction is not None else None
            if response is not None and truncation(response) is not None and check.name in BODY_CHECKS:
                continue
            node = recorder.cases.get(case_id)
            meta = node.value.meta if node is not None else None
            judged = classify_failure(
                failure,
                check_name=check.name,
                document=spec,
                operation=operation,
                status=response.status_code if response is not None else None,
                negative=(meta is not None and meta.generation.mode.is_negative)
                or (node is not None and refused_path(spec, operation, node.value.path_parameters)),
                meta=meta,
            )
            snapshot = None
            if response is not None:
                snapshot = ResponseSnapshot.from_text(
                    status=response.status_code,
                    headers=redactor.headers({name: ", ".join(values) for name, values in response.headers.items()}),
                    text=redactor.text(response.content.decode("utf-8", errors="replace")),
                )
            # After the response: credential fields it holds are secrets by now, in the curl line too.
            curl = _curl(recorder, case_id, info.code_sample, redactor)
            found.append(
                Finding(
                    api=spec.name,
                    operation=operation.label,
                    check=judged.check,
                    evidence=judged.evidence,
                    title=redactor.text(failure.title),
                    message=redactor.text(failure.message.strip()),
                    pointer=judged.pointer,
                    expected=redactor.text(judged.expected),
                    actual=redactor.text(judged.actual),
                    doc=judged.doc,
                    source=check.name,
                    phase=phase,
                    curl=curl,
                    response=snapshot,
                )
            )
    return found


def _add(result: RunResult, seen: dict[FindingKey, int], finding: Finding) -> None:
    """One problem seen in several phases or cases is one finding with a count, not a wall of repeats."""
    key = finding.identity
    if key in seen:
        index = seen[key]
        previous = result.findings[index]
        result.findings[index] = dataclasses.replace(previous, occurrences=previous.occurrences + 1)
        return
    seen[key] = len(result.findings)
    result.findings.append(finding)


def _curl(recorder: ScenarioRecorder, case_id: str, code_sample: str, redactor: Redactor) -> str:
    """From the request as sent, so the line carries the credential's variable where it travelled.

    Schemathesis's own sample filters every key that merely looks sensitive (`author` included); it is
    kept only for a request the recorder did not keep.
    """
    interaction = recorder.interactions.get(case_id)
    if interaction is None:
        return redactor.text(code_sample.strip())
    request = interaction.request
    headers = {name: ", ".join(values) for name, values in request.headers.items()}
    return redactor.curl(request.method, request.uri, headers, body=request.body)


def _one_line(text: str) -> str:
    return " ".join(text.strip().split())[:500]


def _tool_version() -> str:
    try:
        return version("apiconform")
    except PackageNotFoundError:
        return "dev"
