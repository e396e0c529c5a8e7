"""Builders of small real input files for tests: a .docx with Word automatic numbering, PDFs."""

from __future__ import annotations

from pathlib import Path

NUMBERING_XML = """<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:abstractNum w:abstractNumId="0">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def build_numbered_docx(path: Path) -> Path:
    """A report whose headings are Word list items: the numbers live in numbering.xml, not the text.

    Level 0 ("一、") comes from a paragraph style (as Word's 标题 1 does), levels 1-2 from direct numPr.
    """
    from docx import Document
    from docx.oxml import parse_xml
    from docx.enum.style import WD_STYLE_TYPE

    doc = Document()
    doc.part.numbering_part._element = parse_xml(NUMBERING_XML)

    style = doc.styles.add_style("报告一级标题", WD_STYLE_TYPE.PARAGRAPH)
    num_pr = parse_xml('<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                       '<w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
    style.element.get_or_add_pPr().append(num_pr)

    def numbered(text: str, ilvl: int, num_id: int = 1):
        p = doc.add_paragraph(text)
        p_pr = p._p.get_or_add_pPr()
        p_pr.append(parse_xml(
            f'<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
        return p

    doc.add_paragraph("清河县卫健委2023年工作总结和2024年工作计划")
    doc.add_paragraph("2023年，县卫健委扎实推进各项工作，现报告如下。")
    doc.add_paragraph("2023年工作完成情况", style="报告一级标题")
    numbered("疫苗接种工作", 1)
    doc.add_paragraph("截至9月21日，全县已接种201187剂，接种率72.17%。")
    numbered("家庭医生签约", 1)
    numbered("签约重点人群41258人。", 2)
    numbered("履约随访12360人次。", 2)
    numbered("要点提示", 0, num_id=2)  # a bullet: no number to rebuild
    table = doc.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["指标", "2022年", "2023年"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["签约率", "76.4%", "79.8%"]):
        cell.text = text
    doc.add_paragraph("存在问题", style="报告一级标题")
    doc.add_paragraph("基层人才短缺。")
    doc.add_paragraph("2024年工作计划", style="报告一级标题")
    numbered("巩固签约成果", 1)
    doc.add_paragraph("重点人群签约率达到80%。")
    doc.save(path)
    return path


def build_pdf(path: Path, lines: list[str], *, password: str | None = None) -> Path:
    """A text-layer PDF with Chinese text (Adobe's STSong-Light CID font: nothing to download);
    `password`: encrypted, opening needs it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), encrypt=password)
    pdf.setFont("STSong-Light", 11)
    y = 800
    for line in lines:
        pdf.drawString(40, y, line)
        y -= 18
        if y < 60:
            pdf.showPage()
            pdf.setFont("STSong-Light", 11)
            y = 800
    pdf.showPage()
    pdf.save()
    return path


def build_scanned_pdf(path: Path) -> Path:
    """Pages with only graphics, as a scanner produces: no text layer."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for _ in range(2):
        pdf.rect(50, 50, 400, 600, fill=1)
        pdf.showPage()
    pdf.save()
    return path
