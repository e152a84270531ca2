"""Stage 1: every error with its exact file, line, column and document path."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cadee.diagnostics import LoadError
from cadee.load import load_blueprint
from cadee.yamlload import Limits, load_yaml

HEAD = """\
cadee: 1
blueprint:
  id: bp
  title: Test
"""


@pytest.fixture(autouse=True, params=["fast path", "python loader"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs on both loaders (the C fast path when it is built, and Python)."""
    if request.param == "python loader":
        monkeypatch.setenv("CADEE_NO_ACCELERATOR", "1")
    else:
        monkeypatch.delenv("CADEE_NO_ACCELERATOR", raising=False)
    return str(request.param)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(path: Path, **kwargs: object) -> list[LoadError]:
    old = Path.cwd()
    os.chdir(path.parent)
    try:
        result = load_blueprint(path.name, **kwargs)  # type: ignore[arg-type]
    finally:
        os.chdir(old)
    assert result.blueprint is None
    assert result.errors
    return result.errors


def where(error: LoadError) -> tuple[str, int, int, str]:
    loc = error.location
    return loc.file, loc.line, loc.column, loc.path


def test_unknown_key_points_at_the_key_with_a_suggestion(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bp.yaml", HEAD + "systems:\n  - id: a\n    kind: channel\n    ownr: ops\n"
    )
    [error] = errors_of(path)
    assert where(error) == ("bp.yaml", 8, 5, "systems[0].ownr")
    assert "unknown key 'ownr'" in error.message
    assert "did you mean 'owner'" in error.message


def test_bad_enum_value_points_at_the_value(tmp_path: Path) -> None:
    path = write(tmp_path, "bp.yaml", HEAD + "systems:\n  - id: a\n    kind: modle\n")
    [error] = errors_of(path)
    assert where(error) == ("bp.yaml", 7, 11, "systems[0].kind")
    assert "did you mean 'model'" in error.message
    assert "channel, gateway, model" in error.message


def test_dangling_reference(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        owners:
          - {id: ops-team, name: Ops}
        systems:
          - id: a
            kind: channel
            owner: ops-tem
        """)
    [error] = errors_of(write(tmp_path, "bp.yaml", text))
    assert where(error) == ("bp.yaml", 10, 12, "systems[0].owner")
    assert error.message == "unknown owner 'ops-tem'; did you mean 'ops-team'?"


def test_duplicate_id_across_lists(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        owners:
          - {id: core, name: Core team}
        systems:
          - {id: core, kind: core-banking, owner: core}
        """)
    [error] = errors_of(write(tmp_path, "bp.yaml", text))
    assert where(error) == ("bp.yaml", 8, 5, "systems[0].id")
    assert "duplicate id 'core': already defined at bp.yaml:6 (owners[0])" in error.message


def test_two_integrations_between_the_same_systems_need_ids(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        systems:
          - {id: a, kind: channel}
          - {id: b, kind: gateway}
        integrations:
          - {from: a, to: b}
          - {from: a, to: b, mode: async}
        """)
    [error] = errors_of(write(tmp_path, "bp.yaml", text))
    assert where(error) == ("bp.yaml", 10, 5, "integrations[1].id")
    assert "explicit ids" in error.message


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, "bp.yaml", HEAD + "systems:\n  - id: a\n   kind: channel\n")
    [error] = errors_of(path)
    assert where(error)[:3] == ("bp.yaml", 7, 4)
    assert error.message.startswith("YAML syntax error")


def test_wrong_format_version_names_the_supported_one(tmp_path: Path) -> None:
    path = write(tmp_path, "bp.yaml", "cadee: 2\nblueprint: {id: bp, title: T}\n")
    [error] = errors_of(path)
    assert where(error) == ("bp.yaml", 1, 8, "cadee")
    assert "unsupported format version 2" in error.message
    assert "version 1" in error.message


def test_missing_version(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, "bp.yaml", "blueprint: {id: bp, title: T}\n"))
    assert where(error) == ("bp.yaml", 1, 1, "cadee")
    assert "cadee: 1" in error.message


def test_error_inside_an_included_file_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, "catalog/systems.yaml", "cadee: 1\nsystems:\n  - id: a\n    kind: chanel\n")
    path = write(tmp_path, "bp.yaml", HEAD + "include: [catalog/systems.yaml]\n")
    [error] = errors_of(path)
    assert where(error) == ("catalog/systems.yaml", 4, 11, "systems[0].kind")


def test_include_cycle(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "cadee: 1\ninclude:\n  - b.yaml\n")
    write(tmp_path, "b.yaml", "cadee: 1\ninclude:\n  - a.yaml\n")
    path = write(tmp_path, "bp.yaml", HEAD + "include:\n  - a.yaml\n")
    [error] = errors_of(path)
    assert where(error) == ("b.yaml", 3, 5, "include[0]")
    assert error.message == "include cycle: a.yaml -> b.yaml -> a.yaml"


def test_duplicate_mapping_key_names_both_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bp.yaml", HEAD + "systems:\n  - id: a\n    kind: channel\n    kind: model\n"
    )
    [error] = errors_of(path)
    assert where(error)[:3] == ("bp.yaml", 8, 5)
    assert "first defined at line 7, again at line 8" in error.message


def test_all_errors_of_a_run_are_reported_together(tmp_path: Path) -> None:
    write(tmp_path, "inc.yaml", "cadee: 1\nowners:\n  - {id: o, name: O, function: legal}\n")
    text = HEAD + textwrap.dedent("""\
        include: [inc.yaml]
        systems:
          - {id: a, kind: channel, owner: nobody}
          - {id: b, kind: robot}
          - {id: c, kind: model, redundancy: 2.0}
        integrations:
          - {from: a, to: zz}
        """)
    errors = errors_of(write(tmp_path, "bp.yaml", text))
    assert [(e.location.file, e.location.line, e.location.path) for e in errors] == [
        ("bp.yaml", 7, "systems[0].owner"),
        ("bp.yaml", 8, "systems[1].kind"),
        ("bp.yaml", 9, "systems[2].redundancy"),
        ("bp.yaml", 11, "integrations[0].to"),
        ("inc.yaml", 3, "owners[0].function"),
    ]


def test_a_broken_item_does_not_cascade_into_unknown_reference_errors(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        owners:
          - {id: ops, name: Ops, function: nope}
        systems:
          - {id: a, kind: channel, owner: ops}
        """)
    errors = errors_of(write(tmp_path, "bp.yaml", text))
    assert [e.location.path for e in errors] == ["owners[0].function"]


def test_strict_types(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        systems:
          - {id: 123, kind: channel}
          - {id: b, kind: channel, redundancy: true}
          - {id: c, kind: channel, description: yes}
          - {id: d, kind: channel, owner: }
        kpis:
          - {id: k, name: K, baseline: true}
        """)
    errors = errors_of(write(tmp_path, "bp.yaml", text))
    messages = {e.location.path: e.message for e in errors}
    assert "quote it" in messages["systems[0].id"]
    assert "must be an integer, got a boolean" in messages["systems[1].redundancy"]
    assert "must be a string, got a boolean" in messages["systems[2].description"]
    assert "null value" in messages["systems[3].owner"]
    assert "number" in messages["kpis[0].baseline"]


def test_identity_provider_must_be_of_kind_identity_provider(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        boundaries:
          - {id: corp, trust: internal, identity_provider: gw}
        systems:
          - {id: gw, kind: gateway}
        """)
    [error] = errors_of(write(tmp_path, "bp.yaml", text))
    assert where(error) == ("bp.yaml", 6, 52, "boundaries[0].identity_provider")
    assert "kind identity-provider" in error.message


def test_waiver_rule_must_exist_but_target_is_free_text(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        owners: [{id: o, name: O}]
        waivers:
          - {rule: FBK01, target: "anything at all", reason: r, approved_by: o, expires: 2030-01-01}
        """)
    [error] = errors_of(write(tmp_path, "bp.yaml", text))
    assert error.location.path == "waivers[0].rule"
    assert "unknown rule 'FBK01'" in error.message


@pytest.mark.parametrize(
    ("expires", "fragment"),
    [
        ("2026-02-30", "not a calendar date"),
        ("2026-01-01 10:00:00", "not a timestamp"),
        ("soon", "a date"),
    ],
)
def test_waiver_dates(tmp_path: Path, expires: str, fragment: str) -> None:
    text = HEAD + textwrap.dedent(f"""\
        owners: [{{id: o, name: O}}]
        waivers:
          - {{rule: FBK001, target: x, reason: r, approved_by: o, expires: {expires}}}
        """)
    [error] = errors_of(write(tmp_path, "bp.yaml", text))
    assert error.location.path == "waivers[0].expires"
    assert fragment in error.message


def test_quoted_date_is_accepted(tmp_path: Path) -> None:
    text = (
        HEAD
        + "owners: [{id: o, name: O}]\nwaivers:\n  - {rule: FBK001, target: x, reason: r, approved_by: o, expires: '2030-01-31'}\n"
    )
    result = load_blueprint(write(tmp_path, "bp.yaml", text))
    assert result.blueprint is not None
    assert result.blueprint.waivers[0].expires == dt.date(2030, 1, 31)


def test_absent_and_empty_differ(tmp_path: Path) -> None:
    text = (
        HEAD
        + "  approvers: []\nsystems:\n  - {id: a, kind: model, fallback: []}\n  - {id: b, kind: model}\n"
    )
    result = load_blueprint(write(tmp_path, "bp.yaml", text))
    assert result.blueprint is not None
    assert result.blueprint.meta.approvers == []
    assert result.blueprint.systems[0].fallback == []
    assert result.blueprint.systems[1].fallback is None


def test_defaults(tmp_path: Path) -> None:
    text = (
        HEAD
        + "systems:\n  - {id: a, kind: channel}\n  - {id: b, kind: gateway}\nintegrations:\n  - {from: a, to: b}\n"
    )
    result = load_blueprint(write(tmp_path, "bp.yaml", text))
    assert result.blueprint is not None
    system = result.blueprint.systems[0]
    assert (system.name, system.environment, system.criticality, system.redundancy) == (
        "a",
        "production",
        "tier-2",
        1,
    )
    integration = result.blueprint.integrations[0]
    assert (integration.id, integration.mode, integration.identity, integration.data) == (
        "a->b",
        "sync",
        "service",
        "internal",
    )


def test_explicit_integration_id_cannot_use_the_arrow(tmp_path: Path) -> None:
    text = (
        HEAD
        + "systems:\n  - {id: a, kind: channel}\nintegrations:\n  - {id: a->a, from: a, to: a}\n"
    )
    [error] = errors_of(write(tmp_path, "bp.yaml", text))
    assert error.location.path == "integrations[0].id"
    assert "invalid id" in error.message


class TestIncludes:
    def test_merge_order_and_item_locations(self, tmp_path: Path) -> None:
        write(tmp_path, "shared.yaml", "cadee: 1\nsystems:\n  - {id: s, kind: service}\n")
        write(
            tmp_path,
            "a.yaml",
            "cadee: 1\ninclude: [shared.yaml]\nsystems:\n  - {id: a, kind: service}\n",
        )
        write(
            tmp_path,
            "b.yaml",
            "cadee: 1\ninclude: [shared.yaml]\nsystems:\n  - {id: b, kind: service}\n",
        )
        path = write(
            tmp_path,
            "bp.yaml",
            HEAD + "include: [a.yaml, b.yaml]\nsystems:\n  - {id: top, kind: service}\n",
        )
        result = load_blueprint(path)
        assert result.blueprint is not None, result.errors
        # Own items first, then includes depth-first; the diamond is read once, at its first place.
        assert [s.id for s in result.blueprint.systems] == ["top", "a", "s", "b"]
        shared = result.blueprint.systems[2].location
        assert (Path(shared.file).name, shared.line, shared.column, shared.path) == (
            "shared.yaml",
            3,
            5,
            "systems[0]",
        )
        assert len(result.blueprint.files) == 4

    def test_included_blueprint_block_is_ignored(self, tmp_path: Path) -> None:
        write(tmp_path, "inc.yaml", "cadee: 1\nblueprint: {id: other, title: Other}\n")
        result = load_blueprint(write(tmp_path, "bp.yaml", HEAD + "include: [inc.yaml]\n"))
        assert result.blueprint is not None
        assert result.blueprint.id == "bp"

    def test_missing_file_with_suggestion(self, tmp_path: Path) -> None:
        write(tmp_path, "owners.yaml", "cadee: 1\n")
        [error] = errors_of(write(tmp_path, "bp.yaml", HEAD + "include:\n  - ownrs.yaml\n"))
        assert where(error) == ("bp.yaml", 6, 5, "include[0]")
        assert "does not exist; did you mean 'owners.yaml'" in error.message

    def test_escaping_the_project_root(self, tmp_path: Path) -> None:
        project = tmp_path / "project"
        (project / ".git").mkdir(parents=True)
        write(tmp_path, "outside.yaml", "cadee: 1\n")
        path = write(project, "bp.yaml", HEAD + "include:\n  - ../outside.yaml\n")
        [error] = errors_of(path)
        assert error.location.path == "include[0]"
        assert "outside the project root" in error.message

    def test_git_work_tree_is_the_root(self, tmp_path: Path) -> None:
        (tmp_path / ".git").mkdir()
        write(tmp_path, "catalog/owners.yaml", "cadee: 1\nowners: [{id: o, name: O}]\n")
        path = write(tmp_path, "bank/bp.yaml", HEAD + "include: [../catalog/owners.yaml]\n")
        result = load_blueprint(path)
        assert result.blueprint is not None, result.errors

    def test_symlink_escaping_the_root_is_refused(self, tmp_path: Path) -> None:
        project = tmp_path / "project"
        project.mkdir()
        write(tmp_path, "secret.yaml", "cadee: 1\n")
        (project / "link.yaml").symlink_to(tmp_path / "secret.yaml")
        [error] = errors_of(write(project, "bp.yaml", HEAD + "include: [link.yaml]\n"))
        assert "outside the project root" in error.message

    def test_absolute_include_is_refused(self, tmp_path: Path) -> None:
        other = write(tmp_path, "x.yaml", "cadee: 1\n")
        [error] = errors_of(write(tmp_path, "bp.yaml", HEAD + f"include: ['{other}']\n"))
        assert "relative" in error.message

    def test_self_include_is_a_cycle(self, tmp_path: Path) -> None:
        [error] = errors_of(write(tmp_path, "bp.yaml", HEAD + "include: [bp.yaml]\n"))
        assert error.message == "include cycle: bp.yaml -> bp.yaml"

    def test_include_file_limit(self, tmp_path: Path) -> None:
        for index in range(3):
            write(tmp_path, f"i{index}.yaml", "cadee: 1\n")
        path = write(tmp_path, "bp.yaml", HEAD + "include: [i0.yaml, i1.yaml, i2.yaml]\n")
        errors = errors_of(path, limits=Limits(max_include_files=2))
        assert any("more than 2 included files" in e.message for e in errors)


class TestHostileYaml:
    def test_python_tags_are_refused(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "bp.yaml",
            HEAD + "  description: !!python/object/apply:os.system ['touch pwned']\n",
        )
        errors = errors_of(path)
        assert any("not allowed" in e.message for e in errors)
        assert not (tmp_path / "pwned").exists()

    def test_custom_tags_are_refused(self, tmp_path: Path) -> None:
        [error] = errors_of(write(tmp_path, "bp.yaml", HEAD + "  description: !secret abc\n"))
        assert where(error)[:3] == ("bp.yaml", 5, 16)

    def test_alias_bomb_is_refused_quickly(self, tmp_path: Path) -> None:
        lines = [
            "cadee: 1",
            "blueprint: {id: bp, title: T}",
            'a: &a ["x","x","x","x","x","x","x","x","x"]',
        ]
        for level in range(1, 10):
            prev, cur = chr(96 + level), chr(97 + level)
            lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
        path = write(tmp_path, "bp.yaml", "\n".join(lines) + "\n")
        # 9 ** 10 nodes once expanded: refused by counting, long before (the subprocess's
        # timeout is the hang guard; the environment carries the loader under test).
        done = subprocess.run(
            [sys.executable, "-m", "cadee", "validate", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "(an alias bomb?)" in done.stdout
        assert "Traceback" not in done.stdout + done.stderr
        assert any("alias bomb" in e.message for e in errors_of(path))

    def test_anchors_and_merge_keys_work(self, tmp_path: Path) -> None:
        text = HEAD + textwrap.dedent("""\
            systems:
              - &base {id: a, kind: service, criticality: tier-3}
              - <<: *base
                id: b
            """)
        result = load_blueprint(write(tmp_path, "bp.yaml", text))
        assert result.blueprint is not None, result.errors
        assert [(s.id, s.criticality) for s in result.blueprint.systems] == [
            ("a", "tier-3"),
            ("b", "tier-3"),
        ]

    def test_second_document(self, tmp_path: Path) -> None:
        [error] = errors_of(write(tmp_path, "bp.yaml", HEAD + "---\ncadee: 1\n"))
        assert where(error)[:3] == ("bp.yaml", 5, 1)

    def test_deep_nesting(self, tmp_path: Path) -> None:
        path = write(tmp_path, "bp.yaml", HEAD + "  description: " + "[" * 200 + "]" * 200 + "\n")
        assert any("nesting" in e.message for e in errors_of(path))

    def test_file_size_limit(self, tmp_path: Path) -> None:
        path = write(tmp_path, "bp.yaml", HEAD + "# padding\n" * 100)
        [error] = errors_of(path, limits=Limits(max_file_bytes=100))
        assert "above the limit of 100" in error.message

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "bp.yaml"
        path.write_bytes(b"cadee: 1\nblueprint: {id: bp, title: \xff\xfe}\n")
        [error] = errors_of(path)
        assert error.location.line == 2
        assert "UTF-8" in error.message

    def test_empty_file_and_non_mapping(self, tmp_path: Path) -> None:
        assert "empty" in errors_of(write(tmp_path, "a.yaml", "# nothing\n"))[0].message
        assert "expected a mapping" in errors_of(write(tmp_path, "b.yaml", "- 1\n"))[0].message

    def test_boolean_key(self, tmp_path: Path) -> None:
        errors = errors_of(write(tmp_path, "bp.yaml", HEAD + "on: 1\n"))
        assert "boolean" in errors[0].message

    def test_huge_values_are_not_echoed(self, tmp_path: Path) -> None:
        huge = "x" * 50_000
        errors = errors_of(
            write(tmp_path, "bp.yaml", HEAD + f"systems:\n  - {{id: a, kind: {huge}}}\n")
        )
        assert all(len(e.message) < 600 for e in errors)


def test_yaml_11_scalars_match_pyyaml() -> None:
    import yaml

    text = "a: yes\nb: off\nc: 0x1F\nd: 1:30\ne: 1_000\nf: .inf\ng: ~\nh: 2026-01-02\ni: '1'\nj: 0o17\nk: 017\nl: 1e3\nm: 3.5\n"
    value, errors = load_yaml(text, "x.yaml")
    assert not errors
    assert value == yaml.safe_load(text)


class TestEveryErrorInOneRun:
    def test_yaml_level_errors_carry_the_document_path(self, tmp_path: Path) -> None:
        text = "cadee: 1\nblueprint:\n  id: bp\n  title: T\n  status: pilot\n  status: production\n"
        [error] = errors_of(write(tmp_path, "bp.yaml", text))
        assert where(error) == ("bp.yaml", 6, 3, "blueprint.status")

    def test_refused_tag_inside_a_list_has_its_path(self, tmp_path: Path) -> None:
        text = HEAD + "systems:\n  - id: a\n    kind: !custom channel\n"
        [error] = errors_of(write(tmp_path, "bp.yaml", text))
        assert where(error) == ("bp.yaml", 7, 11, "systems[0].kind")

    def test_references_of_a_broken_item_are_still_checked(self, tmp_path: Path) -> None:
        text = (
            HEAD
            + "systems:\n  - {id: bot, kind: model, fallback: [desk, {to: crm, when: [timeout, errors]}]}\n"
        )
        errors = errors_of(write(tmp_path, "bp.yaml", text))
        assert [(e.location.path, e.message.split(";")[0]) for e in errors] == [
            ("systems[0].fallback[0]", "unknown system 'desk'"),
            ("systems[0].fallback[1]", "unknown system 'crm'"),
            (
                "systems[0].fallback[1].when[1]",
                "`when[1]` must be one of: timeout, error, low-confidence, policy-block, outage, got 'errors'",
            ),
        ]

    def test_unknown_key_does_not_hide_a_bad_rule(self, tmp_path: Path) -> None:
        text = (
            HEAD
            + "owners: [{id: o, name: O}]\nwaivers:\n  - {id: w1, rule: ARC099, target: x, reason: r, approved_by: o, expires: 2030-01-01}\n"
        )
        paths = [e.location.path for e in errors_of(write(tmp_path, "bp.yaml", text))]
        assert paths == ["waivers[0].id", "waivers[0].rule"]

    def test_included_blueprint_block_is_not_checked(self, tmp_path: Path) -> None:
        write(tmp_path, "inc.yaml", "cadee: 1\nblueprint: {id: 12, colour: red}\n")
        result = load_blueprint(write(tmp_path, "bp.yaml", HEAD + "include: [inc.yaml]\n"))
        assert result.blueprint is not None, result.errors

    def test_include_limit_counts_included_files_only(self, tmp_path: Path) -> None:
        write(tmp_path, "a.yaml", "cadee: 1\ninclude: [c.yaml]\n")
        write(tmp_path, "b.yaml", "cadee: 1\n")
        write(tmp_path, "c.yaml", "cadee: 1\n")
        path = write(tmp_path, "bp.yaml", HEAD + "include: [a.yaml, b.yaml]\n")
        assert load_blueprint(path, limits=Limits(max_include_files=3)).blueprint is not None
        assert any(
            "more than 2" in e.message for e in errors_of(path, limits=Limits(max_include_files=2))
        )

    def test_explicit_empty_name_is_kept(self, tmp_path: Path) -> None:
        result = load_blueprint(
            write(
                tmp_path,
                "bp.yaml",
                HEAD
                + "systems:\n  - {id: a, kind: channel, name: ''}\n  - {id: b, kind: channel}\n",
            )
        )
        assert result.blueprint is not None
        assert [s.name for s in result.blueprint.systems] == ["", "b"]


@pytest.mark.parametrize(
    "text", ["!!bool maybe", "!!timestamp hello", "!!int ''", "!!float ''", "!!int 12x"]
)
def test_explicit_tags_with_text_that_does_not_fit(text: str, tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, "bp.yaml", HEAD + f"  description: {text}\n"))
    assert (error.location.line, error.location.path) == (5, "blueprint.description")
    assert "cannot read this value" in error.message


def test_a_file_source_replaces_the_disk_and_the_parser(tmp_path: Path) -> None:
    """The language server's hook: unsaved buffers over the disk, parsed trees from a cache."""
    from cadee.load import FileSource

    top = tmp_path / "blueprint.yaml"
    top.write_text(
        "cadee: 1\nblueprint: {id: bp, title: T}\ninclude: [catalog.yaml]\n", encoding="utf-8"
    )
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("cadee: 1\nowners: [{id: ops, name: Ops}]\n", encoding="utf-8")
    buffers = {catalog.resolve(): b"cadee: 1\nowners: [{id: ops, nme: Ops}]\n"}
    parsed: list[str] = []

    def parse(data: bytes, shown: str, limits: Limits) -> tuple[object, list[LoadError]]:
        parsed.append(shown)
        return load_yaml(data, shown, limits)

    limits_seen: list[int] = []

    def read(path: Path, max_bytes: int) -> bytes:
        limits_seen.append(max_bytes)
        return buffers.get(path) or path.read_bytes()

    source = FileSource(read=read, parse=parse)
    result = load_blueprint(top, source=source)
    messages = [
        (e.location.file.rsplit("/", 1)[-1], e.location.line, e.message) for e in result.errors
    ]
    assert ("catalog.yaml", 2, "unknown key 'nme'; did you mean 'name'?") in messages
    assert [p.rsplit("/", 1)[-1] for p in parsed] == ["blueprint.yaml", "catalog.yaml"]
    assert limits_seen == [Limits().max_file_bytes] * 2  # the source applies the size limit
    assert load_blueprint(top).valid  # the disk itself is fine


# -- spec 1.1 C1: needs and business services ---------------------------------------------


def test_needs_and_services_are_checked_in_stage_1(tmp_path: Path) -> None:
    text = HEAD + textwrap.dedent("""\
        owners:
          - {id: ops, name: Ops}
        systems:
          - {id: chat, kind: channel, needs: [chat, idp, idpp]}
          - {id: idp, kind: identity-provider, recovery_minutes: 0}
          - {id: core, kind: core-banking}
        services:
          - {id: s1, name: S, channels: [core, chatt], requires: [coer], owner: opz}
          - {id: s2, name: S, channels: []}
          - {id: core, name: S, channels: [chat]}
        """)
    errors = {where(e)[1:]: e.message for e in errors_of(write(tmp_path, "bp.yaml", text))}
    assert errors == {
        (
            8,
            39,
            "systems[0].needs[0]",
        ): "system 'chat' needs itself; list only the other systems it cannot work without",
        (8, 50, "systems[0].needs[2]"): "unknown system 'idpp'; did you mean 'idp'?",
        (9, 58, "systems[1].recovery_minutes"): "`recovery_minutes` must be >= 1",
        (
            12,
            34,
            "services[0].channels[0]",
        ): "'core' is a system of kind core-banking; a service's channels must be systems of kind channel",
        (12, 40, "services[0].channels[1]"): "unknown channel 'chatt'; did you mean 'chat'?",
        (12, 59, "services[0].requires[0]"): "unknown system 'coer'; did you mean 'core'?",
        (12, 73, "services[0].owner"): "unknown owner 'opz'; did you mean 'ops'?",
        (13, 33, "services[1].channels"): "`channels` must hold at least 1 item",
        (
            14,
            5,
            "services[2].id",
        ): "duplicate id 'core': already defined at bp.yaml:10 (systems[2])",
    }


def test_included_files_may_hold_services(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services.yaml",
        """\
        cadee: 1
        services:
          - {id: enquiry, name: Enquiry, channels: [chat], critical: true, tolerance_minutes: 60}
        """,
    )
    path = write(
        tmp_path,
        "bp.yaml",
        HEAD
        + textwrap.dedent("""\
        include: [services.yaml]
        systems:
          - {id: chat, kind: channel, needs: [idp], recovery_minutes: 30}
          - {id: idp, kind: identity-provider}
        services:
          - {id: block, name: Card block, channels: [chat]}
        """),
    )
    result = load_blueprint(path)
    assert result.errors == []
    assert result.blueprint is not None
    assert [s.id for s in result.blueprint.services] == ["block", "enquiry"]
    assert result.blueprint.services[1].location.file.endswith("services.yaml")
    assert result.blueprint.systems[0].needs == ["idp"]
    assert result.blueprint.services[0].critical is False


def test_field_descriptions_are_the_attribute_docstrings_pydantic_would_read() -> None:
    """Strict reads attribute docstrings from one parse per module; every model's
    descriptions equal those of pydantic's own `use_attribute_docstrings`, except
    the query language's (``field_docs = False``): nothing shows them, and their
    modules' source is never parsed."""
    import importlib

    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    from cadee.model import Strict

    for module in (
        "cadee.model",
        "cadee.query.selectors",
        "cadee.query.conditions",
        "cadee.query.templates",
        "cadee.packs.model",
    ):
        importlib.import_module(module)
    models: list[type[Strict]] = []
    pending = list(Strict.__subclasses__())
    while pending:
        model = pending.pop()
        models.append(model)
        pending += model.__subclasses__()
    assert len(models) > 20
    described = 0
    for model in models:
        expected = {}
        for klass in reversed(model.__mro__):
            if isinstance(klass, type) and issubclass(klass, Strict):
                expected.update(extract_docstrings_from_cls(klass, use_inspect=True))
        if not model.field_docs:
            expected = {}
        for name, info in model.model_fields.items():
            assert info.description == expected.get(name), (model, name)
            described += info.description is not None
    assert described > 10
    assert any(not model.field_docs for model in models)


def test_query_modules_are_not_parsed_for_docstrings() -> None:
    """Only the blueprint models' source is parsed (in a fresh interpreter: the
    parse is cached per module)."""
    script = (
        "import inspect\n"
        "seen = []\n"
        "real = inspect.getsource\n"
        "inspect.getsource = lambda obj: (seen.append(obj.__name__), real(obj))[1]\n"
        "import cadee.rules, cadee.packs.model\n"
        "print(sorted(set(seen)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['cadee.model']"


def test_models_share_equal_fields_sets_and_read_as_before(loader: str) -> None:
    """The loader validates with a sharing context: items that set the same fields
    share one fields-set (memory), and each reads exactly what pydantic alone gives."""
    from pydantic import BaseModel

    from cadee.model import LIST_FIELDS

    result = load_blueprint(Path("examples/northwind-bank/blueprint.yaml"))
    assert result.blueprint is not None
    items = [item for key in LIST_FIELDS for item in getattr(result.blueprint, key)]
    assert len(items) > 20
    for item in items:
        alone = type(item).model_validate(item.model_dump(by_alias=True, exclude_unset=True))
        assert item.model_fields_set == alone.model_fields_set, item
        for value in item.__dict__.values():  # nested models too
            if isinstance(value, BaseModel):
                plain = type(value).model_validate(
                    value.model_dump(by_alias=True, exclude_unset=True)
                )
                assert value.model_fields_set == plain.model_fields_set
    sets = {id(item.model_fields_set) for item in items}
    assert len(sets) < len(items) / 2, "equal fields-sets are not shared"
    # Setting a field gives that item its own set: the others do not change.
    first = result.blueprint.systems[0]
    twin = next(
        s for s in result.blueprint.systems[1:] if s.model_fields_set is first.model_fields_set
    )
    before = set(twin.model_fields_set)
    unset = next(name for name in type(first).model_fields if name not in first.model_fields_set)
    setattr(first, unset, getattr(first, unset))
    assert unset in first.model_fields_set and twin.model_fields_set == before
