"""A small SVG writer: elements in order, attributes escaped, numbers printed the same way every time."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

Attr = str | int | float


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (`12`, `12.5`, `-0.25`)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(attrs: dict[str, Attr]) -> str:
    out = []
    for key, value in attrs.items():
        name = key.rstrip("_").replace("_", "-")  # class_ -> class, stroke_width -> stroke-width
        text = num(value) if isinstance(value, float) else str(value)
        out.append(f" {name}={quoteattr(text)}")
    return "".join(out)


class Svg:
    """One SVG document built element by element; `group()`/`end()` nest, `render()` gives the text."""

    def __init__(self, width: int, height: int, *, title: str = "") -> None:
        self.width, self.height = width, height
        self._lines: list[str] = []
        self._depth = 1
        if title:
            self.element("title", title)

    def element(self, tag: str, text: str | None = None, **attrs: Attr) -> None:
        pad = "  " * self._depth
        if text is None:
            self._lines.append(f"{pad}<{tag}{_attrs(attrs)}/>")
        else:
            self._lines.append(f"{pad}<{tag}{_attrs(attrs)}>{escape(text)}</{tag}>")

    def titled(self, tag: str, title: str, **attrs: Attr) -> None:
        """An element with a `<title>` child (shown as a tooltip by browsers)."""
        pad = "  " * self._depth
        self._lines.append(f"{pad}<{tag}{_attrs(attrs)}><title>{escape(title)}</title></{tag}>")

    def group(self, **attrs: Attr) -> None:
        self._lines.append(f"{'  ' * self._depth}<g{_attrs(attrs)}>")
        self._depth += 1

    def end(self) -> None:
        self._depth -= 1
        self._lines.append(f"{'  ' * self._depth}</g>")

    def render(self) -> str:
        if self._depth != 1:
            raise ValueError("unbalanced group(): every group() needs its end()")
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" font-family="sans-serif" font-size="12">'
        )
        return "\n".join([head, *self._lines, "</svg>"]) + "\n"
