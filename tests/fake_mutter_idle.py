"""A stand-in for GNOME Mutter's IdleMonitor on a private session bus (for the idle tests).

    python fake_mutter_idle.py --idle-ms 4200

Owns org.gnome.Mutter.IdleMonitor and answers GetIdletime on /org/gnome/Mutter/IdleMonitor/Core
with the given number of milliseconds. Prints "ready" once it owns the name.
"""

from __future__ import annotations

import argparse
import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle-ms", type=int, required=True)
    options = parser.parse_args()
    conn = open_dbus_connection(bus="SESSION")
    reply = conn.send_and_get_reply(message_bus.RequestName("org.gnome.Mutter.IdleMonitor", 4))
    if reply.body[0] != 1:
        print(f"could not own the name: {reply.body}", file=sys.stderr)
        return 1
    print("ready", flush=True)
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        fields = msg.header.fields
        if (
            fields.get(HeaderFields.member) == "GetIdletime"
            and fields.get(HeaderFields.path) == "/org/gnome/Mutter/IdleMonitor/Core"
        ):
            conn.send(new_method_return(msg, "t", (options.idle_ms,)))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    sys.exit(main())
