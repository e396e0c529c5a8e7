"""Write a draft as a Word file in the 公文 layout of GB/T 9704-2012. The only module that imports python-docx.

A4, margins 37/35/28/26 mm, a 22 × 28 document grid; title 方正小标宋简体 二号, body 仿宋_GB2312 三号,
一级标题 黑体, 二级标题 楷体_GB2312; page numbers "— 1 —" at the foot. Headings are literal text (their
numbering is part of the heading), never Word automatic numbering, so the file re-ingests to the same
section paths. Citations become real Word footnotes: python-docx has no footnote API, so the footnotes
part is built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, Pt

from assistant.draft_model import Draft, DraftParagraph

# --- the layout, in numbers ----------------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
FOOTER_DISTANCE = Mm(21)        # puts the page number about 7 mm under the text block
CHARS_PER_LINE = 28            # and 22 lines per page (LINE_PITCH_TWIPS)
LINE_PITCH_TWIPS = 579          # 28.95 pt: 22 lines fill the 225 mm text height
LINE_PITCH = Pt(LINE_PITCH_TWIPS / 20)
SANHAO, ERHAO, SIHAO, XIAOWU = Pt(16), Pt(22), Pt(14), Pt(9)
INDENT_CHARS = 2

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
LEVEL1_FONT = "黑体"
LEVEL2_FONT = "楷体_GB2312"
NOTE_FONT = "宋体"

# pPr children that must follow the ones this module adds (ECMA-376 order of CT_PPr)
_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_DOC_GRID = ("w:printerSettings", "w:sectPrChange")
_AFTER_FOOTNOTE_PR = ("w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
                      "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
                      "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
                      "w:smartTagType", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
                      "w:listSeparator")


@dataclass(frozen=True, slots=True)
class StyleSpec:
    style_id: str               # ASCII, so Word and WPS alike resolve it
    name: str                   # what the user sees in the style gallery
    font: str
    size: Length
    align: WD_ALIGN_PARAGRAPH
    indent_chars: int = 0
    outline_level: int | None = None
    on_grid: bool = True        # False: footnotes and the footer keep their own, tighter line height


TITLE = StyleSpec("GongwenTitle", "公文标题", TITLE_FONT, ERHAO, WD_ALIGN_PARAGRAPH.CENTER)
LABEL = StyleSpec("GongwenDraftLabel", "初稿标注", LEVEL2_FONT, SANHAO, WD_ALIGN_PARAGRAPH.CENTER)
BODY = StyleSpec("GongwenBody", "公文正文", BODY_FONT, SANHAO, WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT_CHARS)
LEVEL1 = StyleSpec("GongwenHeading1", "一级标题", LEVEL1_FONT, SANHAO, WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT_CHARS, 0)
LEVEL2 = StyleSpec("GongwenHeading2", "二级标题", LEVEL2_FONT, SANHAO, WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT_CHARS, 1)
PAGE_NUMBER = StyleSpec("GongwenPageNumber", "页码", NOTE_FONT, SIHAO, WD_ALIGN_PARAGRAPH.CENTER, on_grid=False)
NOTE_TEXT = StyleSpec("GongwenFootnoteText", "脚注文本", NOTE_FONT, XIAOWU, WD_ALIGN_PARAGRAPH.JUSTIFY, on_grid=False)
NOTE_REFERENCE = "GongwenFootnoteReference"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # control characters XML cannot hold


def char_space() -> int:
    """w:charSpace that fits 28 三号 characters on the text width: the extra pitch per character,
    in 1/4096 pt, relative to the 16 pt default size (negative: the characters sit a little closer)."""
    text_width_pt = (PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / 12700
    return round((text_width_pt / CHARS_PER_LINE - SANHAO.pt) * 4096)


def write_docx(draft: Draft, path: Path, *, clean: bool = False) -> None:
    """Write `draft` to `path` as .docx; `clean` leaves out the draft label and the footnotes."""
    document = Document()
    _set_up_page(document.sections[0])
    _define_styles(document)
    _set_properties(document, draft)
    document.add_paragraph(_xml_text(draft.title), style=TITLE.name)
    if not clean and draft.label.strip():
        document.add_paragraph(_xml_text(draft.label), style=LABEL.name)
    document.paragraphs[-1].paragraph_format.space_after = LINE_PITCH    # a blank line under the title
    notes: list[str] = []
    for section in draft.sections:
        if section.heading.strip():
            document.add_paragraph(_xml_text(section.heading), style=(LEVEL1 if section.level <= 1 else LEVEL2).name)
        for paragraph in section.paragraphs:
            if paragraph.text.strip():
                _add_body_paragraph(document, paragraph, notes, clean=clean)
    if notes:
        _add_footnotes_part(document, notes)
    _add_page_numbers(document)
    document.save(str(path))


def _add_body_paragraph(document, paragraph: DraftParagraph, notes: list[str], *, clean: bool) -> None:
    p = document.add_paragraph(_xml_text(paragraph.text.strip()), style=BODY.name)
    if clean:
        return
    for citation in paragraph.citations:
        notes.append(citation.label)
        p._p.append(parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{NOTE_REFERENCE}"/><w:vertAlign w:val="superscript"/>'
            f'</w:rPr><w:footnoteReference w:id="{len(notes)}"/></w:r>'))


# --- page ----------------------------------------------------------------------------------------

def _set_up_page(section) -> None:
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.footer_distance = FOOTER_DISTANCE
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = sect_pr.insert_element_before(OxmlElement("w:docGrid"), *_AFTER_DOC_GRID)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(char_space()))


def _add_page_numbers(document) -> None:
    """"— 1 —" at the foot, as GB/T 9704 places it: odd pages on the right, even pages on the left, one
    character in from the edge (odd and even footers)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, alignment, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
                                    (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.style = PAGE_NUMBER.name
        p.alignment = alignment
        setattr(p.paragraph_format, side, SIHAO)           # one character of 四号
        p.add_run("— ")
        p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
        p.add_run(" —")


def _set_properties(document, draft: Draft) -> None:
    props = document.core_properties
    props.title = draft.title
    props.author = props.last_modified_by = draft.organisation or ""
    props.comments = ""


# --- styles --------------------------------------------------------------------------------------

def _define_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal.font, BODY_FONT, SANHAO)        # the grid's character pitch is relative to this size
    for spec in (TITLE, LABEL, BODY, LEVEL1, LEVEL2, PAGE_NUMBER, NOTE_TEXT):
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.styleId = spec.style_id
        style.base_style = normal
        style.quick_style = spec.on_grid           # in the style gallery: the styles a writer applies
        _set_font(style.font, spec.font, spec.size)
        style.font.bold = False
        fmt = style.paragraph_format
        fmt.alignment = spec.align
        fmt.space_before = fmt.space_after = Pt(0)
        ppr = style.element.get_or_add_pPr()
        if spec.on_grid:
            fmt.line_spacing = LINE_PITCH
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            ppr.insert_element_before(snap, *_AFTER_SNAP)
        if spec.indent_chars:
            fmt.first_line_indent = Pt(spec.size.pt * spec.indent_chars)
            ppr.get_or_add_ind().set(qn("w:firstLineChars"), str(spec.indent_chars * 100))
        if spec.outline_level is not None:
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), str(spec.outline_level))
            ppr.insert_element_before(level, *_AFTER_OUTLINE)
    reference = styles.add_style("脚注引用", WD_STYLE_TYPE.CHARACTER)
    reference.element.styleId = NOTE_REFERENCE
    reference.font.superscript = True


def _set_font(font, name: str, size: Length) -> None:
    """python-docx's `font.name` sets the Latin slots only; Chinese text reads w:eastAsia."""
    font.name = name
    font.size = size
    rfonts = font.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), name)
    for theme_slot in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme_slot), None)


# --- footnotes -----------------------------------------------------------------------------------

def _add_footnotes_part(document, notes: list[str]) -> None:
    """word/footnotes.xml: the two separators Word expects, then one footnote per citation, ids 1..n
    in the order of their references."""
    separators = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')
    footnotes = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:pPr><w:pStyle w:val="{NOTE_TEXT.style_id}"/></w:pPr>'
        f'<w:r><w:rPr><w:rStyle w:val="{NOTE_REFERENCE}"/><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {escape(_xml_text(_one_line(text)))}</w:t></w:r></w:p></w:footnote>'
        for n, text in enumerate(notes, start=1))
    xml = f'<w:footnotes {nsdecls("w", "r")}>{separators}{footnotes}</w:footnotes>'
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(xml.encode("utf-8")),
                   document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    settings = document.settings.element       # Word's own files name the separators here too
    if settings.find(qn("w:footnotePr")) is None:
        settings.insert_element_before(parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'),
            *_AFTER_FOOTNOTE_PR)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)
