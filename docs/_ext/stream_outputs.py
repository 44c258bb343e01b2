"""Show a progress bar's final state on the site, not one line per update.

The kernel sends a text progress bar (vae_tutorial.progress: tqdm as plain text on stdout) as
many stream chunks, each starting with a carriage return that overwrites the previous state in
Jupyter. MyST-NB's
`nb_merge_streams` joins the chunks with a newline between them, so every update became its own
line. Here consecutive chunks of the same stream are first joined as they are (what a terminal
or Jupyter does), then MyST-NB's merge applies the carriage returns as usual.
"""

from myst_nb.core import render


def join_stream_chunks(outputs):
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            previous["text"] += output["text"]
        else:
            joined.append(type(output)(output) if output.get("output_type") == "stream" else output)
    return joined


def setup(app):
    merge = render.coalesce_streams
    if not getattr(merge, "joins_chunks", False):
        def coalesce_streams(outputs):
            return merge(join_stream_chunks(outputs or []))

        coalesce_streams.joins_chunks = True
        render.coalesce_streams = coalesce_streams
    return {"parallel_read_safe": True, "parallel_write_safe": True}
