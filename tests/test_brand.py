"""The brand images Home Assistant 2026.3+ shows for the integration."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("brand", ROOT / "scripts" / "brand.py")
assert _spec is not None
assert _spec.loader is not None
brand = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brand)


def test_every_image_is_there_at_its_size() -> None:
    """icon/logo, @2x and dark_ variants: transparent PNGs of the brands sizes."""
    assert brand.problems() == []
    assert sorted(p.name for p in brand.BRAND.iterdir()) == sorted(brand.IMAGES)
    for name in brand.IMAGES:
        with Image.open(brand.BRAND / name) as image:
            alpha = image.getchannel("A")
            # Transparent corners, drawn middle.
            assert alpha.getpixel((0, 0)) == 0
            assert alpha.getpixel((image.width // 2, image.height // 2)) == 255 or (
                "logo" in name
            )
            assert alpha.getextrema() == (0, 255)


def test_dark_variants_differ_from_light() -> None:
    """A dark theme gets its own colours, not a copy."""
    for name in ("icon.png", "logo.png"):
        with (
            Image.open(brand.BRAND / name) as light,
            Image.open(brand.BRAND / f"dark_{name}") as dark,
        ):
            assert light.size == dark.size
            assert light.tobytes() != dark.tobytes()


def test_check_reports_a_wrong_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is not a formality: a resized icon fails it."""
    for name in brand.IMAGES:
        (tmp_path / name).write_bytes((brand.BRAND / name).read_bytes())
    with Image.open(tmp_path / "icon.png") as image:
        image.resize((200, 200)).save(tmp_path / "icon.png")
    (tmp_path / "logo@2x.png").unlink()
    monkeypatch.setattr(brand, "BRAND", tmp_path)
    assert brand.problems() == [
        "icon.png: (200, 200), want 256x256",
        "logo@2x.png: missing",
    ]
