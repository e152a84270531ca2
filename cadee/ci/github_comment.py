"""Post or update one sticky pull-request comment with ``cadee diff``'s Markdown report.

Run in a GitHub Actions job (the cadee Action does, see ``action.yml``)::

    python -m cadee.ci.github_comment --body cadee-diff.md

It finds the pull request in ``$GITHUB_EVENT_PATH`` (or ``--pr N``), looks
for a comment of ``--author`` (default ``github-actions[bot]``, the login of
``GITHUB_TOKEN``) whose body starts with the report's hidden marker
(``<!-- cadee-diff -->``), and updates it; without one, it creates it. So a
pull request has one cadee comment, updated on every push.

A pull request from a fork gets a read-only token: the API answers 403 (or
404), and the report goes to the job summary (``$GITHUB_STEP_SUMMARY``)
instead, with a note; the step still succeeds. Without a token or a pull
request the report goes to the job summary too.

Only the standard library (``urllib``); every request has a timeout and the
comment listing reads at most :data:`MAX_PAGES` pages, so a slow or hostile
API cannot hang the job. The API is ``$GITHUB_API_URL`` (https, or
``http://127.0.0.1`` for tests). Exit 0: posted, updated or written to the
summary; 1: the API failed otherwise (the report is in the summary); 2: usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MARKER", "MAX_BODY", "Outcome", "main", "post_or_update"]

#: The first line of ``cadee diff --format markdown`` (cadee.report.diff.MARKER).
MARKER = "<!-- cadee-diff -->"
#: GitHub's limit on a comment body, in characters.
MAX_BODY = 65_536
#: Pages of 100 comments read when looking for the sticky comment.
MAX_PAGES = 30
#: Seconds each request may take.
TIMEOUT = 30
#: Largest report file read, in bytes (the report itself stays far below).
MAX_FILE = 4 * 1024 * 1024
_FORK_NOTE = (
    "> cadee could not comment on the pull request (the token is read-only, as for pull requests "
    "from forks); the architecture diff is below.\n\n"
)


class ApiError(Exception):
    """The GitHub API answered with an error, or could not be reached."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened: ``created``, ``updated``, ``summary`` (the job summary), or ``failed``."""

    action: str
    comment_id: int | None = None
    message: str = ""


class GitHub:
    """The few REST calls the comment needs."""

    def __init__(self, api: str, repository: str, token: str) -> None:
        self.api = api.rstrip("/")
        self.repository = repository
        self.token = token

    def request(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            f"{self.api}{path}",
            data=data,
            method=method,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "cadee-diff-comment",
                **({"Content-Type": "application/json"} if data is not None else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                text = response.read(MAX_FILE).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            raise ApiError(exc.code, f"{method} {path}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ApiError(0, f"{method} {path}: {getattr(exc, 'reason', exc)}") from None
        return json.loads(text) if text.strip() else None

    def find(self, number: int, author: str) -> int | None:
        """The id of the author's comment that starts with the marker, if any."""
        for page in range(1, MAX_PAGES + 1):
            comments = self.request(
                "GET", f"/repos/{self.repository}/issues/{number}/comments?per_page=100&page={page}"
            )
            if not isinstance(comments, list):
                return None
            for comment in comments:
                if (
                    isinstance(comment, dict)
                    and str(comment.get("body", "")).startswith(MARKER)
                    and (comment.get("user") or {}).get("login") == author
                ):
                    return int(comment["id"])
            if len(comments) < 100:
                return None
        return None


def fit(body: str) -> str:
    """The body with the marker first and within GitHub's limit."""
    if not body.startswith(MARKER):
        body = f"{MARKER}\n{body}"
    if len(body) > MAX_BODY:
        body = body[: MAX_BODY - 100].rsplit("\n", 1)[0] + "\n\n… (cut to fit a comment)\n"
    return body


def _summary(body: str, note: str, summary_file: str | None) -> None:
    if not summary_file:
        print(body, end="")  # the job log holds the report
        return
    with open(summary_file, "a", encoding="utf-8") as out:
        out.write(note + body + ("\n" if not body.endswith("\n") else ""))


def post_or_update(
    body: str,
    *,
    api: str,
    repository: str,
    token: str,
    number: int | None,
    author: str = "github-actions[bot]",
    summary_file: str | None = None,
) -> Outcome:
    """Create or update the sticky comment; fall back to the job summary (see the module docstring)."""
    body = fit(body)
    if not token or number is None or not repository:
        _summary(body, "", summary_file)
        why = "no pull request" if number is None else "no token" if not token else "no repository"
        return Outcome("summary", message=f"{why}: the report is in the job summary")
    github = GitHub(api, repository, token)
    try:
        existing = github.find(number, author)
        if existing is not None:
            github.request(
                "PATCH", f"/repos/{repository}/issues/comments/{existing}", {"body": body}
            )
            return Outcome("updated", existing)
        created = github.request(
            "POST", f"/repos/{repository}/issues/{number}/comments", {"body": body}
        )
        return Outcome(
            "created", int(created["id"]) if isinstance(created, dict) and "id" in created else None
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            _summary(body, _FORK_NOTE, summary_file)
            return Outcome(
                "summary",
                message=f"{exc}: read-only token (a pull request from a fork?); "
                "the report is in the job summary",
            )
        _summary(body, "", summary_file)
        return Outcome("failed", message=f"{exc}; the report is in the job summary")


def _api_url(value: str) -> str | None:
    parsed = urllib.parse.urlsplit(value)
    if parsed.scheme == "https" and parsed.hostname:
        return value
    if parsed.scheme == "http" and parsed.hostname in ("127.0.0.1", "localhost", "::1"):
        return value  # a local API (tests)
    return None


def _pull_request(event_path: str | None) -> int | None:
    if not event_path:
        return None
    try:
        event = json.loads(Path(event_path).read_bytes()[:MAX_FILE])
    except (OSError, ValueError):
        return None
    number = (event.get("pull_request") or {}).get("number") if isinstance(event, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="python -m cadee.ci.github_comment",
        description="Post or update the cadee diff comment on a pull request.",
    )
    parser.add_argument(
        "--body", required=True, help="the Markdown report (cadee diff --format markdown --output)"
    )
    parser.add_argument(
        "--pr", type=int, default=None, help="pull request number (default: from the event)"
    )
    parser.add_argument(
        "--author", default="github-actions[bot]", help="login whose comment is updated"
    )
    args = parser.parse_args(argv)
    try:
        data = Path(args.body).read_bytes()[:MAX_FILE]
    except OSError as exc:
        print(f"cadee: error: cannot read {args.body}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    api = _api_url(env.get("GITHUB_API_URL", "https://api.github.com"))
    if api is None:
        print("cadee: error: GITHUB_API_URL must be an https URL", file=sys.stderr)
        return 2
    number = args.pr if args.pr is not None else _pull_request(env.get("GITHUB_EVENT_PATH"))
    outcome = post_or_update(
        data.decode("utf-8", "replace"),
        api=api,
        repository=env.get("GITHUB_REPOSITORY", ""),
        token=env.get("GITHUB_TOKEN", ""),
        number=number,
        author=args.author,
        summary_file=env.get("GITHUB_STEP_SUMMARY") or None,
    )
    where = f" (comment {outcome.comment_id})" if outcome.comment_id is not None else ""
    print(
        f"cadee: {outcome.action}{where}{': ' + outcome.message if outcome.message else ''}",
        file=sys.stderr,
    )
    return 1 if outcome.action == "failed" else 0


if __name__ == "__main__":
    raise SystemExit(main())
