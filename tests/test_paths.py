"""Where slacli keeps its files."""

from __future__ import annotations

import sys

import platformdirs
import pytest

from slacli.paths import cache_dir, user_dir


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG fast path is Linux only")
@pytest.mark.parametrize(
    ("kind", "variable"), [("config", "XDG_CONFIG_HOME"), ("cache", "XDG_CACHE_HOME"), ("data", "XDG_DATA_HOME")]
)
@pytest.mark.parametrize("value", [None, "", "/srv/base", "relative/ignored"])
def test_fast_path_agrees_with_platformdirs(monkeypatch, kind, variable, value):
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    assert str(user_dir(kind)) == getattr(platformdirs, f"user_{kind}_dir")("slacli")


def test_cache_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("SLACLI_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
