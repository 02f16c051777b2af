"""The scale-out setup, started once a run: a database of its own on PG_TEST_URL's server,
a private redis-server, two daphne workers and a proxy before them. Each test takes a fresh
workshop and finds Redis running and two workers alive (a killed one is replaced)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.scaleout.cluster import Cluster, ScaleoutDatabase, start_cluster


@pytest.fixture(scope="session")
def running_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    database = ScaleoutDatabase(workshops=8, participants=6)
    try:
        with start_cluster(database, tmp_path_factory.mktemp("workers")) as running:
            yield running
    finally:
        database.drop()


@pytest.fixture
def cluster(running_cluster: Cluster) -> Cluster:
    running_cluster.heal()
    return running_cluster


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing test shows what both workers logged."""
    report = yield
    running = getattr(item, "funcargs", {}).get("cluster")
    if report.failed and isinstance(running, Cluster):
        log = running.log_text()[-20000:]
        report.sections.append(("the workers' logs (last 20000 characters)", log))
    return report
