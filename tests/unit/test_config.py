from __future__ import annotations

import pytest

from streams.config import ConfigError, Settings, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "picket.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_file():
    assert load_settings() == Settings()


def test_file_overrides_nested_values_and_keeps_the_rest(tmp_path):
    settings = load_settings(write(tmp_path, '[detection.gap]\nmin_gap_s = 7200\n[topics.raw]\nname = "feed"\npartitions = 8\n'))
    assert settings.detection.gap.min_gap_s == 7200.0
    assert settings.detection.gap.long_gap_s == Settings().detection.gap.long_gap_s
    assert (settings.topics.raw.name, settings.topics.raw.partitions) == ("feed", 8)
    assert settings.topics.position == Settings().topics.position


@pytest.mark.parametrize(
    "text, message",
    [
        ("[detection.gap]\nmin_gap = 1\n", "unknown config key"),
        ("[detection.gap]\nmin_gap_s = 'six hours'\n", "expected float"),
        ("[topics.position]\npartitions = 8\n", "same partition count"),
        ("[detection.gap]\nmin_gap_s = 99999\n", "min_gap_s <= long_gap_s"),
        ("[worker]\nmetrics_port = true\n", "expected int"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text))


def test_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(tmp_path / "absent.toml")
