from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.settings import describe, load_settings


def test_precedence_defaults_toml_env_flags(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORT_ASSISTANT_INGEST__CHUNK_TOKENS", raising=False)
    config = tmp_path / "ra.toml"
    config.write_text('data_dir = "/srv/ra"\n[ingest]\nchunk_tokens = 200\n', encoding="utf-8")
    assert load_settings().ingest.chunk_tokens == 350
    assert load_settings(config).ingest.chunk_tokens == 200
    assert load_settings(config).data_dir == Path("/srv/ra")
    monkeypatch.setenv("REPORT_ASSISTANT_INGEST__CHUNK_TOKENS", "120")
    assert load_settings(config).ingest.chunk_tokens == 120
    assert load_settings(config, **{"ingest.chunk_tokens": 90, "data_dir": None}).ingest.chunk_tokens == 90
    assert load_settings(config, **{"ingest.chunk_tokens": 90}).data_dir == Path("/srv/ra")


def test_toml_in_working_directory_is_picked_up(tmp_path, monkeypatch):
    (tmp_path / "report-assistant.toml").write_text("offline = false\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_settings().offline is False


@pytest.mark.parametrize("content, needle", [
    ("[ingest]\nchunk_tokens = 5\n", "ingest.chunk_tokens"),
    ("no_such_setting = 1\n", "no_such_setting"),
    ("data_dir = \n", "TOML"),
])
def test_bad_config_is_a_clear_error(tmp_path, content, needle):
    config = tmp_path / "bad.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=needle):
        load_settings(config)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="不存在"):
        load_settings(tmp_path / "nope.toml")


def test_describe_lists_every_field_with_its_description():
    described = describe(load_settings())
    assert described["ingest"]["chunk_tokens"]["value"] == 350
    assert all(entry["description"] for entry in [described["data_dir"], described["offline"],
                                                  *described["ingest"].values()])


def test_the_api_key_is_a_secret_nowhere_printed(tmp_path, monkeypatch, capsys):
    from assistant.cli import main
    from assistant.settings import describe, load_settings

    monkeypatch.setenv("REPORT_ASSISTANT_LLM__API_KEY", "sk-verysecret123")
    settings = load_settings(data_dir=tmp_path)
    assert settings.llm_api_key() == "sk-verysecret123"
    assert "sk-verysecret123" not in repr(settings) and "sk-verysecret123" not in str(settings.model_dump())
    assert describe(settings)["llm"]["api_key"]["value"] == "***"
    assert main(["config", "--data-dir", str(tmp_path)]) == 0
    assert "sk-verysecret123" not in capsys.readouterr().out
