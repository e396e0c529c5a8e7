import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import ROOT, SAMPLES


def _run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_json_is_one_object_and_second_run_is_unchanged(tmp_path, capsys):
    data = tmp_path / "data"
    code, out, _ = _run(["ingest", "--data-dir", str(data), str(SAMPLES), "--json"], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["totals"]["ingested"] == 3 and result["totals"]["failed"] == 0
    entry = result["files"][0]
    assert set(entry) == {"path", "status", "encoding", "reports", "sections", "chunks", "years", "warnings", "error"}
    assert all(f["years"] for f in result["files"])
    code, out, _ = _run(["ingest", "--data-dir", str(data), str(SAMPLES), "--json"], capsys)
    assert {f["status"] for f in json.loads(out)["files"]} == {"unchanged"}


def test_failed_file_gives_nonzero_exit_and_others_are_ingested(tmp_path, capsys):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES, folder)
    (folder / "empty.txt").write_text("")
    code, out, _ = _run(["ingest", "--data-dir", str(tmp_path / "d"), str(folder)], capsys)
    assert code == 1
    assert "[失败]" in out and "empty.txt" in out and "导入 3" in out


def test_remove_files_and_config(tmp_path, capsys):
    data = tmp_path / "data"
    _run(["ingest", "--data-dir", str(data), str(SAMPLES)], capsys)
    code, out, _ = _run(["files", "--data-dir", str(data), "--json"], capsys)
    listing = json.loads(out)
    assert code == 0 and len(listing) == 3 and listing[0]["organisation"] == "清河县卫健委"
    name = listing[0]["source"]
    code, out, _ = _run(["remove", "--data-dir", str(data), name], capsys)
    assert code == 0 and name in out
    code, _, err = _run(["remove", "--data-dir", str(data), name], capsys)
    assert code == 2 and "错误" in err and "Traceback" not in err
    code, out, _ = _run(["config", "--data-dir", str(data)], capsys)
    assert json.loads(out)["data_dir"]["value"] == str(data)


def test_missing_data_dir_is_a_clear_message(tmp_path, capsys):
    code, _, err = _run(["files", "--data-dir", str(tmp_path / "nowhere")], capsys)
    assert code == 2 and "report-assistant ingest" in err


def test_help_imports_nothing_heavy():
    probe = ("import sys\nfrom assistant.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = [m for m in ('torch', 'chromadb', 'gradio', 'sentence_transformers', 'langchain_core', "
             "'pydantic', 'tiktoken', 'docx', 'pypdf') if m in sys.modules]\n"
             "print('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "ingest" in out and "HEAVY []" in out


@pytest.mark.skipif(shutil.which("report-assistant") is None and not (Path(sys.executable).parent / "report-assistant").exists(),
                    reason="console script not installed (pip install -e .)")
def test_console_script_runs(tmp_path):
    script = shutil.which("report-assistant") or str(Path(sys.executable).parent / "report-assistant")
    result = subprocess.run([script, "ingest", "--data-dir", str(tmp_path / "d"), str(SAMPLES), "--json"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert json.loads(result.stdout)["totals"]["ingested"] == 3
    assert result.stderr.count("提示") <= 1        # at most the one offline notice
