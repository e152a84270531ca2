"""The command line as users run it: exit codes, formats, options, configuration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from cadee.cli import main
from cadee.rules import RULES
from tests.conftest import CLEAN, REPO

FLAGSHIP = "examples/northwind-bank/blueprint.yaml"
PILOT = "examples/northwind-pilot/blueprint.yaml"
GOLDENS = REPO / "tests" / "goldens"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


class TestExitCodes:
    def test_clean_blueprint_exits_0(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(capsys, "validate", str(write(tmp_path, "bp.yaml", CLEAN)))
        assert code == 0
        assert "no findings" in out
        assert "passed: 0 errors, 0 warnings, 0 info, 0 waived in 1 blueprint" in out

    def test_warning_fails_only_with_fail_on_warning(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = write(
            tmp_path,
            "bp.yaml",
            CLEAN.replace(
                "  - {id: svc, kind: service, owner: ops, boundary: corp}",
                "  - {id: svc, kind: service, owner: ops}",
            ),
        )
        assert run(capsys, "validate", str(path))[0] == 0
        code, out, _ = run(capsys, "validate", str(path), "--fail-on", "warning")
        assert code == 1
        assert "ARC007 warning" in out

    def test_invalid_blueprint_exits_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = write(tmp_path, "bp.yaml", CLEAN.replace("kind: service", "kind: servise"))
        code, out, _ = run(capsys, "validate", str(path))
        assert code == 2
        assert "invalid blueprint (1 error)" in out
        assert re.search(
            r"bp\.yaml:5:\d+: error `kind` must be one of: .* did you mean 'service'\? \[systems\[0\]\.kind\]",
            out,
        )
        assert "Traceback" not in out

    @pytest.mark.parametrize(
        "args",
        [
            ["validate", "--format", "xml", "x.yaml"],
            ["validate", "--select", "NOPE", "x.yaml"],
            ["validate", "--as-of", "yesterday", "x.yaml"],
            ["validate"],
            ["frobnicate"],
        ],
    )
    def test_usage_errors_exit_2(self, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, *args)[0] == 2

    def test_missing_path_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "validate", str(tmp_path / "nope.yaml"))
        assert code == 2
        assert "no such file or folder" in out

    def test_pilot_fails_and_production_passes(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(capsys, "validate", FLAGSHIP, "--as-of", "2026-06-01")[0] == 0
        code, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01")
        assert code == 1
        lines = [
            line
            for line in out.splitlines()
            if re.match(r"^examples/\S+:\d+:\d+: [A-Z]{3}\d{3} ", line)
        ]
        assert len(lines) >= 20
        fired = {line.split()[1] for line in lines}
        assert len(fired) >= 18

    def test_expired_waiver_fails_the_production_example_later(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(capsys, "validate", FLAGSHIP, "--as-of", "2099-01-01")
        assert code == 1
        assert "WVR001 error" in out


class TestOptions:
    def test_select_and_ignore_prefixes(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(
            capsys,
            "validate",
            PILOT,
            "--as-of",
            "2026-06-01",
            "--format",
            "json",
            "--select",
            "FBK,OWN",
            "--ignore",
            "OWN004",
        )
        rules = {f["rule"] for f in json.loads(out)["findings"]}
        assert rules and all(r.startswith(("FBK", "OWN")) for r in rules)
        assert "OWN004" not in rules

    def test_output_file_gets_plain_text(
        self, in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "out" / "report.txt"
        code, out, _ = run(capsys, "validate", PILOT, "--output", str(target))
        assert code == 1
        assert out == ""
        text = target.read_text(encoding="utf-8")
        assert "\x1b[" not in text
        assert "failed" in text

    def test_waived_findings_show_their_waiver(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(capsys, "validate", FLAGSHIP, "--as-of", "2026-06-01")
        waived = [line for line in out.splitlines() if "[waived by" in line]
        assert waived and "until 2027-05-31" in waived[0]
        assert "1 waived" in out

    def test_colour_follows_no_color(self, tmp_path: Path) -> None:
        path = write(
            tmp_path, "bp.yaml", CLEAN.replace("kind: service, owner: ops,", "kind: service,")
        )
        env = {**os.environ, "FORCE_COLOR": "1", "PYTHONPATH": str(REPO)}
        env.pop("NO_COLOR", None)
        coloured = subprocess.run(
            [sys.executable, "-m", "cadee", "validate", str(path)],
            capture_output=True,
            text=True,
            env=env,
        )
        assert "\x1b[1;31merror" in coloured.stdout
        env["NO_COLOR"] = "1"
        plain = subprocess.run(
            [sys.executable, "-m", "cadee", "validate", str(path)],
            capture_output=True,
            text=True,
            env=env,
        )
        assert "31m" not in plain.stdout and "OWN001" in plain.stdout


class TestJson:
    def test_shape_and_key_order(self, in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "validate", PILOT, "--format", "json", "--as-of", "2026-06-01")
        data = json.loads(out)
        assert list(data) == [
            "blueprint",
            "valid",
            "errors",
            "findings",
            "summary",
            "kpis",
            "gates",
        ]
        assert data["blueprint"] == PILOT
        assert list(data["findings"][0]) == [
            "rule",
            "name",
            "severity",
            "target",
            "message",
            "file",
            "line",
            "column",
            "waived",
        ]
        assert list(data["summary"]) == ["error", "warning", "info", "waived"]
        assert data["summary"]["error"] == sum(
            1 for f in data["findings"] if f["severity"] == "error" and not f["waived"]
        )

    def test_invalid_blueprint_json(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = write(
            tmp_path, "bp.yaml", "cadee: 1\nblueprint: {id: bp, title: T, owner: nobody}\n"
        )
        code, out, _ = run(capsys, "validate", str(path), "--format", "json")
        data = json.loads(out)
        assert code == 2
        assert data["valid"] is False and data["findings"] == []
        assert data["summary"] == {"error": 0, "warning": 0, "info": 0, "waived": 0}
        [error] = data["errors"]
        assert list(error) == ["message", "file", "line", "column", "path"]
        assert (error["line"], error["column"], error["path"]) == (2, 38, "blueprint.owner")

    def test_several_blueprints_give_an_array_in_path_order(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        b = write(tmp_path, "b.yaml", CLEAN)
        a = write(tmp_path, "a.yaml", CLEAN)
        _, out, _ = run(capsys, "validate", str(b), str(a), "--format", "json")
        data = json.loads(out)
        assert isinstance(data, list) and len(data) == 2

    def test_folder_discovery_skips_include_only_catalogs(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(tmp_path, "bank/catalog/owners.yaml", "cadee: 1\nowners: [{id: o, name: O}]\n")
        write(
            tmp_path,
            "bank/blueprint.yaml",
            "cadee: 1\nblueprint: {id: bp, title: T}\ninclude: [catalog/owners.yaml]\n",
        )
        write(tmp_path, "bank/z-other.yml", CLEAN)
        write(tmp_path, "bank/notes.yaml", "just: yaml\n")
        _, out, _ = run(capsys, "validate", str(tmp_path), "--format", "json")
        data = json.loads(out)
        assert [Path(d["blueprint"]).name for d in data] == ["blueprint.yaml", "z-other.yml"]

    def test_folder_discovery_reads_flow_style_and_quoted_keys(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(tmp_path, "flow.yaml", "{cadee: 1, blueprint: {id: x, title: T}}\n")
        write(tmp_path, "quoted.yaml", '"cadee": 1\n"blueprint": {id: y, title: T}\n')
        write(tmp_path, "catalog.yaml", 'cadee: 1\nowners: [{id: o, name: "blueprint: x"}]\n')
        _, out, _ = run(capsys, "validate", str(tmp_path), "--format", "json")
        assert [Path(d["blueprint"]).name for d in json.loads(out)] == ["flow.yaml", "quoted.yaml"]

    @pytest.mark.parametrize("example", ["northwind-bank", "northwind-pilot"])
    def test_golden_reports(
        self, example: str, in_repo: None, capsys: pytest.CaptureFixture[str], update_goldens: bool
    ) -> None:
        _, out, _ = run(
            capsys,
            "validate",
            f"examples/{example}/blueprint.yaml",
            "--format",
            "json",
            "--as-of",
            "2026-06-01",
        )
        golden = GOLDENS / f"{example}.json"
        if update_goldens:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(out, encoding="utf-8")
        assert out == golden.read_text(encoding="utf-8")

    def test_output_is_deterministic_across_hash_seeds(self, tmp_path: Path) -> None:
        outputs = set()
        for seed in ("0", "1", "12345"):
            env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "cadee",
                    "validate",
                    PILOT,
                    "--format",
                    "json",
                    "--as-of",
                    "2026-06-01",
                ],
                capture_output=True,
                cwd=REPO,
                env=env,
                check=False,
            )
            outputs.add(done.stdout)
        assert len(outputs) == 1


class TestConfiguration:
    def test_pyproject_settings_apply_and_cli_wins(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(
            tmp_path,
            "pyproject.toml",
            """\
            [project]
            name = "x"

            [tool.cadee]
            ignore = ["OWN001"]
            severity = { ARC007 = "error" }
            fail-on = "error"
            """,
        )
        path = write(tmp_path, "arch/bp.yaml", CLEAN.replace("owner: ops, boundary: corp}", "}"))
        code, out, _ = run(capsys, "validate", str(path), "--format", "json")
        rules = {(f["rule"], f["severity"]) for f in json.loads(out)["findings"]}
        assert ("ARC007", "error") in rules
        assert not any(r == "OWN001" for r, _ in rules)
        assert code == 1
        _, out, _ = run(capsys, "validate", str(path), "--format", "json", "--ignore", "ARC")
        rules2 = {f["rule"] for f in json.loads(out)["findings"]}
        assert "OWN001" in rules2 and "ARC007" not in rules2

    def test_cadee_toml_and_unknown_keys(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(tmp_path, "cadee.toml", 'select = ["FBK"]\nfail_on = "warning"\n')
        path = write(tmp_path, "bp.yaml", CLEAN)
        code, out, _ = run(capsys, "validate", str(path))
        assert code == 2
        assert re.search(
            r"cadee\.toml:2:1: error unknown configuration key `fail_on`; did you mean `fail-on`\?",
            out,
        )

    def test_config_selector_matching_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(tmp_path, "cadee.toml", 'select = ["FBK", "XYZ"]\n')
        code, out, _ = run(capsys, "validate", str(write(tmp_path, "bp.yaml", CLEAN)))
        assert code == 2
        assert "'XYZ' matches no rule" in out

    def test_limits_can_be_raised_or_lowered(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(tmp_path, "cadee.toml", "[limits]\nmax_file_bytes = 50\n")
        code, out, _ = run(capsys, "validate", str(write(tmp_path, "bp.yaml", CLEAN)))
        assert code == 2
        assert "above the limit of 50" in out


class TestCatalogCommands:
    def test_rules_json_lists_the_catalog(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "rules", "--format", "json")
        data = json.loads(out)
        assert code == 0 and len(data) == len(RULES)
        assert data[0] == {
            **data[0],
            "id": "FBK001",
            "name": "ai-fallback-to-human",
            "layer": "architecture",
        }

    def test_explain(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "explain", "iam001")
        assert code == 0
        assert out.startswith("# IAM001 boundary-crossing-auth")
        for heading in (
            "## What it does",
            "## Why it matters",
            "## How to fix",
            "## Failing example",
            "## References",
        ):
            assert heading in out
        assert run(capsys, "explain", "gateway-mediation")[1].startswith("# ARC001")
        assert run(capsys, "explain", "XYZ999")[0] == 2

    def test_schema_accepts_every_shipped_blueprint(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(capsys, "schema")
        schema = json.loads(out)
        assert code == 0
        jsonschema.Draft202012Validator.check_schema(schema)
        files = sorted((REPO / "blueprints").rglob("*.yaml")) + sorted(
            (REPO / "examples").rglob("*.yaml")
        )
        assert len(files) >= 4
        for path in files:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data = json.loads(
                json.dumps(data, default=str)
            )  # dates as strings, as editors see them
            jsonschema.validate(data, schema)

    def test_schema_rejects_unknown_keys(self, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "schema")
        schema = json.loads(out)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"cadee": 1, "systms": []}, schema)

    def test_init_writes_a_valid_starter_and_never_overwrites(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "new" / "bp.yaml"
        code, _out, _ = run(capsys, "init", str(target), "--pattern", "healthcare")
        assert code == 0 and target.exists()
        assert run(capsys, "validate", str(target))[0] == 0
        before = target.read_text(encoding="utf-8")
        code, _, err = run(capsys, "init", str(target))
        assert code == 2 and "already exists" in err
        assert target.read_text(encoding="utf-8") == before
        assert run(capsys, "init", str(tmp_path / "x.yaml"), "--pattern", "nope")[0] == 2

    def test_init_list(self, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "init", "--list")
        assert "financial-services/ai-customer-service" in out

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        from cadee import __version__

        code, out, err = run(capsys, "--version")
        assert (code, err) == (0, "") and out.startswith(f"cadee {__version__} (YAML fast path: ")
        code, out, _ = run(capsys, "-V", "rules")
        assert code == 0 and __version__ in out


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "bp.yaml", "cadee: 1\nblueprint: [broken\n")
    done = subprocess.run(
        [sys.executable, "-m", "cadee", "validate", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "YAML syntax error" in done.stdout


@pytest.mark.parametrize(
    ("args", "kept"),
    [
        (["validate", FLAGSHIP, "-f", "json"], "BlueprintResult"),
        (["diff", PILOT, FLAGSHIP, "-f", "json"], "BlueprintDiff"),
    ],
)
def test_the_program_exits_while_the_run_data_is_still_referenced(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    kept: str,
) -> None:
    """A command hands its blueprints and findings to `cli.main` (keep_until_exit), which
    holds them until its fast exit: the process never tears them down."""
    import cadee.cli

    held: list[object] = []

    def exit_process(code: int) -> None:
        held.extend(sys._getframe(1).f_locals["kept"])
        raise SystemExit(code)

    monkeypatch.setattr(cadee.cli, "_exit_process", exit_process)
    with pytest.raises(SystemExit):
        main(args, fast_exit=True)
    capsys.readouterr()
    names = {type(item).__name__ for item in held}
    names |= {type(x).__name__ for item in held if isinstance(item, list) for x in item}
    assert kept in names, names


def test_the_program_flushes_its_whole_report_before_its_fast_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], in_repo: None
) -> None:
    """`cadee` ends with os._exit once the output is flushed: nothing may be lost on the way."""
    from benchmarks.generate import generate, write_estate

    top = write_estate(generate(400), tmp_path / "estate")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args in (
        ["validate", str(top), "-f", "json", "--as-of", "2026-06-01"],
        ["export", str(top), "-t", "calm"],
    ):
        done = subprocess.run([sys.executable, "-m", "cadee", *args], capture_output=True, env=env)
        code, expected, _ = run(capsys, *args)
        assert (done.returncode, done.stdout.decode()) == (code, expected)
        json.loads(done.stdout)
    assert len(done.stdout) > 256 * 1024  # the export: well over a pipe's buffer
    # Errors go to stderr and the exit code survives too.
    broken = write(tmp_path, "broken.yaml", "cadee: 1\nblueprint: [broken\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cadee",
            "validate",
            str(broken),
            "--report",
            f"json={tmp_path / 'r'}",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2 and "YAML syntax error" in done.stdout
    assert json.loads((tmp_path / "r").read_text())["valid"] is False
    # A reader that stops early (`| head -1`) gets no traceback.
    with subprocess.Popen(
        [sys.executable, "-m", "cadee", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(10)
        process.stdout.close()
        errors = process.stderr.read().decode()
    assert "Traceback" not in errors and process.returncode in (0, 1)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "args",
    [
        ["validate", PILOT, "-f", "json"],
        ["validate", PILOT],
        ["--version"],
        ["--help"],
        ["export", FLAGSHIP, "--to", "calm"],
    ],
)
def test_output_that_cannot_be_written_is_an_error_not_silence(
    args: list[str], in_repo: None
) -> None:
    """`cadee ... > file` on a full disk must fail the CI step, with one clear line."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "cadee", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().endswith(
        "cadee: cannot write the output: No space left on device"
    ), done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [["schema"], ["--version"], ["validate", PILOT, "-f", "json"]])
def test_a_closed_standard_output_is_like_dev_null(args: list[str], in_repo: None) -> None:
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "cadee", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == (1 if "validate" in args else 0), done.stderr
    assert done.stderr == ""


def test_an_error_that_is_not_about_output_stays_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import cadee.validate

    def broken(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(cadee.validate, "validate_file", broken)
    code = main(["validate", str(write(tmp_path, "bp.yaml", CLEAN))])
    err = capsys.readouterr().err
    assert code == 2 and "internal error (FileNotFoundError)" in err and "cannot write" not in err


@pytest.mark.parametrize("command", ["validate", "diff", "export"])
def test_output_to_a_device_writes_through_it(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    blueprint = str(write(tmp_path, "bp.yaml", CLEAN))
    argv = {
        "validate": ["validate", blueprint, "--format", "json"],
        "diff": ["diff", blueprint, blueprint, "--format", "json"],
        "export": ["export", blueprint, "--to", "calm"],
    }[command]
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code = main([*argv, "--output", str(fifo)])
    reader.join(timeout=10)
    assert code == 0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO must not be replaced by a file"
    assert isinstance(json.loads(received[0]), dict)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")], (
        "temporary file left behind"
    )


def test_report_files_are_readable_by_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "r.json"
        main(
            [
                "validate",
                str(write(tmp_path, "bp.yaml", CLEAN)),
                "--format",
                "json",
                "--output",
                str(target),
            ]
        )
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644
