"""The baseline for the footprint benchmark: a bare Textual app with no timer."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Label


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("Next break")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
