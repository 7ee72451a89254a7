"""Bundled resources: the app icon and its PNG sizes, the fonts, the migrations, and where
resource() finds them from a checkout, a wheel install and a frozen build."""

from __future__ import annotations

import fnmatch
import re
import sys
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

import smallbiz_crm
from smallbiz_crm import paths
from smallbiz_crm.paths import resource, resource_dir
from smallbiz_crm.store import migrate

ROOT = Path(__file__).resolve().parents[2]
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ICON = ("icons", "app", "smallbiz-crm.svg")


def test_resources_come_from_the_checkout() -> None:
    assert resource_dir() == ROOT / "resources"
    assert resource("fonts", "DejaVuSans.ttf") == ROOT / "resources" / "fonts" / "DejaVuSans.ttf"


def test_app_icon_svg_loads_and_is_square(qapp: QApplication) -> None:
    renderer = QSvgRenderer(str(resource(*APP_ICON)))
    assert renderer.isValid()
    box = renderer.viewBoxF()
    assert box.width() == box.height() > 0


@pytest.mark.parametrize("size", ICON_SIZES)
def test_app_icon_png_sizes_load(qapp: QApplication, size: int) -> None:
    path = resource("icons", "app", f"smallbiz-crm-{size}.png")
    image = QImage(str(path))
    assert not image.isNull(), path
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    # A rounded square: the corners are see-through, the middle is solid.
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(size // 2, size // 2).alpha() == 255


def test_app_icon_pngs_match_the_svg(qapp: QApplication) -> None:
    """The PNGs were rendered from the current SVG (packaging/render_icons.py)."""
    renderer = QSvgRenderer(str(resource(*APP_ICON)))
    for size in (32, 128):
        fresh = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        fresh.fill(Qt.GlobalColor.transparent)
        painter = QPainter(fresh)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        fresh = fresh.convertToFormat(QImage.Format.Format_ARGB32)
        stored = QImage(str(resource("icons", "app", f"smallbiz-crm-{size}.png"))).convertToFormat(
            QImage.Format.Format_ARGB32)
        total = 0
        for y in range(size):
            for x in range(size):
                a, b = fresh.pixelColor(x, y), stored.pixelColor(x, y)
                total += sum(abs(p - q) for p, q in zip(a.getRgb(), b.getRgb(), strict=True))
        # Allow antialiasing differences between Qt versions, not a different drawing.
        assert total / (size * size * 4) < 4, f"re-run packaging/render_icons.py ({size} px)"


@pytest.mark.parametrize("name", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_fonts_are_bundled(name: str) -> None:
    path = resource("fonts", name)
    assert path.is_file()
    assert path.read_bytes()[:4] in (b"\x00\x01\x00\x00", b"true")  # a TrueType file


def test_timeline_icons_load(qapp: QApplication) -> None:
    icons = sorted(resource("icons").glob("*.svg"))
    assert icons
    for path in icons:
        assert QSvgRenderer(str(path)).isValid(), path


def test_migrations_live_inside_the_package() -> None:
    package = Path(smallbiz_crm.__file__).resolve().parent
    folder = migrate.MIGRATIONS_DIR
    assert folder.is_relative_to(package)
    assert (folder / "env.py").is_file()
    assert (folder / "script.py.mako").is_file()
    assert sorted((folder / "versions").glob("*.py"))


def test_package_data_ships_every_migration_file() -> None:
    """A wheel (and the frozen build, which copies the same globs) holds every migration."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["smallbiz_crm"]
    package = Path(smallbiz_crm.__file__).resolve().parent
    for path in migrate.MIGRATIONS_DIR.rglob("*"):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, glob) for glob in globs), relative


def test_frozen_build_uses_the_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "fonts").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_dir() == tmp_path / "resources"
    assert resource("fonts", "x.ttf") == tmp_path / "resources" / "fonts" / "x.ttf"


def test_wheel_install_uses_the_prefix_share_folder(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "lib" / "python3" / "site-packages"
    (site / "smallbiz_crm").mkdir(parents=True)
    shared = tmp_path / "share" / "smallbiz-crm" / "resources"
    shared.mkdir(parents=True)
    monkeypatch.setattr(paths, "__file__", str(site / "smallbiz_crm" / "paths.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resource_dir() == shared


def test_desktop_entry_and_metainfo_agree() -> None:
    linux = ROOT / "packaging" / "linux"
    entry = (linux / "smallbiz-crm.desktop").read_text(encoding="utf-8")
    assert re.search(r"^Icon=smallbiz-crm$", entry, re.MULTILINE)
    assert re.search(r"^Exec=smallbiz-crm\b", entry, re.MULTILINE)
    (metainfo,) = linux.glob("*.metainfo.xml")
    text = metainfo.read_text(encoding="utf-8")
    component_id = metainfo.name.removesuffix(".metainfo.xml")
    assert f"<id>{component_id}</id>" in text
    assert '<launchable type="desktop-id">smallbiz-crm.desktop</launchable>' in text
