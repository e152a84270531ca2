"""Hostile input: fuzz every command with arbitrary YAML and broken blueprints.

Invariants, whatever the input: exit code 0, 1 or 2; no traceback and no
"internal error"; every error names file:line:column; every run takes under
5 seconds. Inputs that once broke something live in ``tests/corpus/`` and are
replayed by :func:`test_corpus_replays`.

The fuzz budget is bounded (``FUZZ_EXAMPLES``) so the file runs in about a
minute; ``CADEE_FUZZ_EXAMPLES=2000 pytest tests/test_hostile.py`` runs longer.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadee.cli import main

from .conftest import REPO

PILOT = REPO / "examples" / "northwind-pilot" / "blueprint.yaml"
CORPUS = Path(__file__).resolve().parent / "corpus"
FUZZ_EXAMPLES = int(os.environ.get("CADEE_FUZZ_EXAMPLES", "100"))
SECONDS_PER_RUN = 5.0
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)
#: Lines of the text report that locate an error: ``file:line:column: error ...``.
LOCATED = re.compile(r"^.+:\d+:\d+: (error|warning|info) ")
TOP_KEYS = (
    "cadee",
    "blueprint",
    "include",
    "owners",
    "boundaries",
    "systems",
    "integrations",
    "evidence",
    "kpis",
    "gates",
    "waivers",
)


class Runner:
    """Runs ``cadee`` in-process and checks the invariants on every run."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.runs = 0

    def __call__(self, *argv: str, codes: tuple[int, ...] = (0, 1, 2)) -> tuple[int, str, str]:
        self.capsys.readouterr()
        started = time.perf_counter()
        code = main(list(argv))
        elapsed = time.perf_counter() - started
        out, err = self.capsys.readouterr()
        self.runs += 1
        shown = " ".join(argv)
        assert code in codes, f"cadee {shown}: exit {code}\n{out[-2000:]}\n{err[-2000:]}"
        for stream in (out, err):
            assert "Traceback" not in stream, f"cadee {shown}: traceback\n{stream[-3000:]}"
            assert "internal error" not in stream, f"cadee {shown}: {stream[-3000:]}"
        assert elapsed < SECONDS_PER_RUN, f"cadee {shown} took {elapsed:.1f}s"
        return code, out, err


def check_text_errors(text: str) -> None:
    """In a text report, every line after an ``invalid blueprint`` header is located."""
    inside = False
    for line in text.splitlines():
        if re.search(r": invalid blueprint \(\d+ errors?\)$", line):
            inside = True
            continue
        if inside:
            if not line.strip():
                inside = False
                continue
            assert LOCATED.match(line), f"error without file:line:column: {line!r}"


def check_json_errors(text: str) -> None:
    data = json.loads(text)
    for result in data if isinstance(data, list) else [data]:
        assert result["valid"] is (not result["errors"])
        for error in result["errors"]:
            assert error["file"], error
            assert isinstance(error["line"], int) and error["line"] >= 1, error
            assert isinstance(error["column"], int) and error["column"] >= 1, error


def exercise(run: Runner, folder: Path, blueprint: Path, export_to: str = "calm") -> int:
    """Every command on ``blueprint``; returns the validate exit code."""
    path = str(blueprint)
    reports = folder / "reports"
    reports.mkdir(exist_ok=True)
    code, out, _ = run(
        "validate",
        path,
        "-f",
        "json",
        "--as-of",
        "2026-06-01",
        *(
            f"--report={fmt}={reports / ('r.' + fmt)}"
            for fmt in ("text", "sarif", "junit", "gitlab", "github")
        ),
    )
    check_json_errors(out)
    check_text_errors((reports / "r.text").read_text(encoding="utf-8"))
    json.loads((reports / "r.sarif").read_text(encoding="utf-8"))
    json.loads((reports / "r.gitlab").read_text(encoding="utf-8"))
    import xml.etree.ElementTree as ET

    ET.fromstring((reports / "r.junit").read_text(encoding="utf-8"))
    for line in (reports / "r.github").read_text(encoding="utf-8").splitlines():
        assert line.startswith("::") or line.startswith("cadee:"), f"stray GitHub line {line!r}"
    _, out, _ = run("validate", path)
    check_text_errors(out)
    valid = code in (0, 1)
    run("simulate", path, "--all", "-f", "json")
    run("diff", str(PILOT), path, "-f", "markdown", "--as-of", "2026-06-01")
    run("export", path, "-t", export_to)
    out_dir = folder / "pack"
    render_code, _, err = run(
        "render", path, "--out", str(out_dir), "-f", "md,dot,mmd", "--as-of", "2026-06-01"
    )
    if valid:
        assert render_code == 0, err
        assert (out_dir / "brief.md").is_file()
        check_pack_names(out_dir)
    else:
        assert render_code == 2
        check_text_errors(err)
    return code


def check_pack_names(out_dir: Path) -> None:
    """Every file stays inside --out, and no two names differ only in case."""
    root = out_dir.resolve()
    names = [p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()]
    for name in names:
        assert (out_dir / name).resolve().is_relative_to(root), name
    folded = [name.casefold() for name in names]
    assert len(set(folded)) == len(folded), (
        f"names that collide on case-insensitive disks: {sorted(names)}"
    )


# -- (a) arbitrary YAML ------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(
        ["", "yes", "off", "~", "1:30", "0x1F", "2026-13-01", ".inf", "<<", "&a", "*a"]
    ),
    st.integers(1000, 100_000).map(lambda n: "x" * n),
)
keys = st.one_of(
    st.sampled_from(
        [
            *TOP_KEYS,
            "id",
            "kind",
            "name",
            "from",
            "to",
            "fallback",
            "when",
            "trust",
            "boundary",
            "owner",
            "approvers",
            "observability",
        ]
    ),
    st.text(max_size=12),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=40,
)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    document = draw(documents)
    if draw(st.booleans()):
        # Mostly shaped like a blueprint, so the fuzz gets past the first check.
        top = document if isinstance(document, dict) else {"systems": document}
        document = {"cadee": 1, "blueprint": {"id": "bp", "title": "T"}, **top}
    style = draw(st.sampled_from([None, True, False]))
    return yaml.safe_dump(document, default_flow_style=style, allow_unicode=draw(st.booleans()))


raw_texts = st.text(
    alphabet=st.sampled_from(
        list("cadee:1 blueprint\n-[]{}&*!|>'\"#%@`,?\t\\x\u202e\u00e9\x00\x85\ufeff")
    ),
    max_size=200,
)


@FUZZ
@given(text=st.one_of(yaml_texts(), raw_texts, st.binary(max_size=200)))
def test_arbitrary_yaml_is_answered_cleanly(
    capsys: pytest.CaptureFixture[str], text: str | bytes
) -> None:
    run = Runner(capsys)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        blueprint = folder / "blueprint.yaml"
        blueprint.write_bytes(
            text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        )
        exercise(run, folder, blueprint)


# -- (b) mutations of a valid blueprint --------------------------------------------

PILOT_DATA: dict[str, Any] = yaml.safe_load(PILOT.read_text(encoding="utf-8"))
WRONG_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2.5,
    "",
    "nope",
    [],
    {},
    [None],
    {"x": 1},
    dt.date(2026, 1, 1),
    "a->b",
    "x" * 70,
    "<script>",
    10**30,
]


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _containers(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _containers(value, (*path, index))
    return found


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _list(data: dict[str, Any], key: str) -> list[Any]:
    """``data[key]`` when it is a list: an earlier mutation may have made it a bool or a
    number (``wrong_type``), and a mutation must not crash on that."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def _ids(data: dict[str, Any], key: str) -> list[str]:
    return [item["id"] for item in _list(data, key) if isinstance(item, dict) and "id" in item]


Mutation = Callable[[st.DrawFn, dict[str, Any]], None]


def remove_key(draw: st.DrawFn, data: dict[str, Any]) -> None:
    paths = [p for p in _containers(data) if p and isinstance(_at(data, p[:-1]), dict)]
    path = draw(st.sampled_from(paths))
    del _at(data, path[:-1])[path[-1]]


def rename_key(draw: st.DrawFn, data: dict[str, Any]) -> None:
    paths = [p for p in _containers(data) if p and isinstance(_at(data, p[:-1]), dict)]
    path = draw(st.sampled_from(paths))
    parent = _at(data, path[:-1])
    new = draw(
        st.sampled_from(
            [path[-1] + "s", path[-1].upper(), "", "x" * 200, "<b>", "id", "from", "to"]
        )
    )
    parent[new] = parent.pop(path[-1])


def wrong_type(draw: st.DrawFn, data: dict[str, Any]) -> None:
    paths = [p for p in _containers(data) if p]
    path = draw(st.sampled_from(paths))
    _at(data, path[:-1])[path[-1]] = draw(st.sampled_from(WRONG_VALUES))


def dangling_reference(draw: st.DrawFn, data: dict[str, Any]) -> None:
    refs = [
        p
        for p in _containers(data)
        if p
        and p[-1]
        in ("owner", "boundary", "from", "to", "oncall", "identity_provider", "kpi", "decided_by")
    ]
    if refs:
        path = draw(st.sampled_from(refs))
        _at(data, path[:-1])[path[-1]] = draw(st.sampled_from(["ghost", "Ghost", "", "a" * 64]))


def fallback_cycle(draw: st.DrawFn, data: dict[str, Any]) -> None:
    systems = [s for s in _list(data, "systems") if isinstance(s, dict) and "id" in s]
    if len(systems) < 2:
        return
    chosen = draw(st.lists(st.sampled_from(systems), min_size=1, max_size=4, unique_by=id))
    for here, there in zip(chosen, chosen[1:] + chosen[:1], strict=True):
        here["fallback"] = [
            draw(st.sampled_from([there["id"], {"to": there["id"], "when": ["timeout"]}]))
        ]


def duplicate_id(draw: st.DrawFn, data: dict[str, Any]) -> None:
    key = draw(st.sampled_from(["owners", "systems", "boundaries", "integrations"]))
    items = _list(data, key)
    if items:
        data[key] = [*items, copy.deepcopy(draw(st.sampled_from(items)))]


def self_integration(draw: st.DrawFn, data: dict[str, Any]) -> None:
    ids = _ids(data, "systems")
    if ids:
        node = draw(st.sampled_from(ids))
        data["integrations"] = [*_list(data, "integrations"), {"from": node, "to": node}]


MUTATIONS: list[Mutation] = [
    remove_key,
    rename_key,
    wrong_type,
    dangling_reference,
    fallback_cycle,
    duplicate_id,
    self_integration,
]


@st.composite
def broken_blueprints(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    data = copy.deepcopy(PILOT_DATA)
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        mutation(draw, data)
    text_edits = draw(
        st.lists(st.sampled_from(["duplicate-line", "tab", "truncate", "anchor"]), max_size=2)
    )
    return data, text_edits


def _apply_text_edits(text: str, edits: list[str], draw_index: int) -> str:
    lines = text.splitlines(keepends=True)
    for edit in edits:
        index = draw_index % max(1, len(lines))
        if edit == "duplicate-line" and lines:
            lines.insert(index, lines[index])  # a duplicate key (or list item)
        elif edit == "tab" and lines:
            lines[index] = "\t" + lines[index]
        elif edit == "truncate":
            lines = lines[: index + 1]
        elif edit == "anchor" and lines:
            lines.append("extra: &a [*a]\n")
    return "".join(lines)


@FUZZ
@given(
    case=broken_blueprints(),
    where=st.integers(0, 10_000),
    export_to=st.sampled_from(["calm", "backstage", "structurizr", "mermaid", "dot"]),
)
def test_mutated_blueprints_are_answered_cleanly(
    capsys: pytest.CaptureFixture[str],
    case: tuple[dict[str, Any], list[str]],
    where: int,
    export_to: str,
) -> None:
    data, edits = case
    text = _apply_text_edits(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), edits, where
    )
    run = Runner(capsys)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        blueprint = folder / "blueprint.yaml"
        blueprint.write_text(text, encoding="utf-8")
        exercise(run, folder, blueprint, export_to)


# -- include chains ------------------------------------------------------------------


@st.composite
def include_graphs(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Files f0..fn with random includes: chains, diamonds, cycles, missing and escaping paths."""
    count = draw(st.integers(1, 5))
    names = [f"f{i}.yaml" for i in range(count)]
    systems = copy.deepcopy(PILOT_DATA["systems"])
    files: dict[str, dict[str, Any]] = {}
    for index, name in enumerate(names):
        doc: dict[str, Any] = {"cadee": 1}
        if index == 0:
            doc = {k: v for k, v in copy.deepcopy(PILOT_DATA).items() if k != "systems"}
        doc["systems"] = systems[index::count]
        targets = draw(
            st.lists(
                st.one_of(
                    st.sampled_from(names),
                    st.sampled_from(
                        [
                            "missing.yaml",
                            "../outside.yaml",
                            "/etc/passwd",
                            "",
                            "sub",
                            "f0.yaml\x00",
                            "link.yaml",
                        ]
                    ),
                ),
                max_size=3,
            )
        )
        if targets:
            doc["include"] = targets
        files[name] = doc
    return files


@FUZZ
@given(files=include_graphs())
def test_include_graphs_are_answered_cleanly(
    capsys: pytest.CaptureFixture[str], files: dict[str, dict[str, Any]]
) -> None:
    run = Runner(capsys)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        (root / "sub").mkdir()
        (Path(tmp) / "outside.yaml").write_text("cadee: 1\nsystems: []\n", encoding="utf-8")
        (root / "link.yaml").symlink_to(Path(tmp) / "outside.yaml")
        for name, doc in files.items():
            (root / name).write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        code, out, _ = run("validate", str(root / "f0.yaml"), "-f", "json")
        check_json_errors(out)
        messages = " ".join(e["message"] for e in json.loads(out)["errors"])
        top_includes = files["f0.yaml"].get("include", [])
        if "../outside.yaml" in top_includes or "link.yaml" in top_includes:
            # The symbolic link is resolved before the confinement check.
            assert "outside the project root" in messages
        if code == 2:
            _, out, _ = run("validate", str(root / "f0.yaml"))
            check_text_errors(out)


# -- the corpus ----------------------------------------------------------------------

CORPUS_FILES = sorted(p for p in CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("case", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_corpus_replays(capsys: pytest.CaptureFixture[str], case: Path, tmp_path: Path) -> None:
    """Every input that once broke cadee, through every command."""
    blueprint = tmp_path / "blueprint.yaml"
    blueprint.write_bytes(case.read_bytes())
    exercise(Runner(capsys), tmp_path, blueprint)


def test_corpus_is_not_empty() -> None:
    assert len(CORPUS_FILES) >= 1


# -- files: --out and symbolic links -------------------------------------------------


def test_render_out_symlink_replaces_the_link_not_its_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--out`` naming a symbolic link to a folder elsewhere: the pack replaces the link;
    the folder it pointed to is never written or emptied."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "pack"
    link.symlink_to(elsewhere, target_is_directory=True)
    run = Runner(capsys)
    code, _, _ = run("render", str(PILOT), "--out", str(link), "-f", "md", "--as-of", "2026-06-01")
    assert code == 0
    assert list(elsewhere.iterdir()) == []
    assert not link.is_symlink() and (link / "brief.md").is_file()


def test_render_refuses_a_foreign_folder_behind_a_symlink(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine", encoding="utf-8")
    link = tmp_path / "pack"
    link.symlink_to(precious, target_is_directory=True)
    run = Runner(capsys)
    code, _, err = run("render", str(PILOT), "--out", str(link), "-f", "md")
    assert code == 2 and "not written by cadee render" in err
    assert (precious / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_report_output_is_atomic_and_leaves_no_temporary_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "reports" / "cadee.sarif"
    run = Runner(capsys)
    run("validate", str(PILOT), "-f", "sarif", "-o", str(target))
    json.loads(target.read_text(encoding="utf-8"))
    assert sorted(p.name for p in target.parent.iterdir()) == ["cadee.sarif"]


def test_include_through_a_symlink_is_checked_after_resolving(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    secret = tmp_path / "secret.yaml"
    secret.write_text("cadee: 1\nsystems: [{id: stolen, kind: service}]\n", encoding="utf-8")
    (project / "inside.yaml").symlink_to(secret)
    top = project / "blueprint.yaml"
    top.write_text(
        "cadee: 1\nblueprint: {id: bp, title: T}\ninclude: [inside.yaml]\n", encoding="utf-8"
    )
    run = Runner(capsys)
    code, out, _ = run("validate", str(top), "-f", "json")
    assert code == 2
    (error,) = json.loads(out)["errors"]
    assert "resolves outside the project root" in error["message"] and (
        error["line"],
        error["column"],
    ) == (3, 11)
    assert "stolen" not in out
