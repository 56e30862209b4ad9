"""Background jobs: queue, claim, run, fail cleanly, report progress, requeue stale ones."""

from __future__ import annotations

import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from netweave.jobs import JobError, services
from netweave.jobs.models import Job, JobStatus, WorkerHeartbeat
from netweave.jobs.registry import job

pytestmark = pytest.mark.django_db


@job("tests.count")
def _count(current: Job, progress) -> dict:
    upto = current.payload["upto"]
    for i in range(1, upto + 1):
        progress(i, upto, f"step {i}")
    return {"sum": sum(range(1, upto + 1))}


@job("tests.refuse")
def _refuse(current: Job, progress) -> dict:
    raise JobError("line 3 of members.csv: expected an e-mail address")


@job("tests.crash")
def _crash(current: Job, progress) -> dict:
    raise RuntimeError("secret internals")


def test_eager_job_runs_inside_enqueue_and_keeps_its_result_and_progress() -> None:
    done = services.enqueue("tests.count", {"upto": 4})
    assert done.status == JobStatus.DONE
    assert done.result == {"sum": 10}
    assert done.progress_info() == {"done": 4, "total": 4, "message": "step 4"}
    assert done.started_at <= done.finished_at


def test_unknown_kind_is_refused_before_anything_is_stored() -> None:
    with pytest.raises(KeyError):
        services.enqueue("tests.nothing-like-this")
    assert not Job.objects.exists()


def test_job_error_message_is_stored_and_unexpected_errors_stay_in_the_log(settings) -> None:
    refused = services.enqueue("tests.refuse")
    assert refused.status == JobStatus.FAILED
    assert refused.error == "line 3 of members.csv: expected an e-mail address"
    crashed = services.enqueue("tests.crash")
    assert crashed.status == JobStatus.FAILED
    assert "secret internals" not in crashed.error
    assert crashed.error


def test_worker_runs_queued_jobs_in_order_once(settings) -> None:
    settings.NETWEAVE_JOBS_EAGER = False
    first = services.enqueue("tests.count", {"upto": 2})
    second = services.enqueue("tests.count", {"upto": 3})
    assert first.status == second.status == JobStatus.QUEUED
    call_command("worker", once=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, second.result) == ({"sum": 3}, {"sum": 6})
    assert first.finished_at <= second.started_at
    assert WorkerHeartbeat.objects.count() == 1
    assert services.run_next() is None


def test_a_claimed_job_is_not_claimed_twice(settings) -> None:
    settings.NETWEAVE_JOBS_EAGER = False
    services.enqueue("tests.count", {"upto": 1})
    assert services.claim_next("a") is not None
    assert services.claim_next("b") is None


def test_jobs_of_a_worker_without_a_fresh_heartbeat_go_back_to_the_queue(settings) -> None:
    settings.NETWEAVE_JOBS_EAGER = False
    services.enqueue("tests.count", {"upto": 1})
    services.claim_next("elsewhere:1")
    WorkerHeartbeat.objects.create(name="elsewhere:1", seen_at=timezone.now())
    assert services.recover_stale(timedelta(minutes=1)) == (0, 0)
    WorkerHeartbeat.objects.filter(name="elsewhere:1").update(
        seen_at=timezone.now() - timedelta(minutes=2))
    assert services.recover_stale(timedelta(minutes=1)) == (1, 0)
    assert services.run_next().result == {"sum": 1}


def _dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def test_a_job_of_a_dead_worker_is_queued_again_then_failed_with_the_reason(settings) -> None:
    settings.NETWEAVE_JOBS_EAGER = False
    stuck = services.enqueue("tests.count", {"upto": 1})
    services.claim_next(f"{socket.gethostname()}:{_dead_pid()}")
    assert services.recover_stale() == (1, 0)
    stuck.refresh_from_db()
    assert (stuck.status, stuck.worker, stuck.attempts) == (JobStatus.QUEUED, "", 1)
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        services.claim_next(f"{socket.gethostname()}:{_dead_pid()}")
        services.recover_stale()
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (JobStatus.FAILED, services.MAX_ATTEMPTS)
    assert "3 times in all, so it is not tried again" in stuck.error


def test_a_job_of_a_live_worker_on_this_machine_is_left_alone(settings) -> None:
    settings.NETWEAVE_JOBS_EAGER = False
    services.enqueue("tests.count", {"upto": 1})
    services.claim_next(services.worker_name())  # this process: alive, though it never beat
    assert services.recover_stale() == (0, 0)
    assert Job.objects.get().status == JobStatus.RUNNING


def test_an_import_run_whose_job_failed_for_a_dead_worker_says_why(settings, tmp_path) -> None:
    from netweave.imports.models import ImportRun
    from netweave.networks import services as net
    from netweave.networks.models import Person

    settings.NETWEAVE_JOBS_EAGER = False
    network = net.create_network(facilitator=Person.objects.create(name="Fien"), name="Kill",
                                 slug="kill", purpose="Killed.", primary_type="action")
    upload = tmp_path / "up.csv"
    upload.write_text("actor,target,time\n")
    run = ImportRun.objects.create(network=network, kind="log", file_name="up.csv",
                                   upload=str(upload), digest="", status="running")
    job = services.enqueue("imports.run", {"run": run.pk}, network=network)
    services.claim_next(f"{socket.gethostname()}:{_dead_pid()}")
    Job.objects.filter(pk=job.pk).update(attempts=services.MAX_ATTEMPTS)
    assert services.recover_stale() == (0, 1)
    run.refresh_from_db()
    assert run.status == "failed" and "Nothing was imported." in run.error
    assert run.upload == "" and not upload.exists()
