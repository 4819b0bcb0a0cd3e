"""A stack's creation timeout (create-stack --timeout-in-minutes), as CloudFormation applies it:
counted from CREATE_IN_PROGRESS, calls not yet made are cancelled once it has passed, and the create
fails and rolls back (or, rollback disabled, stays CREATE_FAILED). Updates ignore it.

Time is a fake clock: the local provider's `--latency` sleeps advance it, so a call "takes" a
minute without the test waiting."""

from __future__ import annotations

import pytest

from local_support import FakeTime
from stackengine.engine import (
    Engine, EngineConfig, ExecuteOptions, StackRequest, describe_stack_json,
)
from stackengine.state.base import StackStatus

TIMED_OUT = "Stack creation time exceeded the specified timeout."
MINUTE_MS = 60_000

# Four queues made one after another: with a minute per call, D starts three minutes in.
CHAIN = """
Resources:
  A: {Type: AWS::SQS::Queue}
  B: {Type: AWS::SQS::Queue, DependsOn: A}
  C: {Type: AWS::SQS::Queue, DependsOn: B}
  D: {Type: AWS::SQS::Queue, DependsOn: C}
"""


def _engine(tmp_path, clock: FakeTime, latency_ms: int = MINUTE_MS, failures=()) -> Engine:
    from stackengine.providers.local import provider_options

    options = {**provider_options(latency_ms, list(failures)), "clock": clock.time,
               "sleep": clock.sleep}
    return Engine(EngineConfig(state_path=str(tmp_path / "state.db"), provider_options=options),
                  clock=clock.time)


def _deploy(engine: Engine, tmp_path, body: str = CHAIN, *, timeout: int | None = None,
            disable_rollback: bool = False, name: str = "app"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(body)
    outcome = engine.deploy(StackRequest(str(path), name),
                            ExecuteOptions(disable_rollback=disable_rollback,
                                           timeout_in_minutes=timeout))
    assert outcome.record is not None
    return outcome.record


def _queues(engine: Engine) -> list[str]:
    store = engine.provider.store  # type: ignore[attr-defined]
    return sorted(r.logical_id for r in store.list_resources(type_name="AWS::SQS::Queue"))


def _events(engine: Engine, name: str = "app") -> list[tuple[str, str, str | None]]:
    return [(e.logical_id, e.status, e.reason) for e in reversed(engine.events(name))]


def test_a_create_past_its_timeout_cancels_what_has_not_started_and_rolls_back(tmp_path):
    engine = _engine(tmp_path, FakeTime())
    record = _deploy(engine, tmp_path, timeout=2)
    assert record.status is StackStatus.ROLLBACK_COMPLETE
    assert record.status_reason == TIMED_OUT + " Rollback requested by user."
    assert describe_stack_json(record)["TimeoutInMinutes"] == 2
    # A, B and C started within two minutes (C at exactly two); D would start after three.
    assert _events(engine) == [
        ("app", "CREATE_IN_PROGRESS", "User Initiated"),
        ("A", "CREATE_IN_PROGRESS", None), ("A", "CREATE_COMPLETE", None),
        ("B", "CREATE_IN_PROGRESS", None), ("B", "CREATE_COMPLETE", None),
        ("C", "CREATE_IN_PROGRESS", None), ("C", "CREATE_COMPLETE", None),
        ("D", "CREATE_IN_PROGRESS", None), ("D", "CREATE_FAILED", "Resource creation cancelled"),
        ("app", "ROLLBACK_IN_PROGRESS", TIMED_OUT + " Rollback requested by user."),
        ("C", "DELETE_IN_PROGRESS", None), ("C", "DELETE_COMPLETE", None),
        ("B", "DELETE_IN_PROGRESS", None), ("B", "DELETE_COMPLETE", None),
        ("A", "DELETE_IN_PROGRESS", None), ("A", "DELETE_COMPLETE", None),
        ("app", "ROLLBACK_COMPLETE", TIMED_OUT + " Rollback requested by user."),
    ]
    assert _queues(engine) == []
    assert engine.resources("app") == []


def test_with_rollback_disabled_a_timed_out_create_stays_create_failed(tmp_path):
    engine = _engine(tmp_path, FakeTime())
    record = _deploy(engine, tmp_path, timeout=2, disable_rollback=True)
    assert record.status is StackStatus.CREATE_FAILED
    assert record.status_reason == TIMED_OUT
    assert _events(engine)[-1] == ("app", "CREATE_FAILED", TIMED_OUT)
    assert _queues(engine) == ["A", "B", "C"]
    assert engine.delete_stack("app").status is StackStatus.DELETE_COMPLETE
    assert _queues(engine) == []


@pytest.mark.parametrize("timeout", [None, 5])
def test_without_a_timeout_or_with_enough_time_the_create_completes(tmp_path, timeout):
    engine = _engine(tmp_path, FakeTime())
    record = _deploy(engine, tmp_path, timeout=timeout)
    assert record.status is StackStatus.CREATE_COMPLETE
    assert record.timeout_in_minutes == timeout
    assert _queues(engine) == ["A", "B", "C", "D"]


def test_the_deadline_passing_during_the_last_call_still_fails_the_create(tmp_path):
    """CloudFormation fails the stack at the deadline even if its last resource would finish:
    the call running then is not interrupted here, but the create does not complete."""
    engine = _engine(tmp_path, FakeTime())
    record = _deploy(engine, tmp_path, CHAIN.split("  C:")[0], timeout=1)
    assert record.status is StackStatus.ROLLBACK_COMPLETE
    assert record.status_reason == TIMED_OUT + " Rollback requested by user."
    assert ("B", "CREATE_COMPLETE", None) in _events(engine)
    assert _queues(engine) == []


def test_a_failure_before_the_deadline_keeps_its_own_reason(tmp_path):
    engine = _engine(tmp_path, FakeTime(), failures=["B:create"])
    record = _deploy(engine, tmp_path, timeout=1)
    assert record.status is StackStatus.ROLLBACK_COMPLETE
    assert record.status_reason == ("The following resource(s) failed to create: [B]. "
                                    "Rollback requested by user.")


def test_calls_made_inline_are_cancelled_too(tmp_path):
    """Without latency the executor makes the calls in its own thread, in one transaction: the
    deadline is checked there as well. Every reading of this clock moves it on by 61 seconds."""
    ticks = FakeTime()

    def ticking() -> float:
        ticks.sleep(61)
        return ticks.time()

    engine = _engine(tmp_path, ticks, latency_ms=0)
    engine.clock = ticking
    record = _deploy(engine, tmp_path, timeout=2)
    assert record.status is StackStatus.ROLLBACK_COMPLETE
    assert record.status_reason == TIMED_OUT + " Rollback requested by user."
    failed = [(lid, reason) for lid, status, reason in _events(engine) if status == "CREATE_FAILED"]
    assert failed and all(reason == "Resource creation cancelled" for _, reason in failed)
    assert _queues(engine) == []


def test_an_update_ignores_the_timeout(tmp_path):
    clock = FakeTime()
    engine = _engine(tmp_path, clock)
    created = _deploy(engine, tmp_path, CHAIN.split("  B:")[0], timeout=2)
    assert created.status is StackStatus.CREATE_COMPLETE
    # Adding B, C and D takes three minutes: past the stack's two and the one asked now.
    updated = _deploy(engine, tmp_path, timeout=1)
    assert updated.status is StackStatus.UPDATE_COMPLETE
    assert updated.timeout_in_minutes == 2
    assert _queues(engine) == ["A", "B", "C", "D"]
