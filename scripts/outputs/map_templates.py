"""Map settings and words → a map page as folium draws it, with placeholders that scripts/outputs/maps.py stamps.

Everything a page shows comes in as arguments: the words and settings are scripts/outputs/maps.py's.
"""

from __future__ import annotations

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template


class MapPage(Figure):
    """branca's Figure with lang="vi", a UTF-8 meta, the script inside <body>, and the map in a ``main``
    landmark under an ``h1`` (visually hidden: the map fills the page), so a map opened on its own is a whole page."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="vi">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        # No favicon request when a map is opened on its own.
        '<link rel="icon" href="data:,">\n'
        "<title>{{ this.title }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        "</head>\n"
        "<body>\n"
        "<main>\n"
        '<h1 class="ban-do-title">{{ this.title }}</h1>\n'
        "{{ this.html.render(**kwargs) }}\n"
        "</main>\n"
        "<script>\n"
        "{{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</body>\n"
        "</html>\n"
    )

    def __init__(self, title: str):
        super().__init__(title=title)
        # Figure adds an http-equiv charset meta; <meta charset> above says the same, once.
        del self.header._children["meta_http"]


class LeafletMap(folium.Map):
    """folium's Map without its viewport lock (user-scalable=no) and global switches."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="folium-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {
            center: {{ this.location|tojson }},
            crs: L.CRS.{{ this.crs }},
            ...{{ this.options|tojavascript }}
        });
        {% endmacro %}
        """
    )


class CommuneLayer(JSCSSMixin, MacroElement):
    """Hands the folium map to ban-do.js, which draws the communes from the shared files."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <noscript><p class="ban-do-noscript">{{ this.noscript }}</p></noscript>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        BanDo.{{ this.kind }}({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, config: dict, static: str, noscript: str):
        super().__init__()
        self._name = "CommuneLayer"
        self.kind = kind
        self.config = config
        self.noscript = noscript
        self.default_js = [
            ("topojson_client", f"{static}/vendor/topojson-client/topojson-client.min.js"),
            ("ban_do", "ban-do.js"),
        ]
        self.default_css = [("ban_do_css", "ban-do.css")]


def walk(element: Element):
    yield element
    if isinstance(element, Figure):
        for part in (element.header, element.html, element.script):
            yield from walk(part)
    for child in element._children.values():
        yield from walk(child)


def stable_ids(root: Figure) -> None:
    """branca draws element ids from os.urandom; number them in tree order so builds are byte-identical."""
    for index, element in enumerate(walk(root)):
        element._id = str(index)


def render_template(kind: str, config: dict, center: list[float], static: str, tiles_url: str | None, attribution: str, noscript: str, placeholders: list[str]) -> str:
    """Render one map page with folium, its title the first of ``placeholders``, each of which must come
    through untouched. ``config`` goes to ban-do.js as it is; no tile layer when ``tiles_url`` is empty."""
    page = MapPage(title=placeholders[0])
    leaflet = LeafletMap(location=center, zoom_start=8, tiles=None, scroll_wheel_zoom=False, zoom_snap=0.25)
    leaflet.default_js = [("leaflet", f"{static}/vendor/leaflet/leaflet.js")]
    leaflet.default_css = [("leaflet_css", f"{static}/vendor/leaflet/leaflet.css")]
    page.add_child(leaflet)
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=attribution, max_zoom=18).add_to(leaflet)
    leaflet.add_child(CommuneLayer(kind, config, static, noscript))
    stable_ids(page)
    html = page.render()
    for token in placeholders:
        if token not in html:
            raise RuntimeError(f"map template lost its placeholder {token}")
    return html
