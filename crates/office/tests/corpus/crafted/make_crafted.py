#!/usr/bin/env python3
"""Writes the small hand-made workbooks of this folder (issue 12, finding 5).

Each is a three-column roster (姓名, 工号, 部门) whose one data row is 张三, T001 and a
department; what Excel shows in the department cell is in the test that reads the file
(crates/office/tests/real_corpus.rs). Run with python3 from this folder; the output is
deterministic (fixed zip timestamps)."""

import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def content_types(shared):
    sst = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
           'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>') if shared else ""
    return (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' + sst + '</Types>')


ROOT_RELS = (DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def workbook_rels(shared):
    sst = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/sharedStrings" Target="sharedStrings.xml"/>') if shared else ""
    return (DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/>' + sst + '</Relationships>')


def workbook(prefix=""):
    p = prefix + ":" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (DECL + f'<{p}workbook {ns} xmlns:r="{REL}"><{p}sheets>'
            f'<{p}sheet name="名册" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>')


def sheet(rows, prefix="", decl=DECL):
    p = prefix + ":" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    body = "".join(f'<{p}row r="{i + 1}">{cells}</{p}row>' for i, cells in enumerate(rows))
    return decl + f'<{p}worksheet {ns}><{p}sheetData>{body}</{p}sheetData></{p}worksheet>'


def sst(items, prefix=""):
    p = prefix + ":" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return DECL + f'<{p}sst {ns} count="{len(items)}" uniqueCount="{len(items)}">{"".join(items)}</{p}sst>'


def s(ref, index, p=""):
    return f'<{p}c r="{ref}" t="s"><{p}v>{index}</{p}v></{p}c>'


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write(name, sheet_xml, shared=None, prefix="", sheet_bytes=None):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        def add(path, data):
            info = zipfile.ZipInfo(path, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
        add("[Content_Types].xml", content_types(shared is not None))
        add("_rels/.rels", ROOT_RELS)
        add("xl/workbook.xml", workbook(prefix))
        add("xl/_rels/workbook.xml.rels", workbook_rels(shared is not None))
        add("xl/worksheets/sheet1.xml", sheet_bytes if sheet_bytes is not None else sheet_xml)
        if shared is not None:
            add("xl/sharedStrings.xml", shared)


HEAD = [s("A1", 0), s("B1", 1), s("C1", 2)]
STRINGS = ["<si><t>姓名</t></si>", "<si><t>工号</t></si>", "<si><t>部门</t></si>",
           "<si><t>张三</t></si>", "<si><t>T001</t></si>"]

# 1. An empty shared-string value: Excel shows an empty cell (calamine 0.31 gave string 0, 姓名).
write("empty-shared-string-value.xlsx",
      sheet(["".join(HEAD), s("A2", 3) + s("B2", 4) + '<c r="C2" t="s"><v/></c>']),
      sst(STRINGS))

# 2. An empty <si/> before the department: later strings keep their index (教务处 is 6).
write("empty-si.xlsx",
      sheet(["".join(HEAD), s("A2", 3) + s("B2", 4) + s("C2", 6) + s("D2", 5)]),
      sst(STRINGS + ["<si/>", "<si><t>教务处</t></si>"]))

# 3. Rich text after a plain run: Excel shows 教务处 (the plain 教 then the run 务处).
write("rich-text-after-plain.xlsx",
      sheet(["".join(HEAD), s("A2", 3) + s("B2", 4) + s("C2", 5)]),
      sst(STRINGS + ['<si><t>教</t><r><rPr><b/></rPr><t>务处</t></r></si>']))

# 4. CDATA in an inline string: Excel shows 研发&测试<一>.
write("inline-cdata.xlsx",
      sheet([inline("A1", "姓名") + inline("B1", "工号") + inline("C1", "部门"),
             inline("A2", "张三") + inline("B2", "T001") + inline("C2", "<![CDATA[研发&测试<一>]]>")]))

# 5. A workbook of inline strings only, without sharedStrings.xml: Excel shows 教务处.
write("inline-strings-only.xlsx",
      sheet([inline("A1", "姓名") + inline("B1", "工号") + inline("C1", "部门"),
             inline("A2", "张三") + inline("B2", "T001") + inline("C2", "教务处")]))

# 6. Every element with the x: prefix (as some .NET writers do): Excel shows 教务处.
X = "x:"
write("namespace-prefix-x.xlsx",
      sheet(["".join(s(r, i, X) for r, i in [("A1", 0), ("B1", 1), ("C1", 2)]),
             "".join(s(r, i, X) for r, i in [("A2", 3), ("B2", 4), ("C2", 5)])], prefix="x"),
      sst([f"<x:si><x:t>{t}</x:t></x:si>" for t in ["姓名", "工号", "部门", "张三", "T001", "教务处"]], "x"),
      prefix="x")

# 7. A worksheet declared and encoded as GBK: Excel shows 教务处.
gbk = sheet([inline("A1", "姓名") + inline("B1", "工号") + inline("C1", "部门"),
             inline("A2", "张三") + inline("B2", "T001") + inline("C2", "教务处")],
            decl='<?xml version="1.0" encoding="GBK" standalone="yes"?>\n').encode("gbk")
write("gbk-declared-sheet.xlsx", None, sheet_bytes=gbk)
