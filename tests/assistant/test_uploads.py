"""Uploaded files kept under the data directory: allowed types, a size limit, names that cannot escape."""

from assistant.uploads import keep_uploads, safe_name


def test_names_cannot_leave_the_uploads_folder():
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\\\windows\\\\报告.docx") == "报告.docx"
    assert safe_name("a\x00b:c?.md") == "a_b_c_.md"
    assert safe_name("..") == "未命名"


def test_types_sizes_and_clashing_names(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    good, big, exe = src / "报告.txt", src / "大.txt", src / "x.exe"
    good.write_text("2023年工作总结", encoding="utf-8")
    big.write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    exe.write_bytes(b"MZ")
    data = tmp_path / "data"
    kept = keep_uploads([good, big, exe, good], data, max_mb=2, names=["../报告.txt", "大.txt", "x.exe", "报告.txt"])
    assert kept[0].path == data / "uploads" / "报告.txt" and kept[0].error is None
    assert kept[1].path is None and "文件太大" in kept[1].error and "上限为 2 MB" in kept[1].error
    assert kept[2].path is None and "不支持的文件类型" in kept[2].error
    assert kept[3].path == data / "uploads" / "报告（2）.txt"
    assert sorted(p.name for p in (data / "uploads").iterdir()) == ["报告.txt", "报告（2）.txt"]
