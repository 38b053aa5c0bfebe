"""The installable app's icons, drawn from the favicon's shapes (static/img/favicon.svg: two
overlapping circles) in the sizes browsers and phones ask for. Run
`python -m lib.app_icons` after changing the mark; the PNGs are committed under
static/img/icons/ and served as any static file."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BACKGROUND = (251, 248, 243, 255)  # --bg
TEAL = (13, 97, 87, 255)  # --primary
ORANGE = (224, 145, 95, int(255 * 0.85))
# (file name, size in pixels, maskable): 192 and 512 are what Chromium's install checks
# want, the maskable one keeps the mark inside the safe circle (80 % of the width), 180 is
# the Apple touch icon.
ICONS = (
    ("icon-192.png", 192, False),
    ("icon-512.png", 512, False),
    ("icon-maskable-512.png", 512, True),
    ("apple-touch-icon.png", 180, False),
)
SUPERSAMPLE = 4  # drawn larger and scaled down: smooth edges without an SVG renderer


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), BACKGROUND)
    # The favicon's geometry, on a 32-unit square: circles of radius 9.5 at x 12 and 20.
    scale = big / 32 * (0.62 if maskable else 0.9)
    offset = (big - 32 * scale) / 2

    def circle(cx: float, colour: tuple[int, int, int, int]) -> None:
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        x, y, r = offset + cx * scale, offset + 16 * scale, 9.5 * scale
        ImageDraw.Draw(layer).ellipse((x - r, y - r, x + r, y + r), fill=colour)
        image.alpha_composite(layer)

    circle(12, TEAL)
    circle(20, ORANGE)
    return image.resize((size, size), Image.Resampling.LANCZOS).convert("RGB")


def write_icons(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, size, maskable in ICONS:
        path = folder / name
        draw_icon(size, maskable=maskable).save(path, optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_icons(Path(__file__).resolve().parent.parent / "static" / "img" / "icons"):
        print(path)
