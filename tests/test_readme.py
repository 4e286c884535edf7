"""The README's commands, pasted in order into one shell after `make run`, against a scratch server.

Every fenced ```sh / ```bash block runs as it is written, and every `$ ` line
of a ```console block runs as a command (its following lines are the output
the README shows). A block that cannot run here says so in the line before
its fence: `<!-- readme-test: skip (reason) -->`.

The shell starts without Lantern on its PATH, in a scratch folder whose
`.venv` is this test's environment, so the README's own `source
.venv/bin/activate` line is what makes `lantern` a command. The server is
`lantern serve` on a free port in the same folder (the README's
`localhost:8080` is rewritten to it), sharing `./lantern.db` with the shell
as the README says. The README's example slug is random in real life; the
test learns the real one by asking for the same link first, which returns
the same slug.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\s*\((.+)\)\s*-->")
EXAMPLE_SLUG = "JE6ZCjK"
RUNNABLE = {"sh", "bash"}


@dataclass
class Step:
    """One thing a reader pastes: a whole shell block, or one `$ ` command of a console block."""

    line: int
    command: str
    shown: str = ""  # the output the README shows after a console command

    @property
    def expects_failure(self) -> bool:
        return self.shown.startswith("lantern:")


def _blocks(text: str) -> list[tuple[int, str, list[str], str | None]]:
    """(line number, language, lines, skip reason) of every fenced block."""
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        fence = re.match(r"^(\s*)```(\w*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        indent, language = len(fence.group(1)), fence.group(2)
        previous = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        skipped = SKIP.fullmatch(previous)
        body = []
        i += 1
        while not lines[i].strip().startswith("```"):
            body.append(lines[i][indent:])
            i += 1
        blocks.append((i - len(body), language, body, skipped.group(1) if skipped else None))
        i += 1
    return blocks


def readme_steps(text: str) -> tuple[list[Step], list[tuple[int, str]]]:
    """The steps to run, and the (line, reason) of every block marked as not runnable here."""
    steps: list[Step] = []
    skipped: list[tuple[int, str]] = []
    for line, language, body, skip in _blocks(text):
        if skip is not None:
            skipped.append((line, skip))
            continue
        if language in RUNNABLE:
            steps.append(Step(line, "\n".join(body)))
        elif language == "console":
            current: Step | None = None
            continuing = False
            for offset, row in enumerate(body):
                if continuing and current is not None:
                    current.command += "\n" + row
                elif row.startswith("$ "):
                    current = Step(line + offset, row[2:])
                    steps.append(current)
                elif current is not None:
                    current.shown += row + "\n"
                continuing = row.endswith("\\") and current is not None and not current.shown
            for step in steps:
                step.shown = step.shown.strip()
    return steps, skipped


def test_readme_blocks_are_found_and_every_skip_is_explained() -> None:
    steps, skipped = readme_steps(README.read_text(encoding="utf-8"))
    commands = "\n".join(step.command for step in steps)
    assert "source .venv/bin/activate" in commands
    assert "KEY=$(lantern api-key create ci)" in commands
    assert re.search(r"^curl -i ", commands, re.MULTILINE)
    assert all(reason.strip() for _, reason in skipped)
    # the marked blocks are few: starting the server, the suite itself, and what needs outside accounts
    assert len(skipped) <= 10, skipped


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"lantern serve exited:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"lantern serve did not listen within 60 s:\n{log.read_text()}")


def _scratch_venv(folder: Path) -> None:
    """`.venv` in the scratch folder is the environment running this test."""
    prefix = Path(sys.prefix)
    if (prefix / "bin" / "activate").exists():
        (folder / ".venv").symlink_to(prefix, target_is_directory=True)
        return
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "activate").write_text(f'export PATH="{Path(sys.executable).parent}:$PATH"\n')


def _header_names(output: str) -> list[str]:
    """Header names of a `curl -i` answer (curl's progress meter, shown off a terminal, left out)."""
    head = output[output.find("HTTP/") :].split("\n\n", 1)[0]
    return [line.split(":", 1)[0].strip().lower() for line in head.splitlines()[1:] if ":" in line]


def test_readme_commands_work_when_pasted(tmp_path: Path) -> None:
    steps, _ = readme_steps(README.read_text(encoding="utf-8"))
    port = _free_port()
    _scratch_venv(tmp_path)
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != Path(venv_bin)
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "VIRTUAL_ENV"))}
    env |= {"PATH": path, "LANTERN_PORT": str(port), "LANTERN_BASE_URL": f"http://localhost:{port}"}
    lantern = str(Path(venv_bin) / "lantern")

    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([lantern, "serve"], cwd=tmp_path, env=env, stdout=out, stderr=out)
    try:
        _wait_for(port, server, log)
        made = subprocess.run(
            [lantern, "shorten", "https://example.com/a?x=1#top", "--channel", "whatsapp", "--campaign",
             "spring", "--json"],
            cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        slug = json.loads(made.stdout)["slug"]

        script = ["exec 2>&1"]
        for n, step in enumerate(steps):
            command = step.command.replace("localhost:8080", f"localhost:{port}").replace(EXAMPLE_SLUG, slug)
            script += [command, f'echo "@@step {n} $?@@"']
        done = subprocess.run(
            ["bash", "--noprofile", "--norc"],
            input="\n".join(script) + "\n",
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    outputs = re.split(r"@@step \d+ \d+@@\n?", done.stdout)
    statuses = [int(code) for code in re.findall(r"@@step \d+ (\d+)@@", done.stdout)]
    assert len(statuses) == len(steps), done.stdout[-3000:]
    problems = []
    for step, status, output in zip(steps, statuses, outputs, strict=False):
        where = f"README.md line {step.line}: {step.command.splitlines()[0]}"
        if (status != 0) != step.expects_failure:
            problems.append(f"{where}\n  exit {status}\n  {output.strip()[:500]}")
        elif step.command.startswith("curl -i "):
            if _header_names(output) != _header_names(step.shown):
                problems.append(f"{where}\n  headers {_header_names(output)} != README's: {output[:400]!r}")
        elif step.command.startswith("curl ") and '"error"' in output and '"error"' not in step.shown:
            problems.append(f"{where}\n  answered an error: {output.strip()[:300]}")
    assert not problems, "\n".join(problems)
