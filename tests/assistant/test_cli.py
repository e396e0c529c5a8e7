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
    assert (listing[0]["place"], listing[0]["origins"]["organisation"], listing[0]["origins"]["years"]) == \
        ("清河县", "signoff", "title")
    code, out, _ = _run(["files", "--data-dir", str(data)], capsys)
    assert "年份:2022（标题）" in out and "清河县卫健委（落款）" in out
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


@pytest.fixture
def sample_data(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["ingest", "--data-dir", str(data), str(SAMPLES)]) == 0
    capsys.readouterr()
    return data


def test_search_json_shape(sample_data, capsys):
    code, out, err = _run(["search", "--data-dir", str(sample_data), "2022年婚检率", "--k", "2", "--json"], capsys)
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"query", "filters", "notes", "hits"}
    assert result["filters"]["year"] == 2022
    hit = result["hits"][0]
    assert {"rank", "source", "section_path", "year", "text", "score"} <= set(hit)
    assert hit["source"] == "清河县卫健委2022年工作总结和2023年工作计划.txt" and "91.25%" in hit["text"]
    assert hit["section_path"][0] == "一、2022年工作完成情况"
    assert err.count("提示") <= 1                        # offline fallbacks: one notice


@pytest.mark.parametrize("query, needle", [("", "请输入"), ("，。！", "标点"), ("签" * 5000, "太长")])
def test_search_bad_queries_give_a_message_not_a_traceback(sample_data, capsys, query, needle):
    code, _, err = _run(["search", "--data-dir", str(sample_data), query], capsys)
    assert code == 2 and needle in err and "Traceback" not in err


def test_search_a_year_with_no_reports(sample_data, capsys):
    code, out, _ = _run(["search", "--data-dir", str(sample_data), "婚检率", "--year", "2030"], capsys)
    assert code == 0 and "2030" in out and "不限年份" in out


def test_search_without_data_dir_contents(tmp_path, capsys):
    code, _, err = _run(["search", "--data-dir", str(tmp_path / "none"), "婚检率"], capsys)
    assert code == 2 and "report-assistant ingest" in err


def test_reindex_after_changing_embedder(sample_data, capsys, monkeypatch):
    monkeypatch.setenv("REPORT_ASSISTANT_EMBEDDING__HASHING_DIM", "256")
    code, _, err = _run(["search", "--data-dir", str(sample_data), "婚检率"], capsys)
    assert code == 2 and "reindex" in err and "hashing-ngram-v1-256" in err
    code, out, _ = _run(["reindex", "--data-dir", str(sample_data)], capsys)
    assert code == 0 and "hashing-ngram-v1-256" in out
    code, out, _ = _run(["search", "--data-dir", str(sample_data), "婚检率", "--k", "1"], capsys)
    assert code == 0 and "婚检率" in out


def test_ask_json_shape_and_no_llm(sample_data, capsys):
    code, out, _ = _run(["ask", "--data-dir", str(sample_data), "2023年重点人群签约率是多少", "--json", "--no-llm"], capsys)
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"answer", "found", "mode", "citations", "unverified_numbers", "notes"}
    assert result["mode"] == "extractive" and "79.8%" in result["answer"] and result["unverified_numbers"] == []
    citation = result["citations"][0]
    assert set(citation) == {"n", "source", "section_path", "year", "quote"}
    assert citation["source"] == "清河县卫健委2023年工作总结及2024年工作打算.txt" and citation["year"] == 2023


def test_ask_with_an_unreachable_llm_still_answers(sample_data, capsys, monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("REPORT_ASSISTANT_LLM__BASE_URL", f"http://127.0.0.1:{port}/v1")
    code, out, err = _run(["ask", "--data-dir", str(sample_data), "2022年婚检率"], capsys)
    assert code == 0 and "91.25%" in out and "无法连接" in out and "Traceback" not in out + err


def test_check_finds_and_repairs_a_stale_index(tmp_path, capsys):
    from assistant.settings import load_settings
    from assistant.wiring import open_document_store, open_search_index

    data = tmp_path / "d"
    assert main(["ingest", "--data-dir", str(data), str(SAMPLES), "--json"]) == 0
    settings = load_settings(data_dir=data)
    with open_document_store(settings) as store:
        index, _ = open_search_index(settings)
        victim = sorted(store.chunk_ids())[:3]
        index.lexical.delete(victim)                     # as if a crash lost the last BM25 save
        index.lexical.save()
    code, out, _ = _run(["check", "--data-dir", str(data)], capsys)
    assert code == 1 and "关键词索引缺 3" in out and "check --repair" in out
    code, out, _ = _run(["check", "--data-dir", str(data), "--repair"], capsys)
    assert code == 0 and "已修复" in out
    code, out, _ = _run(["check", "--data-dir", str(data), "--json"], capsys)
    assert code == 0 and json.loads(out)["ok"] is True
