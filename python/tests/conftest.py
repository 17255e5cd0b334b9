"""Shared pytest configuration for the Kindling Python tests."""
import os

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "spec(rule_id, ...): the protocol spec rule(s) the test checks, e.g. spec('WRK-5.4')")


@pytest.fixture(scope="session")
def repo_root():
    return REPO_ROOT
