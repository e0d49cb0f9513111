"""The language server's lint jobs: debounced, off the event loop, cancelled by a newer edit.

An editor sends a change on every keystroke, and linting a long module takes longer than the
pause between two keystrokes. So the server never lints on its event loop: a change (re)starts a
short timer for its document, and when the timer fires, the document's text of that moment is
linted in a forked child process (on Linux: the child inherits the loaded catalog and rules, and
can be killed). A newer change of the same document kills the running lint of the older text, so
the newest text is linted as soon as the typing pauses, and diagnostics of an older version are
never published (the server also checks the version before publishing). Where ``fork`` is not
safe (macOS, Windows) the lint runs on a thread and a superseded result is dropped instead.

All forks happen on the event loop's thread, after a warm-up lint there has imported everything
a lint needs, so that no child can inherit a module half-imported by another thread.

A document above the size limit is not linted at all: it gets one MLO002 diagnostic saying so.

The child's answer starts with its length, so that the server takes it as soon as it has arrived
rather than when the child is gone (a forked server takes milliseconds to exit). A lint on a change
answers with the notifications to publish, already encoded (publication.py): the server only
writes them.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from mlops_lint.cache import codec
from mlops_lint.diagnostics import Diagnostic, Position, TextEdit
from mlops_lint.source.reading import DEFAULT_MAX_FILE_SIZE

# Long enough to take a burst of changes that arrive together (a paste, several cursors) as one,
# and short: it is waited after every last keystroke. Typing (80 ms a key or slower) is not a
# burst at any delay under the 300 ms target: each key kills the lint of the key before it.
# Changes sent together reach the server in one read and are handled in one pass of its event
# loop, well within 3 ms; a change that still comes later costs a fork that it kills, not a
# wrong answer (10 ms until wave 9).
DEBOUNCE_SECONDS = 0.003
# The size above which the server does not even hand a document to a lint: the default of
# `max-file-size` (issue 13, item 8). A smaller configured limit is applied by the lint itself
# (run() holds an editor's buffer to it, as stdin); a larger one is capped here, since a document
# that size in an editor is not training code to check on every keystroke.
MAX_DOCUMENT_BYTES = DEFAULT_MAX_FILE_SIZE
_FORK = sys.platform == "linux" and hasattr(os, "fork")
_PIPE_BYTES = 1 << 20  # Linux's default limit for an unprivileged process's pipe


def size_above_limit(text: str, limit: int) -> int | None:
    """The UTF-8 size of ``text`` when it is above ``limit`` bytes, else None (without encoding it if it can)."""
    if len(text) > limit:  # at least one byte per character: too large whatever it holds
        return len(text.encode("utf-8", "surrogatepass"))
    if len(text) * 4 <= limit:  # at most four bytes per character: small enough
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


@dataclass(frozen=True)
class Publication:
    """A document's diagnostics ready to send: the JSON body of its publishDiagnostics notification."""

    uri: str
    body: bytes


@dataclass(frozen=True)
class Publications:
    """What a lint on a change gives: a notification per document, in the order to send them."""

    items: tuple[Publication, ...]


@dataclass(frozen=True)
class Outcome:
    """What a lint job gives back: diagnostics (or the edits of a fix, or the notifications that
    publish them), or a configuration error to show, or an internal failure."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    run_error: str | None = None
    failure: str | None = None
    edits: tuple[TextEdit, ...] | None = None  # the job's answer when it fixed a text rather than linted it
    publications: tuple[Publication, ...] | None = None  # its answer when it encoded its findings itself


# A job lints (its findings, or their notifications) or fixes (the edits that fix the text).
Work = Callable[[], "list[Diagnostic] | tuple[TextEdit, ...] | Publications"]


def _answer(work: Work) -> bytes:
    """The child's answer: the length of the rest, a line of JSON, then the bodies of its publications."""
    from mlops_lint.run import RunError

    bodies = b""
    try:
        result = work()
        if isinstance(result, Publications):
            outcome: dict[str, Any] = {"publications": [[p.uri, len(p.body)] for p in result.items]}
            bodies = b"".join(p.body for p in result.items)
        elif isinstance(result, tuple):
            outcome = {"edits": [[e.start.line, e.start.column, e.end.line, e.end.column, e.new_text] for e in result]}
        else:
            outcome = {"diagnostics": [codec.encode(d) for d in result]}
    except RunError as error:
        outcome = {"run_error": str(error)}
    except BaseException as error:  # reported by the parent; the child must always answer
        outcome = {"failure": f"{type(error).__name__}: {error}"}
    head = json.dumps(outcome).encode("ascii")  # ASCII, so without a raw newline
    return b"%d\n%s\n%s" % (len(head) + 1 + len(bodies), head, bodies)


def _answer_size(data: bytes) -> int | None:
    """The size of the whole answer that starts with ``data``, once its length line has arrived."""
    line, newline, _ = data.partition(b"\n")
    if not newline:
        return None if len(line) < 20 else 0  # a length line is short: anything else is garbage
    try:
        return len(line) + 1 + int(line)
    except ValueError:
        return 0


def _outcome_from_answer(data: bytes) -> Outcome | None:
    """None for a child that was killed (or died) before it answered in full."""
    try:
        line, _, rest = data.partition(b"\n")
        if int(line) != len(rest):
            return None
        head, _, bodies = rest.partition(b"\n")
        outcome = json.loads(head)
        if "publications" in outcome:
            publications, at = [], 0
            for uri, size in outcome["publications"]:
                publications.append(Publication(str(uri), bodies[at:at + int(size)]))
                at += int(size)
            return Outcome(publications=tuple(publications)) if at == len(bodies) else None
        if "diagnostics" in outcome:
            return Outcome(diagnostics=codec.decode_all(outcome["diagnostics"]))
        if "edits" in outcome:
            return Outcome(edits=tuple(TextEdit(Position(int(a), int(b)), Position(int(c), int(d)), str(text))
                                       for a, b, c, d, text in outcome["edits"]))
        return Outcome(run_error=outcome.get("run_error"), failure=outcome.get("failure"))
    except (ValueError, TypeError, AttributeError):
        return None


class Job:
    """One lint of one snapshot; ``future`` gives its Outcome, or None once cancelled."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[Outcome | None] = loop.create_future()
        self.pid: int | None = None
        self.fd: int | None = None
        self.chunks: list[bytes] = []
        self.received = 0
        self.size: int | None = None  # of the whole answer, once its length line has arrived

    def cancel(self) -> None:
        if self.pid is not None:
            try:
                os.kill(self.pid, 9)  # SIGKILL: a lint holds nothing that needs cleaning up
            except ProcessLookupError:
                pass
        self._resolve(None)

    def _resolve(self, outcome: Outcome | None) -> None:
        if self.fd is not None:
            self.loop.remove_reader(self.fd)
            os.close(self.fd)
            self.fd = None
        if self.pid is not None:
            self._reap()
        if not self.future.done():
            self.future.set_result(outcome)

    def _reap(self) -> None:
        pid = self.pid
        if pid is None:
            return
        try:
            done, _status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done == pid:
            self.pid = None
        else:  # exiting, not yet gone: look again shortly rather than block the loop
            self.loop.call_later(0.01, self._reap)

    def _readable(self) -> None:
        if self.fd is None:  # resolved meanwhile
            return
        try:
            chunk = os.read(self.fd, _PIPE_BYTES)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if chunk:
            self.chunks.append(chunk)
            self.received += len(chunk)
            if self.size is None:
                self.chunks = [b"".join(self.chunks)]
                self.size = _answer_size(self.chunks[0])
            if self.size is None or self.received < self.size:
                return
        # The whole answer (taken without waiting for the child to exit), or the end of a child
        # that died or was killed before it answered.
        self._resolve(_outcome_from_answer(b"".join(self.chunks)))


def _fork(loop: asyncio.AbstractEventLoop, lint: Work) -> Job:
    import fcntl  # Linux only, as forking lints are

    job = Job(loop)
    read_fd, write_fd = os.pipe()
    try:  # room for a whole answer (a 5k-line module's is 0.7 MB): the child writes it at once, the server reads it at once
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (OSError, AttributeError):  # above the system's limit (/proc/sys/fs/pipe-max-size): 64 kB at a time
        pass
    pid = os.fork()
    if pid == 0:  # the child: lint, write the outcome, leave without running the parent's exit handlers
        status = 0
        try:
            os.close(read_fd)
            # stdin and stdout are the editor's channel: nothing in the child may touch them.
            quiet = os.open(os.devnull, os.O_RDWR)
            os.dup2(quiet, 0)
            os.dup2(quiet, 1)
            # The child exits right after, its memory freed at once: no collection is worth its
            # time, not even the one a lint makes of its own young objects (engine/collector.py).
            gc.disable()
            data = _answer(lint)
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view):]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    job.pid, job.fd = pid, read_fd
    loop.add_reader(read_fd, job._readable)
    return job


def _thread(loop: asyncio.AbstractEventLoop, lint: Work) -> Job:
    job = Job(loop)

    def finished(future: asyncio.Future[bytes]) -> None:
        if not future.cancelled():
            job._resolve(_outcome_from_answer(future.result()))

    loop.run_in_executor(None, _answer, lint).add_done_callback(finished)
    return job


def forks() -> bool:
    """Whether lints run in a forked child (which may mutate what it inherits) rather than on a thread."""
    return _FORK


def start(lint: Work) -> Job:
    """Run ``lint`` away from the event loop (call from the loop's thread)."""
    loop = asyncio.get_running_loop()
    return _fork(loop, lint) if _FORK else _thread(loop, lint)


@dataclass
class _State:
    timer: asyncio.TimerHandle | None = None
    job: Job | None = None


class Debouncer:
    """Per document key: one pending timer and at most one running job; a new request replaces both."""

    def __init__(self, begin: Callable[[str], Job | None], finish: Callable[[str, Outcome], None],
                 delay: float = DEBOUNCE_SECONDS) -> None:
        self.begin, self.finish, self.delay = begin, finish, delay
        self.states: dict[str, _State] = {}

    def request(self, key: str) -> None:
        state = self.forget(key)
        state.timer = asyncio.get_running_loop().call_later(self.delay, self._start, key)
        self.states[key] = state

    def forget(self, key: str) -> _State:
        """Cancel the key's pending and running work (a newer version, or a closed document)."""
        state = self.states.pop(key, None) or _State()
        if state.timer is not None:
            state.timer.cancel()
            state.timer = None
        if state.job is not None:
            state.job.cancel()
            state.job = None
        return state

    def forget_all(self) -> None:
        for key in list(self.states):
            self.forget(key)

    def _start(self, key: str) -> None:
        state = self.states.get(key)
        if state is None:
            return
        state.timer = None
        job = self.begin(key)
        if job is None:
            self.states.pop(key, None)
            return
        state.job = job
        job.future.add_done_callback(lambda future: self._done(key, job, future))

    def _done(self, key: str, job: Job, future: asyncio.Future[Outcome | None]) -> None:
        state = self.states.get(key)
        if state is None or state.job is not job:
            return  # superseded or closed meanwhile: never published
        self.states.pop(key, None)
        outcome = future.result()
        if outcome is not None:
            self.finish(key, outcome)
