"""The app through `gradio_client`, against a server this test starts on loopback."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest


gradio_client = pytest.importorskip("gradio_client")


def test_ask_returns_the_answer_with_its_source(served):
    _, client, _ = served
    text = client.predict("2023年重点人群签约率是多少", None, api_name="/ask")
    assert "79.8%" in text and "出处：" in text and "清河县卫健委2023年工作总结及2024年工作打算" in text


def test_draft_returns_the_json_draft(served):
    _, client, _ = served
    doc = json.loads(client.predict(2024, "清河县", "family_doctor", False, api_name="/draft"))
    assert doc["organisation"] == "清河县卫健委" and doc["sections"][1]["heading"] == "（一）做实家庭医生签约服务"
    assert doc["sections"][1]["paragraphs"][0]["citations"]


def test_fifty_concurrent_questions_all_answered(served):
    """50 people asking at once, each with their own connection (as 50 browsers would have)."""
    import threading

    _, client, _ = served
    local = threading.local()

    def ask(question: str) -> str:
        if not hasattr(local, "client"):
            local.client = gradio_client.Client(client.src, verbose=False)
        return local.client.predict(question, None, api_name="/ask")

    questions = (["2023年重点人群签约率是多少", "2022年疫苗接种剂次", "县医院新院区总投资多少", "2023年存在哪些问题"] * 13)[:50]
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(ask, questions))
    assert len(answers) == 50 and all(a.strip() for a in answers)
    assert all("79.8%" in a for a in answers[::4])


def _rows(table) -> list[list]:
    return table["data"] if isinstance(table, dict) else table


def test_upload_a_gbk_text_and_a_docx_then_ask(served, tmp_path):
    from docx import Document

    _, client, root = served
    gbk = tmp_path / "白云县卫健局2023年工作总结.txt"
    gbk.write_bytes("白云县卫健局2023年工作总结\n一、工作完成情况\n（一）疫苗接种。全年接种疫苗56789剂次。\n".encode("gbk"))
    word = tmp_path / "白云县卫健局2022年工作总结.docx"
    document = Document()
    for line in ("白云县卫健局2022年工作总结", "一、工作完成情况", "（一）家庭医生签约。重点人群签约率71.3%。"):
        document.add_paragraph(line)
    document.save(str(word))
    outcome, reports, _names = client.predict([gradio_client.handle_file(str(gbk)), gradio_client.handle_file(str(word))],
                                              api_name="/ingest")
    statuses = {row[0]: row[1] for row in _rows(outcome)}
    assert statuses == {gbk.name: "已导入", word.name: "已导入"}
    assert {gbk.name, word.name} <= {row[0] for row in _rows(reports)}
    assert sorted(p.name for p in (root / "data" / "uploads").iterdir()) == sorted([gbk.name, word.name])
    assert "56789" in client.predict("白云县2023年疫苗接种剂次", None, api_name="/ask")
    assert "71.3%" in client.predict("白云县2022年重点人群签约率", None, api_name="/ask")


def test_a_file_of_another_type_is_refused_and_not_kept(served, tmp_path):
    """The upload component itself refuses other types (the browser's picker shows only report types)."""
    _, client, root = served
    bad = tmp_path / "工具.exe"
    bad.write_bytes(b"MZ\x90\x00")
    with pytest.raises(Exception, match="Invalid file type"):
        client.predict([gradio_client.handle_file(str(bad))], api_name="/ingest")
    assert not (root / "data" / "uploads" / "工具.exe").exists()


def test_binding_beyond_loopback_without_a_password_is_warned():
    from ui.app import unsafe_binding

    assert unsafe_binding("127.0.0.1", None) is None
    assert unsafe_binding("0.0.0.0", ("a", "b")) is None
    warning = unsafe_binding("0.0.0.0", None)
    assert "0.0.0.0" in warning and "--auth" in warning


def test_eval_runs_a_built_in_set_and_keeps_its_history(served):
    services, client, root = served
    result = client.predict("示例报告 samples", None, ["hybrid", "lexical"], api_name="/eval")
    metrics, chart, missed, history, summary = result
    doc = json.loads(summary)
    assert doc["golden"] == "samples.jsonl" and doc["retrievers"]["hybrid"]["recall@5"] > 0.8
    assert str(chart).endswith(".png")
    assert (root / "data" / "eval_history.jsonl").exists()
    assert any(row[1] == "samples.jsonl" for row in _rows(history))


def test_the_draft_tab_gives_a_word_file_in_the_gongwen_fonts(served):
    from docx import Document
    from docx.oxml.ns import qn

    _, client, _ = served
    preview, sources, files = client.predict(2023, "清河县卫健委", ["家庭医生签约", "妇幼健康"], False,
                                             api_name="/draft_files")
    assert preview.startswith("# 清河县卫健委2023年卫生健康工作计划") and "〔" not in preview
    assert "清河县卫健委2022年工作总结和2023年工作计划" in sources
    paths = [f if isinstance(f, str) else f["path"] for f in files]
    docx = next(p for p in paths if p.endswith(".docx"))
    assert any(p.endswith(".md") for p in paths)
    styles = {s.name: s for s in Document(docx).styles}
    fonts = {name: styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) for name in ("公文标题", "公文正文", "一级标题", "二级标题")}
    assert fonts == {"公文标题": "方正小标宋简体", "公文正文": "仿宋_GB2312", "一级标题": "黑体", "二级标题": "楷体_GB2312"}


def test_uploading_the_shared_reports_then_asking_the_classic_question(served, corpus):
    """As a new user would: upload ../shared/corpus in 资料库, ask “2021 年疫苗接种剂次”. (Last in this file: it
    adds reports to the shared server.)"""
    _, client, _ = served
    files = sorted(corpus.iterdir())
    outcome, _reports, _names = client.predict([gradio_client.handle_file(str(f)) for f in files], api_name="/ingest")
    assert {row[1] for row in _rows(outcome)} == {"已导入"} and len(_rows(outcome)) == len(files)
    text = client.predict("2021 年疫苗接种剂次", None, api_name="/ask")
    assert "201187" in text and "《2017年以来工作总结和未来五年工作谋划》（八公山区卫健委）" in text


def test_with_a_password_nothing_is_served_before_login(served):
    """`serve --auth 用户:密码`: before the login, the page (with Gradio's description of the API) holds nothing of
    the library — no organisation, file name, year or figure; the API refuses; with the login it answers."""
    import httpx

    from ui.app import build_app, launch

    services, _, _ = served
    app = build_app(services)
    url = launch(app, host="127.0.0.1", port=None, auth=("staff", "s3cret"), block=False).rstrip("/")
    try:
        with httpx.Client(timeout=30) as http:
            page = http.get(f"{url}/").text
            assert "auth_required" in page
            assert not any(word in page for word in ("清河县", ".txt", "79.8%", "2024年上半年")), "the login page leaks"
            assert http.post(f"{url}/login", data={"username": "staff", "password": "wrong"}).status_code >= 400
        with pytest.raises(Exception):  # noqa: B017 (the client cannot even read the API without logging in)
            gradio_client.Client(url, verbose=False).predict("2023年重点人群签约率是多少", None, api_name="/ask")
        client = gradio_client.Client(url, auth=("staff", "s3cret"), verbose=False)
        assert "79.8%" in client.predict("2023年重点人群签约率是多少", None, api_name="/ask")
    finally:
        app.close()


def test_the_library_reaches_the_page_when_it_loads(served):
    """What the login page must not hold is filled in on load: filters, report table, delete list, status."""
    from ui.app import build_app

    services, _, _ = served
    app = build_app(services)
    [load] = [f for f in app.fns.values() if any(event == "load" for _, event in f.targets)]
    filled = json.dumps(load.fn(), ensure_ascii=False, default=str)
    assert "清河县卫健委" in filled and "清河县卫健委2024年上半年工作总结.txt" in filled
    assert "2023" in filled and "文本块" in filled                       # the years and the status
