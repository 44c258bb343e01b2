"""Jupyter server settings of `make lab` (passed with --config; your own Jupyter settings are
not touched). Two things, both on the server side:

- Opening: a notebook that names no kernel (ours carry no kernel metadata:
  notebooks/jupytext.toml drops it) is given this environment's Python kernel, so JupyterLab
  starts it at once instead of asking "Select Kernel".
- Saving writes the .py (Jupytext, notebooks/jupytext.toml) and its paired .ipynb, the .ipynb
  without outputs, execution counts or kernel metadata (the pre-save hook,
  tools/notebook_checks.py's strip_notebook): the pair stays in sync and passes the
  repository's checks, so `git status` shows only the cells you edited. The outputs stay on
  screen until you close the notebook. The hook is registered by the contents manager itself
  (`register_pre_save_hook`), not through the `pre_save_hook` setting: Jupyter Server applies
  that setting again as its extensions load, and then warns "Overriding existing
  pre_save_hook (lab_pre_save_hook) with a new one (lab_pre_save_hook)".
- Kernels: their messages are encrypted (CurveZMQ keys provisioned by the kernel manager, as
  the kernel spec declares it supports), so the kernel does not log "Kernel is running over
  TCP without encryption" when it starts.
"""

import sys
from pathlib import Path

import zmq
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class
from jupytext.kernels import kernelspec_from_language

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_checks import lab_pre_save_hook  # noqa: E402


class TutorialContentsManager(build_async_jupytext_contents_manager_class(AsyncLargeFileManager)):
    """Jupytext's contents manager; a notebook without a kernelspec gets this Python's, and a
    cell whose outputs were collapsed in the file stays so when saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_pre_save_hook(lab_pre_save_hook)

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content") is not None:
            metadata = model["content"]["metadata"]
            if "kernelspec" not in metadata:
                metadata["kernelspec"] = kernelspec_from_language("python")
        return model

    async def save(self, model, path=""):
        """JupyterLab shows a cell's outputs whenever it runs the cell (it drops
        `jupyter.outputs_hidden`); keep them collapsed in the saved files where the files
        on disk had them collapsed (the set-up cell), so that running and saving changes
        nothing the reader did not edit."""
        if model.get("type") == "notebook" and model.get("content") is not None \
                and await self.file_exists(path):
            on_disk = (await self.get(path, content=True, type="notebook"))["content"]
            hidden = {cell.get("id") for cell in on_disk["cells"]
                      if cell["metadata"].get("jupyter", {}).get("outputs_hidden")}
            for cell in model["content"]["cells"]:
                if cell.get("id") in hidden:
                    jupyter = {**cell["metadata"].get("jupyter", {}), "outputs_hidden": True}
                    cell["metadata"]["jupyter"] = dict(sorted(jupyter.items()))
        return await super().save(model, path)


c = get_config()  # noqa: F821  (defined by Jupyter's config loader)
c.ServerApp.contents_manager_class = TutorialContentsManager
if zmq.has("curve"):
    c.KernelManager.transport_encryption = "auto"
