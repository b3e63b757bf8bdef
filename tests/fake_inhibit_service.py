"""A stand-in for a desktop's inhibit service on a private session bus (for the busy tests).

    python fake_inhibit_service.py gnome|kde|freedesktop

Owns the service's name and answers its "is something inhibiting?" method (GNOME
`IsInhibited(u)`, KDE `HasInhibition(u)`, freedesktop `HasInhibit()`) with the current state,
which starts false and is changed by calling `org.stretchbreak.Test.SetInhibited(b)` on the same
object path (as a media player starting and stopping would). Records the flags it was asked
about; `org.stretchbreak.Test.AskedFlags()` returns them. Prints "ready" once it owns the name.
"""

from __future__ import annotations

import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

SERVICES = {
    "gnome": ("org.gnome.SessionManager", "/org/gnome/SessionManager", "IsInhibited"),
    "kde": (
        "org.kde.Solid.PowerManagement.PolicyAgent",
        "/org/kde/Solid/PowerManagement/PolicyAgent",
        "HasInhibition",
    ),
    "freedesktop": (
        "org.freedesktop.PowerManagement",
        "/org/freedesktop/PowerManagement/Inhibit",
        "HasInhibit",
    ),
}


def main() -> int:
    name, path, method = SERVICES[sys.argv[1]]
    conn = open_dbus_connection(bus="SESSION")
    reply = conn.send_and_get_reply(message_bus.RequestName(name, 4))
    if reply.body[0] != 1:
        print(f"could not own the name: {reply.body}", file=sys.stderr)
        return 1
    inhibited = False
    asked: list[int] = []
    print("ready", flush=True)
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        fields = msg.header.fields
        member = fields.get(HeaderFields.member)
        if fields.get(HeaderFields.path) != path:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject"))
        elif member == method:
            asked.extend(int(flag) for flag in msg.body)
            conn.send(new_method_return(msg, "b", (inhibited,)))
        elif member == "SetInhibited":
            (inhibited,) = msg.body
            conn.send(new_method_return(msg))
        elif member == "AskedFlags":
            conn.send(new_method_return(msg, "au", (asked,)))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    sys.exit(main())
