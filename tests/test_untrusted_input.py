"""Low-severity hostile input from issue #16, item 8: each once crashed or was accepted silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadee.cli import main

from .conftest import CLEAN, REPO

PILOT = REPO / "examples" / "northwind-pilot" / "blueprint.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    for stream in (out, err):
        assert "Traceback" not in stream and "internal error" not in stream, stream
    return code, out, err


def calm(nodes: str) -> str:
    return '{"nodes": [' + nodes + '], "relationships": []}'


GROUP = "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: ops}\nspec: {type: team, children: []}\n"
NODE = '{"unique-id": "a", "node-type": "service", "name": "A", "description": "x"'


# -- numbers -----------------------------------------------------------------------------------


def test_a_100000_digit_integer_in_calm_is_a_located_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "big.json"
    path.write_text(calm(NODE + ',\n "x": ' + "9" * 100_000 + "}"), encoding="utf-8")
    code, _, err = run(capsys, "import", "calm", str(path))
    assert code == 2
    assert f"{path}:2:7: error invalid JSON: integer of 100,000 digits is too large" in err


def test_a_huge_integer_in_a_backstage_json_annotation_is_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  annotations:\n"
        f"    cadee.dev/fallback: '[{{\"to\": {'9' * 5000}}}]'\n"
        '    cadee.dev/observability: \'{"logs": true, "logs": false}\'\n'
        "spec: {type: service, owner: ops, lifecycle: production}\n" + GROUP,
        encoding="utf-8",
    )
    code, _, err = run(capsys, "import", "backstage", str(path))
    assert code == 0, err
    assert "integer of 5,000 digits is too large" in err
    assert "duplicate key 'logs'" in err


def test_a_5000_digit_redundancy_says_too_large(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(
        CLEAN.replace(
            "{id: svc, kind: service,", "{id: svc, kind: service, redundancy: " + "7" * 5000 + ","
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "validate", str(path), "-f", "json")
    assert code == 2
    (error,) = json.loads(out)["errors"]
    assert "this number has 5,000 digits, too large (at most 4,300)" in error["message"]
    assert "got a string" not in error["message"]
    assert (error["line"], error["column"]) == (5, 42)


# -- duplicate JSON keys -------------------------------------------------------------------------


def test_duplicate_keys_in_calm_are_refused_and_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dup.json"
    path.write_text(
        calm(
            '\n{"unique-id": "a",\n "unique-id": "b", "node-type": "service", "name": "A", "description": "x"}'
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", "calm", str(path))
    assert code == 2 and out == ""
    assert f"{path}:3:2: error invalid JSON: duplicate key 'unique-id'" in err


def test_duplicate_top_level_keys_in_calm_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dup.json"
    path.write_text(calm(NODE + "}")[:-1] + ',\n"nodes": []}', encoding="utf-8")
    code, out, err = run(capsys, "import", "calm", str(path))
    assert code == 2 and out == ""
    assert f"{path}:2:1: error invalid JSON: duplicate key 'nodes'" in err


def test_duplicate_keys_in_backstage_json_annotations_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  annotations:\n"
        '    cadee.dev/integrations: \'{"to": "b", "to": "c"}\'\n'
        "spec: {type: service, owner: ops, lifecycle: production, dependsOn: [component:b]}\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: b}\n"
        "spec: {type: service, owner: ops, lifecycle: production}\n" + GROUP,
        encoding="utf-8",
    )
    code, _, err = run(capsys, "import", "backstage", str(path))
    assert code == 0, err
    assert "integrations line 1: duplicate key 'to'" in err


# -- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_blueprints_are_refused_at_1_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "bp.yaml"
    path.write_bytes(CLEAN.encode(encoding))
    code, out, _ = run(capsys, "validate", str(path), "-f", "json")
    assert code == 2
    (error,) = json.loads(out)["errors"]
    assert (error["line"], error["column"]) == (1, 1)
    name = encoding.upper()[:6]
    assert f"it is {name} text; blueprints are UTF-8" in error["message"]


def test_a_utf8_byte_order_mark_is_allowed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bp.yaml"
    path.write_bytes(CLEAN.encode("utf-8-sig"))
    code, _, _ = run(capsys, "validate", str(path))
    assert code == 0


# -- --out through a symbolic link ----------------------------------------------------------------


def test_render_out_symlink_leaves_no_old_link_behind(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "pack"
    link.symlink_to(elsewhere, target_is_directory=True)
    code, _, _ = run(
        capsys, "render", str(PILOT), "--out", str(link), "-f", "md", "--as-of", "2026-06-01"
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "pack"]
    assert list(elsewhere.iterdir()) == []
    assert not link.is_symlink() and (link / "brief.md").is_file()


# -- found by tests/test_fuzz_untrusted.py ---------------------------------------------------------


def test_line_100_is_not_printed_as_an_emoji(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """rich read ``:100:`` in ``file:100:3`` as the emoji code for 💯."""
    path = tmp_path / "arch.json"
    path.write_text(calm("\n" * 99 + NODE + ', "unique-id": "b"}'), encoding="utf-8")
    code, _, err = run(capsys, "import", "calm", str(path))
    assert code == 2
    assert f"{path}:100:" in err and "\U0001f4af" not in err
