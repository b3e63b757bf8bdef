"""The break engine as a service: no Textual, no click.

It owns the break policy, the config state, the routine catalog, history I/O and the scheduler;
front ends (the dashboard, the CLI verbs over the control channel, status bars) send it commands
(`api.EngineCommands`) and render the typed events it emits (`events`).
"""
