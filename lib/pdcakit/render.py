"""Render an executed notebook as a self-contained HTML page for reviewers.

Code is hidden (nbconvert's ``exclude_input``), cells tagged with Jupyter
Book's ``remove-cell`` / ``remove-input`` / ``remove-output`` are removed,
and figures are embedded as base64 PNG, so the page opens from the file
system with no server and no internet: the ``reviewer`` template
(``html/reviewer``) is JupyterLab's ``lab`` template without the scripts it
would load from a CDN.

>>> callable(notebook_to_html)
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .fileio import atomic_write_text

if TYPE_CHECKING:
    import nbformat

__all__ = ["notebook_to_html"]


def notebook_to_html(
    notebook: str | os.PathLike[str] | nbformat.NotebookNode,
    html_path: str | os.PathLike[str],
    *,
    title: str | None = None,
) -> Path:
    """Write ``notebook`` (a path or a NotebookNode) as reviewer HTML to ``html_path``."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(
        os.fspath(notebook), as_version=4
    )
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "parameters",
                                                     "injected-parameters"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input", "hide-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="reviewer",
                            extra_template_basedirs=[str(Path(__file__).parent / "html")])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    resources = {"metadata": {"name": title or nb.metadata.get("title") or "PDCA report"}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target = Path(html_path)
    atomic_write_text(target, body)
    return target
