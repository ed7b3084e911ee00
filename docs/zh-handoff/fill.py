"""Fill the zh-CN catalogue's empty entries from a dict of translations.

Usage (from the workbook root, after applying a patch): ``.venv/bin/python
docs/zh-handoff/fill.py docs/zh-handoff/translations.py``. Runs the same extract and
update as ``make catalogues``, fills each empty entry named in the file's ``T``, and
prints the msgids still empty.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys

from babel.messages.pofile import read_po, write_po

CATALOGUES = "lib/pdcakit/words/locale"


def main(path: str) -> None:
    spec = importlib.util.spec_from_file_location("translations", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    subprocess.run([".venv/bin/pybabel", "extract", "-F", "lib/pdcakit/words/babel.cfg",
                    "-k", "N_", "-k", "ngettext:1,2", "--no-location", "--sort-output",
                    "--project", "pdca-workbook", "-o", f"{CATALOGUES}/pdcakit.pot",
                    "lib/pdcakit", "notebooks"], check=True, capture_output=True)
    subprocess.run([".venv/bin/pybabel", "update", "-D", "pdcakit", "-i",
                    f"{CATALOGUES}/pdcakit.pot", "-d", CATALOGUES, "-l", "zh_CN",
                    "--no-fuzzy-matching", "--ignore-obsolete"], check=True,
                   capture_output=True)
    po = f"{CATALOGUES}/zh_CN/LC_MESSAGES/pdcakit.po"
    with open(po, "rb") as handle:
        catalogue = read_po(handle, locale="zh_CN")
    for message in catalogue:
        if message.id in module.T and not message.string:
            message.string = module.T[message.id]
    out = io.BytesIO()
    write_po(out, catalogue, ignore_obsolete=True, width=76)
    with open(po, "wb") as handle:
        handle.write(out.getvalue())
    print("empty:", [m.id for m in catalogue if m.id and not m.string])


if __name__ == "__main__":
    main(sys.argv[1])
