"""Templates from a pull request: they read only their own folder, and rendering is bounded.

Issue #16, item 1. Every run goes through a subprocess with a timeout, so a
regression (a template that loops) fails the test instead of hanging CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from cadee.render.sandbox import TemplateLimits, TemplateRefused
from cadee.render.templating import environment

from .conftest import CLEAN

TIMEOUT = 120


def render(
    tmp_path: Path, templates: dict[str, str], fmt: str = "md", **env: str
) -> subprocess.CompletedProcess[str]:
    folder = tmp_path / "tpls"
    folder.mkdir(exist_ok=True)
    for name, text in templates.items():
        (folder / name).write_text(text, encoding="utf-8")
    blueprint = tmp_path / "bp.yaml"
    blueprint.write_text(CLEAN, encoding="utf-8")
    environ = {
        **os.environ,
        "SECRET_TOKEN": "hunter2-secret",
        "CADEE_TEMPLATE_CPU_SECONDS": "20",
        **env,
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cadee",
            "render",
            str(blueprint),
            "--out",
            str(tmp_path / "out"),
            "-f",
            fmt,
            "--templates",
            str(folder),
            "--as-of",
            "2026-06-01",
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=environ,
        check=False,
    )


def refused(done: subprocess.CompletedProcess[str], tmp_path: Path, *words: str) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr
    assert "hunter2-secret" not in done.stdout + done.stderr
    assert not (tmp_path / "out").exists()
    return done.stderr


# -- what a template may read -----------------------------------------------------------------


def test_jinja_include_of_a_symlink_to_proc_environ_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tpls").mkdir()
    (tmp_path / "tpls" / "env.txt").symlink_to("/proc/self/environ")
    done = render(tmp_path, {"document.md.j2": '{% include "env.txt" %}\n'})
    refused(done, tmp_path, "document.md.j2:1", "env.txt", "resolves outside the templates folder")


def test_jinja_include_of_a_symlink_to_etc_passwd_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tpls").mkdir()
    (tmp_path / "tpls" / "passwd.txt").symlink_to("/etc/passwd")
    done = render(tmp_path, {"document.html.j2": '<p>\n{% include "passwd.txt" %}\n'}, fmt="html")
    stderr = refused(done, tmp_path, "document.html.j2:2", "resolves outside")
    assert "root:" not in stderr


def test_typst_read_of_a_symlink_outside_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tpls").mkdir()
    (tmp_path / "tpls" / "env.txt").symlink_to("/proc/self/environ")
    (tmp_path / "tpls" / "abs.txt").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("hunter2-secret", encoding="utf-8")
    for name in ("env.txt", "abs.txt", "/proc/self/environ", "../outside.txt"):
        done = render(tmp_path, {"document.typ.j2": f'#raw(read("{name}"))\n'}, fmt="pdf")
        refused(done, tmp_path, "typst could not compile")


def test_typst_may_read_a_regular_file_of_the_templates_folder(tmp_path: Path) -> None:
    (tmp_path / "tpls" / "parts").mkdir(parents=True)
    (tmp_path / "tpls" / "parts" / "note.txt").write_text("a note", encoding="utf-8")
    (tmp_path / "tpls" / "alias.txt").symlink_to(tmp_path / "tpls" / "parts" / "note.txt")
    done = render(
        tmp_path,
        {"document.typ.j2": '#raw(read("parts/note.txt")) #raw(read("/alias.txt"))\n'},
        fmt="pdf",
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "brief.pdf").read_bytes().startswith(b"%PDF")


def test_a_fifo_in_the_templates_folder_is_refused_not_waited_for(tmp_path: Path) -> None:
    (tmp_path / "tpls").mkdir()
    os.mkfifo(tmp_path / "tpls" / "pipe.txt")
    done = render(tmp_path, {"document.md.j2": '{% include "pipe.txt" %}\n'})
    refused(done, tmp_path, "pipe.txt", "not a regular file")
    done = render(tmp_path, {"document.typ.j2": '#raw(read("pipe.txt"))\n'}, fmt="pdf")
    refused(done, tmp_path, "not found")


def test_an_include_of_a_symlink_inside_the_folder_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "tpls").mkdir()
    (tmp_path / "tpls" / "part.md.j2").write_text("PART-OK\n", encoding="utf-8")
    (tmp_path / "tpls" / "alias.md.j2").symlink_to("part.md.j2")
    done = render(tmp_path, {"document.md.j2": '{% include "alias.md.j2" %}\n'})
    assert done.returncode == 0, done.stderr
    assert "PART-OK" in (tmp_path / "out" / "brief.md").read_text(encoding="utf-8")


# -- bounds ----------------------------------------------------------------------------------------


def test_a_three_gigabyte_string_is_refused_before_it_is_built(tmp_path: Path) -> None:
    # Built, the string would take 3 GB and longer than the subprocess's TIMEOUT.
    done = render(tmp_path, {"document.md.j2": "x\n{{ ('A'*3000000000)|length }}\n"})
    refused(done, tmp_path, "document.md.j2:2", "3,000,000,000")


def test_nested_range_loops_stop_at_the_cpu_budget_with_the_line(tmp_path: Path) -> None:
    template = (
        "x\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
    )
    done = render(tmp_path, {"document.md.j2": template}, CADEE_TEMPLATE_CPU_SECONDS="2")
    refused(done, tmp_path, "document.md.j2:2", "CPU time")


def test_exponential_string_growth_stops_at_the_memory_budget(tmp_path: Path) -> None:
    template = (
        "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}\n"
        "{{ d('ab', 40) }}\n"
    )
    done = render(tmp_path, {"document.md.j2": template}, CADEE_TEMPLATE_MEMORY_MB="1024")
    refused(done, tmp_path, "document.md.j2:1", "memory")


def test_an_endless_typst_loop_stops_at_the_cpu_budget(tmp_path: Path) -> None:
    template = "#let x = 0\n#for i in range(100000) { for j in range(100000) { x += 1 } }\n#x\n"
    done = render(
        tmp_path, {"document.typ.j2": template}, fmt="pdf", CADEE_TEMPLATE_CPU_SECONDS="2"
    )
    refused(done, tmp_path, "CPU time")


def test_typst_memory_growth_stops_at_the_memory_budget_and_says_so(tmp_path: Path) -> None:
    """Typst (Rust) at the address-space limit printed its own abort note ("run with
    RUST_BACKTRACE=full"); it is the memory budget, said as for a Jinja template."""
    template = '#let s = "x"\n#for i in range(40) { s = s + s }\n#s.len()\n'
    done = render(
        tmp_path,
        {"document.typ.j2": template},
        fmt="pdf",
        CADEE_TEMPLATE_MEMORY_MB="768",
        CADEE_TEMPLATE_CPU_SECONDS="30",
    )
    stderr = refused(done, tmp_path, "document.typ.j2", "needed more than 768 MB of memory")
    assert "RUST_BACKTRACE" not in stderr


@pytest.mark.parametrize(
    "expression",
    [
        "10 ** (10 ** 10)",
        "'%0999999999d' % 1",
        "'%*d' % (999999999, 1)",
        "'x'.ljust(999999999)",
        "'x'|center(999999999)",
        "[1, 2] * 999999999",
        "999999999 * 'ab'",
    ],
)
def test_cheap_caps_refuse_huge_results_before_computing_them(
    tmp_path: Path, expression: str
) -> None:
    (tmp_path / "document.md.j2").write_text("x\n{{ " + expression + " }}\n", encoding="utf-8")
    env = environment("md", tmp_path)
    template = env.get_template("document.md.j2")
    # Refused *before* the result exists: the render never holds more than a few
    # megabytes, where each result would be a gigabyte or more (a measure of
    # memory, not of time, so it holds on any machine).
    tracemalloc.start()
    try:
        with pytest.raises(TemplateRefused):
            template.render()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"{expression}: {peak:,} bytes allocated before the refusal"


def test_output_is_cut_at_the_limit_with_the_line(tmp_path: Path) -> None:
    (tmp_path / "document.md.j2").write_text(
        "x\n{% for i in range(1000) %}\n{{ 'y' * 100 }}\n{% endfor %}\n", encoding="utf-8"
    )
    env = environment("md", tmp_path, TemplateLimits(max_output_chars=10_000))
    with pytest.raises(TemplateRefused, match=r"document\.md\.j2:3: output is larger than 10,000"):
        env.get_template("document.md.j2").render()


def test_small_results_still_work(tmp_path: Path) -> None:
    (tmp_path / "document.md.j2").write_text(
        "{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%05d' % 7 }} {{ 'x'|center(5) }}|\n", encoding="utf-8"
    )
    assert (
        environment("md", tmp_path).get_template("document.md.j2").render()
        == "ababab 1024 00007   x  |\n"
    )
