"""The progress of a long `capreg validate` run: click's progress bar on stderr, only when
stderr is a terminal.

Nothing shows for a run's first second (most runs end sooner; a bar would only flicker).
Then, over many files: files checked of all, the share done and the time left; over one
file or stdin, whose payloads are not counted before they are read: payloads checked and
their rate. The bar is erased when the run ends, and before each write to a stdout on the
terminal, so the output reads as it does without it.
"""

from __future__ import annotations

import itertools
import time
from typing import IO, Any

import click

DELAY = 1.0  # seconds into a run before the bar shows
REDRAW = 0.1  # seconds between draws: drawing at every payload would cost more than checking it
ERASE_LINE = "\r\x1b[K"
SHOW_CURSOR = "\x1b[?25h"  # click hides it while the bar is drawn


class Progress:
    """Told of each payload and file as the run checks them; draws at most every REDRAW."""

    def __init__(self, files: int, terminal: IO[str]) -> None:
        self._terminal = terminal
        self._by_file = files > 1
        self._files = files
        self._started = time.monotonic()
        self._next_draw = self._started + DELAY
        self._files_done = self._payloads = self._steps_given = 0
        self._shown = False
        self._stdout_mid_line = False  # a stdout on the terminal has written part of a line
        self._bar: Any = None  # made at the first draw: a short run never imports click's bar

    @classmethod
    def on(cls, terminal: IO[str], files: int) -> Progress | None:
        """A progress for the run when `terminal` is one, else None: a log or a pipe never gets one."""
        return cls(files, terminal) if terminal.isatty() else None

    def payload(self) -> None:
        self._payloads += 1
        self._draw_when_due()

    def file(self) -> None:
        self._files_done += 1
        self._draw_when_due()

    def around(self, out: IO[str]) -> IO[str]:
        """`out` as the reporter should write to it: through a guard when it is a terminal
        too, since the bar shares its last line."""
        return _Guarded(out, self) if out.isatty() else out

    def writing(self, text: str) -> None:
        """Before `text` goes to a stdout on the terminal: erase the bar, and draw it again only
        once stdout has ended its line (a stdout on a terminal shows a line when it ends)."""
        self._erase()
        if text:
            self._stdout_mid_line = not text.endswith("\n")

    def close(self) -> None:
        if self._bar is not None:
            self._terminal.write(ERASE_LINE + SHOW_CURSOR)
            self._terminal.flush()

    def _erase(self) -> None:
        if self._shown:
            self._terminal.write(ERASE_LINE)
            self._terminal.flush()
            self._shown = False

    def _draw_when_due(self) -> None:
        now = time.monotonic()
        if now < self._next_draw or self._stdout_mid_line:
            return
        self._next_draw = now + REDRAW
        done = self._files_done if self._by_file else self._payloads
        self._bar = self._bar or self._new_bar()
        if done > self._steps_given:
            self._bar.update(done - self._steps_given)  # draws the line
            self._steps_given = done
        else:
            self._bar.render_progress()
        self._shown = True

    def _new_bar(self) -> Any:
        steps = {"length": self._files} if self._by_file else {"iterable": itertools.count()}  # count unknown
        bar = click.progressbar(**steps, file=self._terminal, width=0, bar_template="[%(bar)s]  %(info)s",
                                show_eta=self._by_file, show_percent=self._by_file, item_show_func=self._counts)
        bar.start -= time.monotonic() - self._started  # click times the rate from its start: the run's
        return bar

    def _counts(self, _item: object) -> str:
        rate = self._payloads / (time.monotonic() - self._started)  # drawn only after DELAY
        checked = f"{self._files_done:,}/{self._files:,} files  " if self._by_file else ""
        return f"{checked}{self._payloads:,} payloads  {rate:,.0f}/s"


class _Guarded:
    """A stdout on the bar's terminal, which tells the bar of each write before it is made."""

    def __init__(self, out: IO[str], progress: Progress) -> None:
        self._out = out
        self._progress = progress

    def write(self, text: str) -> int:
        self._progress.writing(text)
        return self._out.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)
