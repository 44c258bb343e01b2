"""Serve badge images from the site instead of their original host.

Each notebook's first cell shows the "Open in Colab" badge, an image on colab.research.google.com.
On the site, this transform points that image at a local copy (the `local_badges` config value
maps remote URI -> path under docs/, leading "/" = the docs folder); the badge's link still
goes to Colab. It runs while a page is read, before Sphinx collects images, so the local SVG
is copied into the build like any other image.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform


class LocalBadges(SphinxTransform):
    default_priority = 400

    def apply(self, **kwargs):
        mapping = self.config.local_badges
        for image in self.document.findall(nodes.image):
            local = mapping.get(image.get("uri", ""))
            if local:
                image["uri"] = local


def setup(app):
    app.add_config_value("local_badges", {}, "env", types=frozenset({dict}))
    app.add_transform(LocalBadges)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
