"""Draw the integration's brand images into custom_components/ezviz_open/brand/.

Home Assistant (2026.3 and later) shows a custom integration's own ``brand/``
folder in its UI: ``icon.png`` (256x256) and ``icon@2x.png`` (512x512),
``logo.png`` and ``logo@2x.png`` (landscape, the short side 128 and 256 px),
and ``dark_`` variants of each for dark themes. All are PNGs with a
transparent background, trimmed to the artwork.

The artwork is drawn here from shapes: a camera lens under a cloud arc, and
the words "Open Platform". It copies no EZVIZ trademark artwork.

    python scripts/brand.py            write the images
    python scripts/brand.py --check    exit 1 when an image is missing or off-size
"""

from __future__ import annotations

import argparse
from pathlib import Path
import sys

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).resolve().parent.parent / "custom_components/ezviz_open/brand"
SCALE = 4  # drawn this many times larger, then reduced: smooth edges

#: name -> (size, dark theme); a logo's size is its height (its width follows).
IMAGES: dict[str, tuple[int, bool]] = {
    "icon.png": (256, False),
    "icon@2x.png": (512, False),
    "dark_icon.png": (256, True),
    "dark_icon@2x.png": (512, True),
    "logo.png": (128, False),
    "logo@2x.png": (256, False),
    "dark_logo.png": (128, True),
    "dark_logo@2x.png": (256, True),
}

#: Colours on a light and on a dark background.
PALETTE = {
    False: {
        "body": "#1b3a5c",
        "ring": "#ffffff",
        "lens": "#0b1724",
        "accent": "#2aa8e0",
    },
    True: {
        "body": "#d9e7f5",
        "ring": "#1b3a5c",
        "lens": "#0b1724",
        "accent": "#4cc3f5",
    },
}
TEXT = {False: "#1b3a5c", True: "#e8f1fa"}


def draw_mark(size: int, dark: bool) -> Image.Image:
    """The square mark: a lens in a round body, a cloud arc above it."""
    colours = PALETTE[dark]
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def circle(cx: float, cy: float, r: float, fill: str) -> None:
        draw.ellipse(
            (big * (cx - r), big * (cy - r), big * (cx + r), big * (cy + r)), fill=fill
        )

    # Cloud arc: the cloud the camera talks to.
    width = round(big * 0.06)
    draw.arc(
        (big * 0.06, big * 0.02, big * 0.94, big * 0.90),
        start=205,
        end=335,
        fill=colours["accent"],
        width=width,
    )
    # Body, ring, lens and a highlight.
    circle(0.5, 0.58, 0.36, colours["body"])
    circle(0.5, 0.58, 0.24, colours["ring"])
    circle(0.5, 0.58, 0.17, colours["lens"])
    circle(0.5, 0.58, 0.07, colours["accent"])
    circle(0.44, 0.52, 0.035, "#ffffff")
    return trim(image).resize((size, size), Image.Resampling.LANCZOS)


def trim(image: Image.Image) -> Image.Image:
    """Crop to the drawn pixels, then pad back to a square."""
    box = image.getbbox()
    if box is None:
        return image
    cropped = image.crop(box)
    side = max(cropped.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(cropped, ((side - cropped.width) // 2, (side - cropped.height) // 2))
    return square


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def draw_logo(height: int, dark: bool) -> Image.Image:
    """The mark beside the words "Open Platform", trimmed, ``height`` px high."""
    big = height * SCALE
    mark = draw_mark(big, dark)
    font = _font(round(big * 0.36))
    words = "Open Platform"
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), words, font=font)
    gap = round(big * 0.12)
    image = Image.new("RGBA", (big + gap + (right - left), big), (0, 0, 0, 0))
    image.paste(mark, (0, 0), mark)
    ImageDraw.Draw(image).text(
        (big + gap - left, (big - (bottom - top)) // 2 - top),
        words,
        font=font,
        fill=TEXT[dark],
    )
    box = image.getbbox() or (0, 0, image.width, image.height)
    image = image.crop(box)
    width = round(image.width * height / image.height)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def render(name: str) -> Image.Image:
    """The image ``name`` of :data:`IMAGES`."""
    size, dark = IMAGES[name]
    return draw_logo(size, dark) if "logo" in name else draw_mark(size, dark)


def problems() -> list[str]:
    """What is missing or off-size in the brand folder."""
    found: list[str] = []
    for name, (size, _dark) in IMAGES.items():
        path = BRAND / name
        if not path.exists():
            found.append(f"{name}: missing")
            continue
        with Image.open(path) as image:
            if image.format != "PNG" or image.mode != "RGBA":
                found.append(f"{name}: not an RGBA PNG")
            elif "icon" in name and image.size != (size, size):
                found.append(f"{name}: {image.size}, want {size}x{size}")
            elif "logo" in name and (image.height != size or image.width <= size):
                found.append(f"{name}: {image.size}, want landscape, {size} px high")
    return found


def main() -> int:
    """Write the images, or check them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the files")
    args = parser.parse_args()
    if args.check:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    BRAND.mkdir(parents=True, exist_ok=True)
    for name in IMAGES:
        render(name).save(BRAND / name, optimize=True)
        print(f"wrote {BRAND / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
