"""The sticky pull-request comment (cadee/ci/github_comment.py) against a fake GitHub
API on 127.0.0.1: create, then update the same comment; the fork fallback (403) to
the job summary. Only loopback traffic."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cadee.ci.github_comment import MARKER, MAX_BODY, main, post_or_update

TOKEN = "test-token"
REPO = "bank/architecture"
BOT = "github-actions[bot]"


class FakeGitHub:
    """Issue comments of one repository, kept in memory; ``read_only`` answers 403 to writes."""

    def __init__(self) -> None:
        self.comments: dict[int, dict[str, Any]] = {}
        self.next_id = 100
        self.read_only = False
        self.requests: list[tuple[str, str]] = []
        self.seed(1, "a reviewer", f"{MARKER}\nsomeone else's copy")  # not ours: never edited

    def seed(self, number: int, login: str, body: str) -> int:
        self.next_id += 1
        self.comments[self.next_id] = {
            "id": self.next_id,
            "issue": number,
            "body": body,
            "user": {"login": login},
        }
        return self.next_id


@pytest.fixture
def github() -> Iterator[tuple[FakeGitHub, str]]:
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def reply(self, status: int, data: Any) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self, method: str) -> None:
            fake.requests.append((method, self.path))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self.reply(401, {"message": "Bad credentials"})
            length = int(self.headers.get("Content-Length") or 0)
            data = json.loads(self.rfile.read(length)) if length else None
            path = self.path.split("?", 1)[0]
            prefix = f"/repos/{REPO}/issues/"
            if not path.startswith(prefix):
                return self.reply(404, {"message": "Not Found"})
            parts = path[len(prefix) :].split("/")
            if method != "GET" and fake.read_only:
                return self.reply(403, {"message": "Resource not accessible by integration"})
            if method == "GET" and len(parts) == 2 and parts[1] == "comments":
                number = int(parts[0])
                return self.reply(200, [c for c in fake.comments.values() if c["issue"] == number])
            if method == "POST" and len(parts) == 2 and parts[1] == "comments":
                comment_id = fake.seed(int(parts[0]), BOT, data["body"])
                return self.reply(201, fake.comments[comment_id])
            if method == "PATCH" and parts[0] == "comments" and int(parts[1]) in fake.comments:
                fake.comments[int(parts[1])]["body"] = data["body"]
                return self.reply(200, fake.comments[int(parts[1])])
            return self.reply(404, {"message": "Not Found"})

        def do_GET(self) -> None:
            self.handle_any("GET")

        def do_POST(self) -> None:
            self.handle_any("POST")

        def do_PATCH(self) -> None:
            self.handle_any("PATCH")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def ours(fake: FakeGitHub, number: int) -> list[dict[str, Any]]:
    return [c for c in fake.comments.values() if c["issue"] == number and c["user"]["login"] == BOT]


def test_creates_then_updates_one_comment(github: tuple[FakeGitHub, str], tmp_path: Path) -> None:
    fake, api = github
    first = post_or_update(f"{MARKER}\nfirst push", api=api, repository=REPO, token=TOKEN, number=1)
    assert first.action == "created"
    second = post_or_update(
        f"{MARKER}\nsecond push", api=api, repository=REPO, token=TOKEN, number=1
    )
    assert second.action == "updated" and second.comment_id == first.comment_id
    [comment] = ours(fake, 1)
    assert comment["body"] == f"{MARKER}\nsecond push"
    assert (
        fake.comments[101]["body"] == f"{MARKER}\nsomeone else's copy"
    )  # another user's comment untouched
    assert [m for m, _ in fake.requests] == ["GET", "POST", "GET", "PATCH"]
    # Another pull request gets its own comment.
    assert (
        post_or_update(f"{MARKER}\nother", api=api, repository=REPO, token=TOKEN, number=2).action
        == "created"
    )


def test_a_read_only_token_falls_back_to_the_job_summary(
    github: tuple[FakeGitHub, str], tmp_path: Path
) -> None:
    fake, api = github
    fake.read_only = True
    summary = tmp_path / "summary.md"
    outcome = post_or_update(
        f"{MARKER}\nthe diff",
        api=api,
        repository=REPO,
        token=TOKEN,
        number=1,
        summary_file=str(summary),
    )
    assert outcome.action == "summary" and "403" in outcome.message
    text = summary.read_text(encoding="utf-8")
    assert "could not comment" in text and text.endswith(f"{MARKER}\nthe diff\n")
    assert ours(fake, 1) == []


def test_the_command_reads_the_event_and_never_exceeds_the_limit(
    github: tuple[FakeGitHub, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, api = github
    body = tmp_path / "cadee-diff.md"
    body.write_text("no marker yet\n" + "x" * (MAX_BODY + 5000), encoding="utf-8")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}), encoding="utf-8")
    env = {
        "GITHUB_API_URL": api,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    assert main(["--body", str(body)], env) == 0
    [comment] = ours(fake, 7)
    assert comment["body"].startswith(MARKER) and len(comment["body"]) <= MAX_BODY
    assert "created" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "code", "message"),
    [
        ({"GITHUB_API_URL": "http://api.example.com"}, 2, "must be an https URL"),
        ({"GITHUB_API_URL": "file:///etc/passwd"}, 2, "must be an https URL"),
    ],
)
def test_refuses_an_api_that_is_not_https(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], env: dict[str, str], code: int, message: str
) -> None:
    body = tmp_path / "b.md"
    body.write_text(MARKER, encoding="utf-8")
    assert main(["--body", str(body)], env) == code
    assert message in capsys.readouterr().err


def test_without_a_pull_request_or_token_the_report_goes_to_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "b.md"
    body.write_text(f"{MARKER}\nreport\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    assert main(["--body", str(body)], {"GITHUB_STEP_SUMMARY": str(summary)}) == 0
    assert summary.read_text(encoding="utf-8") == f"{MARKER}\nreport\n"
    assert main(["--body", str(tmp_path / "missing.md")], {}) == 2
    assert "cannot read" in capsys.readouterr().err
