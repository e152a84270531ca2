"""CI report formats: SARIF, JUnit, GitLab Code Quality, GitHub workflow commands,
and `--report FORMAT=FILE`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cadee.cli import main
from cadee.report.sarif import RepositoryPaths, find_repository_root, fingerprint
from cadee.rules import RULES
from cadee.text import github_data, github_property, terminal
from tests.conftest import CLEAN, REPO, SHARED

PILOT = "examples/northwind-pilot/blueprint.yaml"
FLAGSHIP = "examples/northwind-bank/blueprint.yaml"
GOLDENS = REPO / "tests" / "goldens" / "ci"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
FORMATS = {"sarif": "sarif", "junit": "xml", "gitlab": "gitlab.json", "github": "github.txt"}

#: Free text reaches messages through waiver targets (WVR002 quotes them) and
#: waiver reasons (suppressions, system-out). The file name is hostile too.
NASTY_TARGET = "ghost %0A 100% a,b c:d\r\nnext <tag> & \"dq\" 'sq' é 中文 ::error::x"
NASTY_REASON = 'Reason: 50%, <b>bold</b> & "quotes"\nsecond line é'
NASTY_NAME = "bp, a:b %é.yaml"
NASTY = f"""\
cadee: 1
blueprint: {{id: bp, title: "Ünïcödé <&> \\"q\\"", owner: ops}}
owners: [{{id: ops, name: "Ops, <&> %", function: operations}}]
systems:
  - {{id: svc, kind: service, owner: ops}}
  - {{id: llm, kind: model, owner: ops}}
integrations: [{{from: svc, to: llm, auth: mtls}}]
waivers:
  - rule: ARC005
    target: {json.dumps(NASTY_TARGET)}
    reason: because
    approved_by: ops
    expires: 2030-01-01
  - rule: ARC007
    target: svc
    reason: {json.dumps(NASTY_REASON)}
    approved_by: ops
    expires: 2030-01-01
  - rule: OWN001
    target: "ctl \\0 \\x01 \\x1b[31m red"
    reason: controls
    approved_by: ops
    expires: 2030-01-01
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def git_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree (just a `.git` folder) as the working folder."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def sarif_schema() -> dict[str, Any]:
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA}")
    schema: dict[str, Any] = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return schema


def assert_valid_sarif(text: str) -> dict[str, Any]:
    schema = sarif_schema()
    log: dict[str, Any] = json.loads(text)
    validator = jsonschema.validators.validator_for(schema)
    errors = sorted(validator(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:300]}" for e in errors[:5])
    return log


def unescape_github(text: str) -> str:
    """What the Actions runner does with an escaped value (%25 last)."""
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Split a workflow command line as the runner does."""
    match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert match, line
    props = {}
    for pair in (match.group(2) or "").split(","):
        key, _, value = pair.partition("=")
        props[key] = unescape_github(value)
    return match.group(1), props, unescape_github(match.group(3))


# -- goldens and schema --------------------------------------------------------


class TestGoldens:
    @pytest.mark.parametrize("fmt", list(FORMATS))
    def test_pilot_golden(
        self, fmt: str, in_repo: None, capsys: pytest.CaptureFixture[str], update_goldens: bool
    ) -> None:
        code, out, err = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", fmt)
        assert code == 1, err
        golden = GOLDENS / f"northwind-pilot.{FORMATS[fmt]}"
        if update_goldens:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(out, encoding="utf-8")
        assert out == golden.read_text(encoding="utf-8")

    @pytest.mark.parametrize("fmt", list(FORMATS))
    def test_same_bytes_across_hash_seeds(self, fmt: str) -> None:
        outputs = set()
        for seed in ("0", "4242"):
            env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "cadee",
                    "validate",
                    PILOT,
                    FLAGSHIP,
                    "--as-of",
                    "2026-06-01",
                    "-f",
                    fmt,
                ],
                capture_output=True,
                cwd=REPO,
                env=env,
                check=False,
            )
            assert done.returncode == 1, done.stderr
            outputs.add(done.stdout)
        assert len(outputs) == 1


class TestSarif:
    @pytest.mark.parametrize("example", [PILOT, FLAGSHIP])
    def test_examples_validate_against_the_schema(
        self, example: str, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(capsys, "validate", example, "--as-of", "2026-06-01", "--format", "sarif")
        log = assert_valid_sarif(out)
        assert log["version"] == "2.1.0"
        assert len(log["runs"]) == 1

    def test_driver_carries_the_catalog(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", "sarif")
        driver = json.loads(out)["runs"][0]["tool"]["driver"]
        assert driver["name"] == "cadee"
        assert driver["version"]
        assert driver["informationUri"].startswith("https://")
        ids = [r["id"] for r in driver["rules"]]
        assert ids == ["CADEE000", *RULES]
        by_id = {r["id"]: r for r in driver["rules"]}
        for rule in RULES.values():
            descriptor = by_id[rule.id]
            assert descriptor["name"] == rule.name
            assert descriptor["shortDescription"]["text"] == rule.summary
            assert descriptor["fullDescription"]["text"] == rule.doc.what
            assert rule.doc.markdown in descriptor["help"]["markdown"]
            for reference in rule.references:
                assert reference in descriptor["help"]["markdown"]
            level = {"error": "error", "warning": "warning", "info": "note"}[rule.severity]
            assert descriptor["defaultConfiguration"]["level"] == level
            assert rule.layer in descriptor["properties"]["tags"]
        assert by_id["CADEE000"]["name"] == "invalid-blueprint"
        assert by_id["CADEE000"]["defaultConfiguration"]["level"] == "error"

    def test_results_point_at_rules_locations_and_targets(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", "sarif")
        _, plain, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", "json")
        run_ = json.loads(out)["runs"][0]
        findings = json.loads(plain)["findings"]
        results = run_["results"]
        assert len(results) == len(findings) == 38
        rules = run_["tool"]["driver"]["rules"]
        kinds = {}
        for result, finding in zip(results, findings, strict=True):
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["rule"]
            assert (
                result["level"]
                == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
            )
            assert result["message"]["text"] == finding["message"]
            location = result["locations"][0]
            physical = location["physicalLocation"]
            assert physical["artifactLocation"] == {"uri": PILOT, "uriBaseId": "%SRCROOT%"}
            assert physical["region"] == {
                "startLine": finding["line"],
                "startColumn": finding["column"],
            }
            logical = location["logicalLocations"][0]
            assert logical["name"] == finding["target"]
            kinds[finding["rule"]] = logical["kind"]
        assert kinds["FBK001"] == "system"
        assert kinds["IAM001"] == "integration"
        assert kinds["IAM003"] == "boundary"
        assert kinds["EVD002"] == "kpi"
        assert kinds["OWN002"] == "blueprint"
        assert kinds["EVD001"] == "evidence-kind"
        assert kinds["WVR001"] == kinds["WVR002"] == "waiver"
        prints = [r["partialFingerprints"]["cadeeFinding/v1"] for r in results]
        assert len(set(prints)) == len(prints)
        first = findings[0]
        assert prints[0] == fingerprint("northwind-ai-cs-pilot", first["rule"], first["target"])

    def test_fingerprints_survive_moved_lines(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = write(tmp_path, "bp.yaml", CLEAN.replace("boundary: corp}\n", "}\n", 1))
        _, before, _ = run(capsys, "validate", str(path), "--format", "sarif")
        path.write_text("# a comment\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
        _, after, _ = run(capsys, "validate", str(path), "--format", "sarif")
        old, new = (json.loads(t)["runs"][0]["results"][0] for t in (before, after))
        assert old["ruleId"] == "ARC007"
        assert new["locations"][0]["physicalLocation"]["region"]["startLine"] == (
            old["locations"][0]["physicalLocation"]["region"]["startLine"] + 2
        )
        assert new["partialFingerprints"] == old["partialFingerprints"]

    def test_waived_finding_is_suppressed(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys, "validate", FLAGSHIP, "--as-of", "2026-06-01", "--format", "sarif"
        )
        assert code == 0
        (result,) = json.loads(out)["runs"][0]["results"]
        assert result["ruleId"] == "IAM002"
        (suppression,) = result["suppressions"]
        assert suppression["kind"] == "external"
        assert suppression["status"] == "accepted"
        assert suppression["justification"].startswith("Batch job without an end user")
        assert suppression["properties"] == {"approvedBy": "nw-compliance", "expires": "2027-05-31"}
        # The finding sits in an included catalog file: its own path, not the blueprint's.
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "examples/northwind-bank/catalog/operations.yaml"

    def test_uris_are_relative_to_the_repository_root(
        self, git_tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write(git_tree, "arch/bank/bp.yaml", CLEAN.replace("boundary: corp}\n", "}\n", 1))
        monkeypatch.chdir(git_tree / "arch")
        _, out, _ = run(capsys, "validate", "bank/bp.yaml", "--format", "sarif")
        (result,) = json.loads(out)["runs"][0]["results"]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "arch/bank/bp.yaml", "uriBaseId": "%SRCROOT%"}
        _, out, _ = run(capsys, "validate", "bank/bp.yaml", "--format", "github")
        assert out.startswith(
            "::warning file=arch/bank/bp.yaml,line=5,col=5,title=ARC007 system-boundary::"
        )
        _, out, _ = run(capsys, "validate", "bank/bp.yaml", "--format", "gitlab")
        assert json.loads(out)[0]["location"]["path"] == "arch/bank/bp.yaml"

    def test_invalid_blueprint_is_a_cadee000_result(
        self, git_tree: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(
            git_tree,
            "bad.yaml",
            "cadee: 1\nblueprint: {id: bp, title: T}\nsystems:\n  - {id: a, kind: nope}\n  - {id: b, kind: service, colour: red}\n",
        )
        write(git_tree, "good.yaml", CLEAN)
        code, out, _ = run(
            capsys, "validate", "bad.yaml", "good.yaml", "missing.yaml", "--format", "sarif"
        )
        assert code == 2
        log = assert_valid_sarif(out)
        results = log["runs"][0]["results"]
        assert [r["ruleId"] for r in results] == ["CADEE000"] * 3
        assert all(r["ruleIndex"] == 0 and r["level"] == "error" for r in results)
        missing, kind, key = results
        assert missing["message"]["text"] == "no such file or folder"
        assert (
            missing["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing.yaml"
        )
        assert kind["locations"][0]["physicalLocation"]["region"] == {
            "startLine": 4,
            "startColumn": 19,
        }
        assert kind["message"]["text"].endswith("[systems[0].kind]")
        assert "colour" in key["message"]["text"]

    def test_several_blueprints_make_one_run(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(
            capsys, "validate", PILOT, FLAGSHIP, "--as-of", "2026-06-01", "--format", "sarif"
        )
        log = assert_valid_sarif(out)
        (only,) = log["runs"]
        blueprints = {r["properties"]["blueprint"] for r in only["results"]}
        assert blueprints == {PILOT, FLAGSHIP}

    def test_repository_paths(self, tmp_path: Path) -> None:
        (tmp_path / "repo" / ".git").mkdir(parents=True)
        (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
        assert (
            find_repository_root(tmp_path / "repo" / "a" / "b" / "x.yaml", tmp_path)
            == tmp_path / "repo"
        )
        assert find_repository_root(tmp_path / "x.yaml", tmp_path / "repo") == tmp_path / "repo"
        paths = RepositoryPaths(tmp_path / "repo" / "a", tmp_path / "repo")
        assert paths.relative("b/x.yaml") == "a/b/x.yaml"
        assert paths.relative("../../elsewhere.yaml") is None
        assert paths.artifact_location("b/my file%.yaml") == {
            "uri": "a/b/my%20file%25.yaml",
            "uriBaseId": "%SRCROOT%",
        }
        outside = paths.artifact_location(str(tmp_path / "out.yaml"))
        assert outside == {"uri": (tmp_path / "out.yaml").as_uri()}
        assert RepositoryPaths().relative("./a/../b.yaml") == "b.yaml"


# -- JUnit ---------------------------------------------------------------------------


def junit_cases(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text.encode("utf-8"))
    return {case.get("name", ""): case for case in root.iter("testcase")}


class TestJunit:
    def test_pilot_cases_failures_and_output(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", "junit")
        root = ET.fromstring(out.encode("utf-8"))
        assert root.tag == "testsuites"
        (suite,) = root.findall("testsuite")
        assert suite.get("name") == PILOT
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [f"{r.id} {r.name}" for r in RULES.values()]
        assert all(c.get("classname") == PILOT for c in cases)
        failed = [c for c in cases if c.find("failure") is not None]
        assert suite.get("tests") == str(len(RULES))
        assert suite.get("failures") == str(len(failed)) == "16"
        by_name = {c.get("name"): c for c in cases}
        fbk001 = by_name["FBK001 ai-fallback-to-human"].find("failure")
        assert fbk001 is not None
        assert fbk001.get("message", "").startswith(
            "4 findings at or above 'error'; first: examples/northwind-pilot/blueprint.yaml:131:5: pilot-hosted-llm: "
        )
        body = (fbk001.text or "").splitlines()
        assert len(body) == 4
        assert body[1].startswith(f"{PILOT}:139:5: pilot-onprem-llm: ")
        # Warnings below the fail level are passing cases with their findings in system-out.
        fbk004 = by_name["FBK004 ai-call-timeout"]
        assert fbk004.find("failure") is None
        out_text = fbk004.findtext("system-out") or ""
        assert (
            "pilot-agent->pilot-hosted-llm" in out_text
            and "below the fail level 'error'" in out_text
        )
        # A rule without findings passes with nothing to say.
        arc005 = by_name["OBS002 runtime-oncall"]
        assert arc005.find("system-out") is not None
        clean = by_name["IAM002 end-user-identity"]
        assert clean.find("failure") is None

    def test_rules_without_findings_pass_empty(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys, "validate", str(write(tmp_path, "bp.yaml", CLEAN)), "--format", "junit"
        )
        assert code == 0
        cases = junit_cases(out)
        assert len(cases) == len(RULES)
        assert all(len(case) == 0 for case in cases.values())

    def test_fail_on_warning_turns_warnings_into_failures(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(
            capsys,
            "validate",
            PILOT,
            "--as-of",
            "2026-06-01",
            "-f",
            "junit",
            "--fail-on",
            "warning",
        )
        case = junit_cases(out)["FBK004 ai-call-timeout"]
        failure = case.find("failure")
        assert failure is not None and failure.get("type") == "warning"
        assert failure.get("message", "").startswith("2 findings at or above 'warning'")

    def test_waived_findings_go_to_system_out(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys,
            "validate",
            FLAGSHIP,
            "--as-of",
            "2026-06-01",
            "-f",
            "junit",
            "--fail-on",
            "info",
        )
        assert code == 0
        case = junit_cases(out)["IAM002 end-user-identity"]
        assert case.find("failure") is None
        text = case.findtext("system-out") or ""
        assert "nw-nightly-contact-history" in text
        assert "waived by 'nw-compliance' until 2027-05-31 (Batch job without an end user" in text

    def test_invalid_blueprint_is_one_failing_load_case(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        bad = write(
            tmp_path,
            "bad.yaml",
            "cadee: 1\nblueprint: {id: bp, title: T}\nsystems:\n  - {id: a, kind: nope}\n  - {id: b, kind: service, colour: red}\n",
        )
        code, out, _ = run(capsys, "validate", str(bad), "--format", "junit")
        assert code == 2
        root = ET.fromstring(out.encode("utf-8"))
        (case,) = root.iter("testcase")
        assert case.get("name") == "load"
        failure = case.find("failure")
        assert failure is not None
        assert failure.get("message") == "invalid blueprint: 2 errors"
        lines = (failure.text or "").splitlines()
        assert lines[0].startswith(f"{bad.as_posix()}:4:19: ")
        assert "colour" in lines[1]


# -- GitLab ------------------------------------------------------------------------------


class TestGitlab:
    def test_pilot_issues(self, in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", "gitlab")
        _, plain, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", "json")
        issues = json.loads(out)
        findings = json.loads(plain)["findings"]
        assert len(issues) == len(findings)
        for issue, finding in zip(issues, findings, strict=True):
            assert list(issue) == [
                "description",
                "check_name",
                "fingerprint",
                "severity",
                "location",
            ]
            assert issue["check_name"] == finding["rule"]
            assert finding["message"] in issue["description"]
            assert (
                issue["severity"]
                == {"error": "major", "warning": "minor", "info": "info"}[finding["severity"]]
            )
            assert issue["location"] == {"path": PILOT, "lines": {"begin": finding["line"]}}
            assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        prints = [i["fingerprint"] for i in issues]
        assert len(set(prints)) == len(prints), "GitLab keeps only the first issue per fingerprint"

    def test_waived_findings_are_left_out(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys, "validate", FLAGSHIP, "--as-of", "2026-06-01", "--format", "gitlab"
        )
        assert code == 0
        assert json.loads(out) == []

    def test_invalid_blueprint_is_a_blocker(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        bad = write(
            tmp_path,
            "bad.yaml",
            "cadee: 1\nblueprint: {id: bp, title: T}\nsystems: [{id: a, kind: nope}]\n",
        )
        code, out, _ = run(capsys, "validate", str(bad), "--format", "gitlab")
        assert code == 2
        (issue,) = json.loads(out)
        assert issue["check_name"] == "CADEE000"
        assert issue["severity"] == "blocker"
        assert issue["location"]["lines"]["begin"] == 3


# -- GitHub ------------------------------------------------------------------------------


class TestGithub:
    def test_escaping_matches_the_toolkit(self) -> None:
        assert github_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
        assert github_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
        assert github_data("%0A") == "%250A"

    def test_pilot_annotations(self, in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", "github")
        assert code == 1
        *commands, summary = out.splitlines()
        assert (
            summary
            == "cadee: 1 blueprint failed: 23 errors, 15 warnings, 0 info, 0 waived in 1 blueprint"
        )
        parsed = [parse_command(line) for line in commands]
        assert [c for c, _, _ in parsed].count("error") == 23
        assert [c for c, _, _ in parsed].count("warning") == 15
        command, props, message = parsed[0]
        assert command == "warning"
        assert props == {
            "file": PILOT,
            "line": "16",
            "col": "1",
            "title": "EVD001 required-evidence",
        }
        assert message.endswith("(identity-access-fallback)")

    def test_waived_findings_get_no_annotation(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys, "validate", FLAGSHIP, "--as-of", "2026-06-01", "--format", "github"
        )
        assert code == 0
        assert out == "cadee: passed: 0 errors, 0 warnings, 0 info, 1 waived in 1 blueprint\n"

    def test_info_is_a_notice(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = write(tmp_path, "bp.yaml", CLEAN.replace("boundary: corp}\n", "}\n", 1))
        write(tmp_path, "cadee.toml", 'severity = { ARC007 = "info" }\n')
        _, out, _ = run(capsys, "validate", str(path), "--format", "github")
        assert out.startswith("::notice file=")


# -- hostile text in every format ------------------------------------------------------


class TestHostileText:
    @pytest.fixture
    def nasty(self, git_tree: Path) -> Path:
        path = git_tree / "arch" / NASTY_NAME
        path.parent.mkdir()
        path.write_text(NASTY, encoding="utf-8")
        return path

    def expected(self, capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, Any]:
        code, out, err = run(
            capsys, "validate", str(path), "--format", "json", "--as-of", "2026-06-01"
        )
        assert code == 1, err
        data: dict[str, Any] = json.loads(out)
        return data

    def test_json_baseline_has_the_hostile_text(
        self, nasty: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        findings = self.expected(capsys, nasty)["findings"]
        targets = {f["target"] for f in findings}
        assert f"ARC005:{NASTY_TARGET}" in targets
        assert any(f["waived"] and f["rule"] == "ARC007" for f in findings)

    def test_sarif(self, nasty: Path, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "validate", str(nasty), "-f", "sarif", "--as-of", "2026-06-01")
        log = assert_valid_sarif(out)
        results = log["runs"][0]["results"]
        findings = self.expected(capsys, nasty)["findings"]
        assert [r["message"]["text"] for r in results] == [f["message"] for f in findings]
        names = [r["locations"][0]["logicalLocations"][0]["name"] for r in results]
        assert f"ARC005:{NASTY_TARGET}" in names
        uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "arch/bp%2C%20a%3Ab%20%25%C3%A9.yaml"
        (waived,) = [r for r in results if "suppressions" in r]
        assert waived["suppressions"][0]["justification"] == NASTY_REASON

    def test_junit_stays_well_formed(self, nasty: Path, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(
            capsys,
            "validate",
            str(nasty),
            "-f",
            "junit",
            "--as-of",
            "2026-06-01",
            "--fail-on",
            "warning",
        )
        root = ET.fromstring(out.encode("utf-8"))  # raises on an ill-formed document
        (suite,) = root.iter("testsuite")
        assert suite.get("name") == f"arch/{NASTY_NAME}"
        wvr = junit_cases(out)["WVR002 waiver-unused"].find("failure")
        assert wvr is not None
        # One finding per line of the body: a line break inside one is shown as an escape
        # (a CI log printing the report gets no line that the target's text started).
        assert terminal(NASTY_TARGET) in (wvr.text or "")
        assert terminal(NASTY_TARGET)[:20] in wvr.get("message", "")
        arc007 = junit_cases(out)["ARC007 system-boundary"].findtext("system-out") or ""
        assert terminal(NASTY_REASON) in arc007
        # Characters XML 1.0 cannot hold are shown as escapes.
        assert "ctl \\x00 \\x01 \\x1b[31m red" in out
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", out)

    def test_gitlab(self, nasty: Path, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "validate", str(nasty), "-f", "gitlab", "--as-of", "2026-06-01")
        issues = json.loads(out)
        assert any(NASTY_TARGET in i["description"] for i in issues)
        assert {i["location"]["path"] for i in issues} == {f"arch/{NASTY_NAME}"}
        arc007 = [i["description"] for i in issues if i["check_name"] == "ARC007"]
        assert arc007 and not [d for d in arc007 if d.endswith("(svc)")], (
            "waived findings are left out"
        )

    def test_github(self, nasty: Path, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "validate", str(nasty), "-f", "github", "--as-of", "2026-06-01")
        findings = [f for f in self.expected(capsys, nasty)["findings"] if not f["waived"]]
        *commands, _summary = out.split("\n")[:-1]
        assert len(commands) == len(findings), "one line per annotation: no newline escapes"
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", out), (
            "no raw control characters in the log"
        )
        for line, finding in zip(commands, findings, strict=True):
            command, props, message = parse_command(line)
            assert command == finding["severity"]
            assert props["file"] == f"arch/{NASTY_NAME}"
            assert props["title"] == f"{finding['rule']} {finding['name']}"
            shown = (
                finding["message"]
                .replace("\x00", "\\x00")
                .replace("\x01", "\\x01")
                .replace("\x1b", "\\x1b")
            )
            target = (
                finding["target"]
                .replace("\x00", "\\x00")
                .replace("\x01", "\\x01")
                .replace("\x1b", "\\x1b")
            )
            assert message == f"{shown} ({target})"
        assert any(NASTY_TARGET in parse_command(line)[2] for line in commands)


# -- --report ------------------------------------------------------------------------------


class TestReportOption:
    def test_writes_files_while_the_terminal_shows_text(
        self, in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        plain_code, plain, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01")
        targets = {
            fmt: tmp_path / "out" / f"cadee.{ext}"
            for fmt, ext in {**FORMATS, "json": "json", "text": "txt"}.items()
        }
        args = [arg for fmt, path in targets.items() for arg in ("--report", f"{fmt}={path}")]
        code, out, err = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", *args)
        assert code == plain_code == 1
        assert out == plain and not err
        for fmt, path in targets.items():
            _, expected, _ = run(
                capsys, "validate", PILOT, "--as-of", "2026-06-01", "--format", fmt
            )
            if fmt == "text":
                assert path.read_text(encoding="utf-8") == expected  # no colour codes in files
            else:
                assert path.read_text(encoding="utf-8") == expected, fmt
        assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")], (
            "no temporary files left"
        )

    def test_with_another_terminal_format_and_output(
        self, in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys,
            "validate",
            FLAGSHIP,
            "--as-of",
            "2026-06-01",
            "-f",
            "github",
            "--report",
            f"SARIF={tmp_path / 'a.sarif'}",
            "-o",
            str(tmp_path / "gh.txt"),
        )
        assert code == 0 and out == ""
        assert (tmp_path / "gh.txt").read_text(encoding="utf-8").startswith("cadee: passed")
        assert json.loads((tmp_path / "a.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"

    def test_reports_are_written_for_invalid_blueprints_too(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        bad = write(tmp_path, "bad.yaml", "cadee: 2\n")
        code, _, _ = run(capsys, "validate", str(bad), "--report", f"sarif={tmp_path / 'x.sarif'}")
        assert code == 2
        results = json.loads((tmp_path / "x.sarif").read_text(encoding="utf-8"))["runs"][0][
            "results"
        ]
        assert [r["ruleId"] for r in results] == ["CADEE000", "CADEE000"]
        assert "unsupported format version 2" in results[1]["message"]["text"]

    @pytest.mark.parametrize("spec", ["sarif", "sarif=", "pdf=x.pdf", "=x"])
    def test_bad_report_spec_is_a_usage_error(
        self, spec: str, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(capsys, "validate", PILOT, "--report", spec)
        assert code == 2
        assert out == ""
        assert "cadee: error: --report expects FORMAT=FILE" in err

    def test_unwritable_report_is_a_clear_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("", encoding="utf-8")
        path = write(tmp_path, "bp.yaml", CLEAN)
        code, _, err = run(capsys, "validate", str(path), "--report", f"junit={blocker / 'x.xml'}")
        assert code == 2
        assert err.startswith(f"cadee: error: cannot write {blocker / 'x.xml'}")


# -- docs/ci.md shows real output ------------------------------------------------------------


class TestDocs:
    DOC = REPO / "docs" / "ci.md"

    def blocks(self, language: str) -> list[str]:
        return re.findall(rf"```{language}\n(.*?)```", self.DOC.read_text(encoding="utf-8"), re.S)

    def test_console_samples_are_real_output(
        self, in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        samples = [b for b in self.blocks("console") if b.startswith("$ cadee validate")]
        assert len(samples) >= 2
        for sample in samples:
            command, *lines = sample.splitlines()
            args = command.removeprefix("$ cadee ").split()
            # Reports go to a temporary folder, not into the checkout.
            args = [
                re.sub(r"^(\w+)=(.+)$", lambda m: f"{m.group(1)}={tmp_path / m.group(2)}", a)
                for a in args
            ]
            main([*args, "--as-of", "2026-06-01"])
            output = capsys.readouterr().out.splitlines()
            for line in lines:
                if line != "...":
                    assert line in output, line

    def test_json_samples_are_real_output(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        sarif_sample, gitlab_sample = (json.loads(b) for b in self.blocks("json"))
        _, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "-f", "sarif")
        assert sarif_sample in json.loads(out)["runs"][0]["results"]
        _, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "-f", "gitlab")
        assert gitlab_sample in json.loads(out)

    def test_junit_sample_is_real_output(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (sample,) = self.blocks("xml")
        _, out, _ = run(capsys, "validate", PILOT, "--as-of", "2026-06-01", "-f", "junit")
        real = [line.strip() for line in out.splitlines()]
        for line in sample.splitlines():
            if line != "...":
                assert line.strip() in real, line
