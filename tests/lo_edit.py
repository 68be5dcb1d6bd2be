"""Edit a workbook the way a user would in LibreOffice: a Basic macro opens it, makes
one change (set a cell, write a formula, insert a row, rename or hide a sheet),
recalculates everything and saves it as .xlsx. Used to show that a model edited and
recalculated in a real spreadsheet program is judged as such by `finmodel audit`.

The macro runs in a throw-away profile; LibreOffice writes its own Standard library
into a new profile on first start, so the profile is started once before the macro
is put in place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
  <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# Edit(src, dst, action): action is "set|Sheet|B4|2e9", "formula|Sheet|H3|=1+1",
# "text|Sheet|F5|a note", "comment|Sheet|B6|a comment", "addsheet|Name",
# "insertrow|Sheet|9" (0-based row index), "rename|Old|New" or "hide|Sheet"; several
# actions joined by "~" are made in order, in one session.
MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub Edit(src As String, dst As String, action As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), &quot;_blank&quot;, 0, args())
  For Each one In Split(action, &quot;~&quot;)
  parts = Split(one, &quot;|&quot;)
  If parts(0) = &quot;set&quot; Then
    doc.Sheets.getByName(parts(1)).getCellRangeByName(parts(2)).setValue(CDbl(parts(3)))
  ElseIf parts(0) = &quot;formula&quot; Then
    doc.Sheets.getByName(parts(1)).getCellRangeByName(parts(2)).setFormula(parts(3))
  ElseIf parts(0) = &quot;text&quot; Then
    doc.Sheets.getByName(parts(1)).getCellRangeByName(parts(2)).setString(parts(3))
  ElseIf parts(0) = &quot;comment&quot; Then
    cell = doc.Sheets.getByName(parts(1)).getCellRangeByName(parts(2))
    doc.Sheets.getByName(parts(1)).Annotations.insertNew(cell.CellAddress, parts(3))
  ElseIf parts(0) = &quot;addsheet&quot; Then
    doc.Sheets.insertNewByName(parts(1), doc.Sheets.Count)
  ElseIf parts(0) = &quot;insertrow&quot; Then
    doc.Sheets.getByName(parts(1)).Rows.insertByIndex(CLng(parts(2)), 1)
  ElseIf parts(0) = &quot;rename&quot; Then
    doc.Sheets.getByName(parts(1)).setName(parts(2))
  ElseIf parts(0) = &quot;hide&quot; Then
    doc.Sheets.getByName(parts(1)).IsVisible = False
  End If
  Next one
  doc.calculateAll()
  Dim out(0) As New com.sun.star.beans.PropertyValue
  out(0).Name = &quot;FilterName&quot;
  out(0).Value = &quot;Calc MS Excel 2007 XML&quot;
  doc.storeToURL(ConvertToURL(dst), out())
  doc.close(True)
End Sub
</script:module>
"""


def edit_in_libreoffice(src: Path, dst: Path, action: str, timeout: float = 240) -> Path:
    """Open ``src`` in LibreOffice, apply ``action``, recalculate, save to ``dst``."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is not installed"
    profile = Path(tempfile.mkdtemp(prefix="lo-edit-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(REGISTRY)
        env = {**os.environ, "HOME": str(profile)}
        base = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                "--nologo", "--nolockcheck"]
        subprocess.run([*base, "--terminate_after_init"], env=env, timeout=timeout,
                       capture_output=True, check=False)
        (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(MODULE)
        dst.unlink(missing_ok=True)
        call = f'macro:///Standard.Module1.Edit("{src.resolve()}","{dst.resolve()}","{action}")'
        r = subprocess.run([*base, call], env=env, timeout=timeout, capture_output=True,
                           text=True, check=False)
        assert dst.is_file(), f"LibreOffice did not write {dst}: {r.stdout} {r.stderr}"
        return dst
    finally:
        shutil.rmtree(profile, ignore_errors=True)
