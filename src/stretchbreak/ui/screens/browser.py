"""The routine browser: every routine, filters, a preview, and copy / new / edit in $EDITOR.

Broken files are rows too (source "broken"), so a file with a typo does not silently vanish: its
preview lists each problem with file, line and key path. After an edit the catalog is reloaded
with `keep_last_good`, so a half-finished save keeps the last good version of that routine in use
while its errors are shown.

The editor runs with the app suspended; that one step is a small injectable function
(`run_command`), because a headless test app cannot suspend. The editor's program is looked up
before the app is suspended, so a missing editor is a message on the screen, and the terminal is
handed back to the app whatever the editor does (Textual's `suspend()` resumes only when its block
ends normally, so nothing is allowed to escape that block).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.data_table import ColumnKey
from textual.widgets.option_list import Option

from stretchbreak.core.catalog_reload import keep_last_good
from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.feedback import feedback_key, left_out_line
from stretchbreak.core.feedback_entries import AvoidEntry
from stretchbreak.core.loader import Catalog, Exercise, RoutineProblem
from stretchbreak.core.routine import AREAS, Routine, Source
from stretchbreak.core.store import StoreError
from stretchbreak.service.feedback_book import FeedbackBook
from stretchbreak.service.routine_files import (
    EditorError,
    RoutineFileError,
    RoutineFolders,
    describe_routine,
    editor_command,
    editor_failed,
    editor_status_problem,
    run_editor,
)

CommandRunner = Callable[[Sequence[str]], int]
"""Runs a command that needs the terminal and returns its exit status."""

_BROKEN_PREFIX = "file:"
_NAME_WIDTH = 28
_AREAS_WIDTH = 16
_MIN_TABLE_WIDTH = 80
"""The table's width with the narrowest name and areas columns (cells, padding, scrollbar)."""

_log = logging.getLogger(__name__)


def matches(routine: Routine, query: str) -> bool:
    """Every word of `query` appears in the routine's name, id, summary, tags or areas."""
    haystack = " ".join(
        [routine.name, routine.id, routine.summary, *routine.tags, *routine.areas]
    ).casefold()
    return all(word in haystack for word in query.casefold().split())


def filter_routines(
    routines: Iterable[Routine],
    *,
    query: str = "",
    area: str | None = None,
    fits_minutes: int | None = None,
    include_optional: bool = False,
) -> list[Routine]:
    """The routines that pass every filter, sorted by name."""
    fits_seconds = None if fits_minutes is None else fits_minutes * 60
    chosen = [
        routine
        for routine in routines
        if matches(routine, query)
        and (area is None or area in routine.areas)
        and (fits_seconds is None or routine.total_seconds(include_optional) <= fits_seconds)
    ]
    return sorted(chosen, key=lambda routine: (routine.name.casefold(), routine.id))


@dataclass(frozen=True)
class BrokenFile:
    """A file whose routine could not be loaded (and has no last good version in use)."""

    path: Path
    problems: tuple[RoutineProblem, ...]


def broken_files(catalog: Catalog) -> list[BrokenFile]:
    """The files with problems that have no routine in the catalog, in path order."""
    in_use = {routine.path for routine in catalog.routines.values()}
    grouped: dict[Path, list[RoutineProblem]] = {}
    for problem in catalog.problems:
        if problem.path not in in_use:
            grouped.setdefault(problem.path, []).append(problem)
    return [BrokenFile(path, tuple(found)) for path, found in sorted(grouped.items())]


def problem_lines(problems: Iterable[RoutineProblem]) -> list[str]:
    """One line per problem of one file (named once, above them): line, key path, message."""
    lines = []
    for problem in problems:
        parts = [] if problem.line is None else [f"line {problem.line}"]
        if problem.key_path:
            parts.append(problem.key_path)
        parts.append(problem.message)
        lines.append(printable(": ".join(parts)))
    return lines


def shown_path(path: Path) -> str:
    """A path as people read it: `~/...` under the home folder."""
    try:
        return printable(str(Path("~") / path.relative_to(Path.home())))
    except ValueError:
        return printable(str(path))


class RoutineTable(DataTable[Text], inherit_bindings=False):
    """The routine list: DataTable's moves without its Enter, so Enter reaches the screen's
    `browser.start` binding (listed in help, and remappable). A click on the highlighted row
    still starts it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "First", show=False),
        Binding("end", "scroll_end", "Last", show=False),
    ]


class RoutineIdScreen(ModalScreen[str | None]):
    """Asks for a routine id (for a copy or a new routine); checks it as you type."""

    DEFAULT_CSS = """
    RoutineIdScreen { align: center middle; }
    RoutineIdScreen > Vertical {
        width: 64; max-width: 100%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    RoutineIdScreen #id-title { text-style: bold; }
    RoutineIdScreen #id-error { color: $error; height: auto; }
    RoutineIdScreen Horizontal { height: auto; margin-top: 1; }
    RoutineIdScreen Button { margin-right: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="browser.id_cancel"),
    ]

    def __init__(self, title: str, value: str, check: Callable[[str], str | None]) -> None:
        """`check` returns why an id cannot be used, or None when it can."""
        super().__init__()
        self._title = title
        self._value = value
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, id="id-title", markup=False)
            yield Input(self._value, placeholder="e.g. my-neck-break", id="routine-id")
            yield Static("", id="id-error", markup=False)
            with Horizontal():
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._show_problem(self._value)

    @on(Input.Changed, "#routine-id")
    def _changed(self, event: Input.Changed) -> None:
        self._show_problem(event.value)

    def _show_problem(self, value: str) -> str | None:
        problem = self._check(value.strip()) if value.strip() else "type an id"
        self.query_one("#id-error", Static).update("" if problem is None else f"✗ {problem}")
        self.query_one("#ok", Button).disabled = problem is not None
        return problem

    @on(Input.Submitted, "#routine-id")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        value = self.query_one("#routine-id", Input).value.strip()
        if self._show_problem(value) is None:
            self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class RoutineBrowserScreen(Screen[str | None]):
    """All routines; dismisses with the id of the routine to start, or None when closed."""

    DEFAULT_CSS = """
    RoutineBrowserScreen #filters { height: 1; padding: 0 1; }
    RoutineBrowserScreen #filters Label { width: auto; padding: 0 1 0 0; }
    RoutineBrowserScreen #search { width: 1fr; min-width: 16; margin-right: 2; }
    RoutineBrowserScreen #area { width: 22; margin-right: 2; }
    RoutineBrowserScreen #fits { width: 6; }
    RoutineBrowserScreen #count { height: 1; padding: 0 1; color: $text-muted; }
    RoutineBrowserScreen #left-out { height: auto; padding: 0 1; color: $warning; }
    RoutineBrowserScreen #routines { height: 1fr; min-height: 5; }
    RoutineBrowserScreen #preview-box {
        height: 1fr; border-top: solid $primary; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", id="browser.start"),
        Binding("e", "edit", "Edit", id="browser.edit"),
        Binding("c", "copy", "Copy", id="browser.copy"),
        Binding("n", "new", "New", id="browser.new"),
        Binding("slash", "search", "Search", id="browser.search"),
        Binding("ctrl+r", "reload", "Reload", id="browser.reload"),
        Binding("b", "put_back", "Put back", id="browser.put_back"),
        Binding("escape", "close", "Back", id="browser.close"),
    ]

    def __init__(
        self,
        folders: RoutineFolders,
        *,
        catalog: Catalog | None = None,
        include_optional: bool = False,
        run_command: CommandRunner | None = None,
        feedback: FeedbackBook | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`catalog`: the one the app has in use (else loaded from `folders`).

        `run_command` runs the editor; the default suspends the app around it. `feedback`:
        where the exercises left out after a symptom answer are kept (`b` puts one back).
        """
        super().__init__(name=name, id=id, classes=classes)
        self._folders = folders
        self._catalog = catalog if catalog is not None else folders.load()
        self._kept: dict[str, tuple[RoutineProblem, ...]] = {}
        self._libraries: dict[str, Mapping[str, Exercise]] = {}
        """Exercise library per routine source, read once per (re)load, for the figures."""
        self._include_optional = include_optional
        self._run_command = run_command if run_command is not None else self._run_suspended
        self._feedback = feedback
        self._avoided: dict[str, AvoidEntry] = {}

    @property
    def catalog(self) -> Catalog:
        """The catalog as the browser last loaded it (last good versions included)."""
        return self._catalog

    def compose(self) -> ComposeResult:
        areas = sorted({area for r in self._catalog.routines.values() for area in r.areas} or AREAS)
        with Horizontal(id="filters"):
            yield Label("Search")
            yield Input(placeholder="name, tag, area  ( / )", id="search", compact=True)
            yield Select(
                [(area.replace("_", " "), area) for area in areas],
                prompt="All areas",
                id="area",
                compact=True,
            )
            yield Label("Fits in")
            yield Input(placeholder="min", id="fits", type="integer", max_length=3, compact=True)
            yield Label(" min")
        yield Static("", id="count", markup=False)
        yield Static("", id="left-out", markup=False)
        yield RoutineTable(id="routines", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="preview-box"):
            yield Static("", id="preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#routines", DataTable)
        name_width, areas_width = self._column_widths()
        table.add_column("Name", width=name_width, key="name")
        table.add_column("Areas", width=areas_width, key="areas")
        table.add_column("Time", width=5, key="time")
        table.add_column("Level", width=11, key="level")
        table.add_column("Source", width=7, key="source")
        self._read_left_out()
        self._refill()
        table.focus()

    def _column_widths(self) -> tuple[int, int]:
        """Name and areas share what the fixed columns leave (at least 28 and 16)."""
        spare = max(0, self.size.width - _MIN_TABLE_WIDTH)
        extra_name = min(spare // 3, 12)
        return _NAME_WIDTH + extra_name, _AREAS_WIDTH + min(spare - extra_name, 40)

    def on_resize(self) -> None:
        table = self.query_one("#routines", DataTable)
        if not table.columns:
            return
        name_width, areas_width = self._column_widths()
        if table.columns[ColumnKey("name")].width != name_width:
            table.columns[ColumnKey("name")].width = name_width
            table.columns[ColumnKey("areas")].width = areas_width
            self._refill()

    # --- filling the list and the preview -------------------------------------------------

    def _filters(self) -> tuple[str, str | None, int | None]:
        query = self.query_one("#search", Input).value
        area_value = self.query_one("#area", Select).value
        area = area_value if isinstance(area_value, str) else None
        fits_text = self.query_one("#fits", Input).value.strip()
        fits = int(fits_text) if fits_text.isdigit() and int(fits_text) > 0 else None
        return query, area, fits

    def shown_ids(self) -> list[str]:
        """The row keys in display order: routine ids, then `file:<path>` for broken files."""
        table = self.query_one("#routines", DataTable)
        return [str(row.key.value) for row in table.ordered_rows]

    def _refill(self, select: str | None = None) -> None:
        table = self.query_one("#routines", DataTable)
        previous = select or self._highlighted_key()
        query, area, fits = self._filters()
        routines = filter_routines(
            self._catalog.routines.values(),
            query=query,
            area=area,
            fits_minutes=fits,
            include_optional=self._include_optional,
        )
        broken = [
            file for file in broken_files(self._catalog) if not query or _file_matches(file, query)
        ]
        table.clear()
        for routine in routines:
            table.add_row(*self._cells(routine), key=routine.id)
        for file in broken:
            table.add_row(
                _cell(file.path.name, self._column_widths()[0]),
                Text("—"),
                Text("—"),
                Text("—"),
                Text("broken"),
                key=f"{_BROKEN_PREFIX}{file.path}",
            )
        total = len(self._catalog.routines)
        count = f"{len(routines)} of {total} routines"
        if broken:
            count += f" · {len(broken)} broken file(s)"
        if self._kept:
            count += f" · {len(self._kept)} at the last good version (user!)"
        count += " · Enter or a second click starts"
        self.query_one("#count", Static).update(count)
        keys = self.shown_ids()
        if previous in keys:
            table.move_cursor(row=keys.index(previous))
        self._show_preview()

    def _cells(self, routine: Routine) -> list[Text]:
        name_width, areas_width = self._column_widths()
        seconds = routine.total_seconds(self._include_optional)
        source: str = routine.source
        if routine.id in self._kept:
            source = "user!"
        return [
            _cell(routine.name, name_width),
            _cell(", ".join(area.replace("_", " ") for area in routine.areas), areas_width),
            Text(format_duration(seconds)),
            Text(routine.difficulty),
            Text(source),
        ]

    def _highlighted_key(self) -> str | None:
        table = self.query_one("#routines", DataTable)
        if table.row_count == 0:
            return None
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def _selected_routine(self) -> Routine | None:
        key = self._highlighted_key()
        return None if key is None else self._catalog.routines.get(key)

    def _show_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        key = self._highlighted_key()
        if key is None:
            preview.update(Text("No routine matches. Clear the search or the filters."))
            return
        if key.startswith(_BROKEN_PREFIX):
            path = Path(key.removeprefix(_BROKEN_PREFIX))
            file = next(file for file in broken_files(self._catalog) if file.path == path)
            preview.update(_broken_text(file))
            return
        routine = self._catalog.routines[key]
        preview.update(self._routine_text(routine))

    def _routine_text(self, routine: Routine) -> Text:
        text = Text()
        kept = self._kept.get(routine.id)
        if kept and routine.path is not None:
            text.append(f"{shown_path(routine.path)} has problems; ", "bold")
            text.append("the last good version stays in use:\n", "bold")
            for line in problem_lines(kept):
                text.append(f"✗ {line}\n")
            text.append("\n")
        source: str = routine.source
        if routine.source == "user" and routine.id in self._catalog.overridden:
            source = "user (replaces bundled)"
        lines = describe_routine(routine, source, self._library(routine.source))
        for number, line in enumerate(lines):
            shown = printable(line)
            if routine.path is not None and line.startswith("source: "):
                shown = shown.replace(printable(str(routine.path)), shown_path(routine.path))
            if number == 0:
                text.append(shown, "bold")
            elif line.lstrip().startswith("Caution:"):
                text.append(shown, "italic")
            else:
                text.append(shown)
            text.append("\n")
        left_out = self._left_out_in(routine)
        if left_out:
            text.append("\nLeft out for you (b puts one back):\n", "bold")
            for line in left_out:
                text.append(f"⊘ {line}\n")
        return text

    # --- exercises left out after a symptom answer (issue 12) ------------------------------

    def _exercise_names(self) -> dict[str, str]:
        return {key: exercise.name for key, exercise in self._library("user").items()}

    def _left_out_lines(self, ids: Iterable[str]) -> list[str]:
        names = self._exercise_names()
        return [
            printable(left_out_line(self._avoided[key], names.get(key, key)))
            for key in ids
            if key in self._avoided
        ]

    def _left_out_in(self, routine: Routine) -> list[str]:
        keys = dict.fromkeys(feedback_key(step) for step in routine.steps)
        return self._left_out_lines(key for key in keys if key in self._avoided)

    def _read_left_out(self) -> None:
        """Read the left-out exercises and say how many there are above the list."""
        line = self.query_one("#left-out", Static)
        if self._feedback is None:
            line.display = False
            return
        try:
            self._avoided = self._feedback.avoided()
        except StoreError as error:
            self._avoided = {}
            line.update(printable(f"Left-out exercises cannot be read: {error}"))
            line.display = True
            return
        names = self._exercise_names()
        shown = ", ".join(printable(names.get(key, key)) for key in self._avoided)
        line.update(f"Left out for you: {shown} · b puts one back" if shown else "")
        line.display = bool(shown)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "put_back":
            return bool(self._avoided)  # shown only while something is left out
        return True

    def action_put_back(self) -> None:
        """Choose a left-out exercise, confirm, and put it back into the routines."""
        if self._feedback is None or not self._avoided:
            self.notify("No exercise is left out.", markup=False)
            return
        book = self._feedback
        names = self._exercise_names()
        choices = [
            (key, printable(left_out_line(entry, names.get(key, key))))
            for key, entry in self._avoided.items()
        ]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            name = printable(names.get(key, key))
            try:
                book.restore(key)
            except StoreError as error:
                self.notify(printable(f"Not put back: {error}"), severity="error", markup=False)
                return
            self._read_left_out()
            self._show_preview()
            self.notify(f"{name} is back in your routines.", markup=False)

        self.app.push_screen(PutBackScreen(choices), chosen)

    def _library(self, source: Source) -> Mapping[str, Exercise]:
        """The exercises (with their figures) the routine's steps come from."""
        if source not in self._libraries:
            try:
                self._libraries[source] = self._folders.library(source)[0]
            except OSError as error:  # the preview still shows the routine, without figures
                _log.warning("exercise library unreadable: %s", error)
                self._libraries[source] = {}
        return self._libraries[source]

    @on(DataTable.RowHighlighted, "#routines")
    def _highlighted(self) -> None:
        self._show_preview()

    @on(DataTable.RowSelected, "#routines")
    def _selected(self) -> None:
        self.action_start()

    @on(Input.Changed, "#search")
    @on(Input.Changed, "#fits")
    @on(Select.Changed, "#area")
    def _filter_changed(self) -> None:
        self._refill()

    @on(Input.Submitted, "#search")
    @on(Input.Submitted, "#fits")
    def _back_to_list(self) -> None:
        self.query_one("#routines", DataTable).focus()

    # --- actions ----------------------------------------------------------------------------

    def action_start(self) -> None:
        routine = self._selected_routine()
        if routine is not None:
            self.dismiss(routine.id)
        elif self._highlighted_key() is not None:
            self.notify("This file has problems; press e to fix it.", severity="warning")

    def action_close(self) -> None:
        """Esc: in a filter field, clear it (or, already empty, go back to the list); only
        from the list does it leave the browser."""
        field = self.focused
        if isinstance(field, Input) and field.id in ("search", "fits"):
            if field.value:
                field.value = ""
            else:
                self.query_one("#routines", DataTable).focus()
            return
        self.dismiss(None)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_reload(self) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Re-read every routine file, keeping last good versions of files that broke."""
        reloaded = keep_last_good(self._catalog, self._folders.load())
        self._catalog = reloaded.catalog
        self._kept = reloaded.kept
        self._libraries.clear()
        self._refill(select)

    def action_copy(self) -> None:
        routine = self._selected_routine()
        if routine is None:
            return
        bundled_only = routine.source == "bundled" and self._folders.id_problem(routine.id) is None
        suggestion = routine.id if bundled_only else f"{routine.id}-copy"[:48]
        title = f"Copy {printable(routine.name)} as:"
        if bundled_only:
            title += " (a copy with the same id replaces the bundled one)"

        def copy(new_id: str | None) -> None:
            if new_id is not None:
                self._write_file(lambda: self._folders.copy(routine, new_id), new_id, "Copied")

        self.app.push_screen(RoutineIdScreen(title, suggestion, self._folders.id_problem), copy)

    def action_new(self) -> None:
        def create(new_id: str | None) -> None:
            if new_id is not None:
                self._write_file(lambda: self._folders.new(new_id), new_id, "Wrote")

        self.app.push_screen(
            RoutineIdScreen(
                "Id of the new routine (also its file name):", "", self._folders.id_problem
            ),
            create,
        )

    def _write_file(self, write: Callable[[], Path], routine_id: str, verb: str) -> None:
        try:
            target = write()
        except (RoutineFileError, OSError) as error:
            self._report_write_error(error)
            return
        self.reload(select=routine_id)
        self.notify(f"{verb} {shown_path(target)}. Press e to edit it.", markup=False)

    def _report_write_error(self, error: Exception) -> None:
        lines = [printable(str(error))]
        if isinstance(error, RoutineFileError):
            lines.extend(problem_lines(error.problems))
        self.notify("\n".join(lines), severity="error", markup=False, timeout=10)

    def action_edit(self) -> None:
        key = self._highlighted_key()
        if key is None:
            return
        if key.startswith(_BROKEN_PREFIX):
            self.edit_file(Path(key.removeprefix(_BROKEN_PREFIX)), select=key)
            return
        routine = self._catalog.routines[key]
        try:
            editor = editor_command()  # before a bundled routine is copied for nothing
        except EditorError as error:
            self._editor_error(str(error))
            return
        try:
            target = self._folders.editable_file(routine)
        except (RoutineFileError, OSError) as error:
            self._report_write_error(error)
            return
        self.edit_file(target, select=routine.id, editor=editor)

    def edit_file(
        self, target: Path, select: str | None = None, editor: Sequence[str] | None = None
    ) -> None:
        """Open `target` in the editor (`editor_command()` unless given), then reload and say
        whether it loads.

        An editor that cannot be found or started, or that exits with a non-zero status, is
        an error message on the screen; the app keeps running either way.
        """
        try:
            command = [*(editor_command() if editor is None else editor), str(target)]
        except EditorError as error:
            self._editor_error(str(error))
            return
        try:
            status = self._run_command(command)
        except SuspendNotSupported:
            self.notify(
                f"Cannot open an editor from here. Edit {shown_path(target)} yourself; "
                "press ctrl+r to reload it afterwards.",
                severity="warning",
                markup=False,
                timeout=10,
            )
            return
        except EditorError as error:
            self._editor_error(str(error))
            return
        except OSError as error:
            self._editor_error(editor_failed(command[0], error))
            return
        self.reload(select=select)
        self._report_edit(target, status)
        problem = editor_status_problem(command[0], status)
        if problem is not None:
            self._editor_error(problem)

    def _editor_error(self, message: str) -> None:
        lines = [printable(line) for line in message.split("\n")]
        self.notify("\n".join(lines), severity="error", markup=False, timeout=15)

    def _report_edit(self, target: Path, status: int) -> None:
        problems = [problem for problem in self._catalog.problems if problem.path == target]
        note = "" if status == 0 else f" (the editor exited with status {status})"
        if problems:
            kept = any(routine.path == target for routine in self._catalog.routines.values())
            then = "the last good version stays in use" if kept else "it is not loaded"
            message = f"{shown_path(target)} has {len(problems)} problem(s); {then}{note}:\n"
            message += "\n".join(problem_lines(problems[:5]))
            self.notify(message, severity="error", markup=False, timeout=15)
            return
        routine = next(
            (routine for routine in self._catalog.routines.values() if routine.path == target),
            None,
        )
        if routine is not None:
            length = format_duration(routine.total_seconds(self._include_optional))
            self.notify(f"Saved {printable(routine.name)}: {length}{note}", markup=False)

    def _run_suspended(self, command: Sequence[str]) -> int:
        """Hand the terminal to the editor and take it back whatever happens.

        Textual's `App.suspend()` resumes application mode only when its block ends normally:
        an exception escaping it (a program that cannot start, Ctrl-C) would leave the terminal
        in cooked mode under a blank screen. So every exception is caught inside the block and
        raised again once the app has the terminal back.
        """
        failure: BaseException | None = None
        status = 0
        with self.app.suspend():
            try:
                status = run_editor(command)
            except BaseException as error:  # re-raised below, once the app has resumed
                failure = error
        if failure is not None:
            raise failure
        return status


def _cell(text: str, width: int) -> Text:
    """Literal text (routine names may contain `[markup]`), cut to the column with an ellipsis."""
    shown = printable(text)
    if len(shown) > width:
        shown = shown[: width - 1] + "…"
    return Text(shown)


def _file_matches(file: BrokenFile, query: str) -> bool:
    name = file.path.name.casefold()
    return all(word in name for word in query.casefold().split())


def _broken_text(file: BrokenFile) -> Text:
    text = Text()
    text.append(f"{shown_path(file.path)} could not be loaded:\n", "bold")
    for line in problem_lines(file.problems):
        text.append(f"✗ {line}\n")
    text.append("\nPress e to fix it in your editor; it is checked again when you save.")
    return text


class PutBackScreen(ModalScreen[str | None]):
    """Which left-out exercise to put back, then "are you sure?"; dismisses with its id."""

    DEFAULT_CSS = """
    PutBackScreen { align: center middle; }
    PutBackScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 90%;
        padding: 1 2; border: thick $primary; background: $surface;
    }
    PutBackScreen #put-back-title { text-style: bold; }
    PutBackScreen OptionList { height: auto; max-height: 12; margin-top: 1; }
    PutBackScreen #put-back-confirm { margin-top: 1; text-style: bold; color: $warning; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes, put it back", id="browser.put_back_yes"),
        Binding("n,escape", "cancel", "Cancel", id="browser.put_back_cancel"),
    ]

    def __init__(self, choices: Sequence[tuple[str, str]]) -> None:
        """`choices`: (exercise id, the line shown for it), both already printable."""
        super().__init__()
        self._choices = list(choices)
        self.picked: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Put an exercise back into your routines", id="put-back-title", markup=False
            )
            yield Static(
                "It was left out after you said it made things worse, tingly or dizzy."
                " Choose one with Enter; Esc cancels.",
                markup=False,
            )
            yield OptionList(
                *(Option(Text(line), id=key) for key, line in self._choices), id="put-back-list"
            )
            yield Static("", id="put-back-confirm", markup=False)

    def on_mount(self) -> None:
        self.query_one("#put-back-confirm").display = False
        self.query_one(OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.picked is not None
        return True

    @on(OptionList.OptionSelected, "#put-back-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.picked = event.option.id
        line = dict(self._choices).get(self.picked or "", "")
        confirm = self.query_one("#put-back-confirm", Static)
        confirm.update(f"Put back {line.split(':')[0]}? y puts it back, n cancels.")
        confirm.display = True
        self.refresh_bindings()

    def action_confirm(self) -> None:
        self.dismiss(self.picked)

    def action_cancel(self) -> None:
        if self.picked is not None and self.focused is not None:
            self.picked = None
            self.query_one("#put-back-confirm").display = False
            self.refresh_bindings()
            return
        self.dismiss(None)
