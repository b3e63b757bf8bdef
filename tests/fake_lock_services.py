"""Stand-ins for logind and a screensaver on a private bus (for the lock tests).

    python fake_lock_services.py logind --session-id 3   # on the stand-in "system" bus
    python fake_lock_services.py screensaver --name org.gnome.ScreenSaver \
        --path /org/gnome/ScreenSaver

logind: owns org.freedesktop.login1; `Manager.GetSession(id)` gives /org/freedesktop/login1/
session/_3; `Properties.Get` answers the session's `Id` (also on session/auto) and `LockedHint`.
screensaver: owns the name, answers `GetActive`. Both take `org.stretchbreak.Test.Set(b)` from
the test (lock or unlock) and send the change signal the desktop would (PropertiesChanged,
ActiveChanged). Prints "ready" once the name is owned. The bus comes from
DBUS_SESSION_BUS_ADDRESS.
"""

from __future__ import annotations

import argparse
import sys

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

SESSION = "org.freedesktop.login1.Session"
PROPERTIES = "org.freedesktop.DBus.Properties"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=("logind", "screensaver"))
    parser.add_argument("--session-id", default="3")
    parser.add_argument("--name", default="org.freedesktop.ScreenSaver")
    parser.add_argument("--path", default="/org/freedesktop/ScreenSaver")
    options = parser.parse_args()
    name = "org.freedesktop.login1" if options.role == "logind" else options.name
    session_path = f"/org/freedesktop/login1/session/_{options.session_id}"
    conn = open_dbus_connection(bus="SESSION")
    reply = conn.send_and_get_reply(message_bus.RequestName(name, 4))
    if reply.body[0] != 1:
        print(f"could not own the name: {reply.body}", file=sys.stderr)
        return 1
    print("ready", flush=True)
    state = False
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        fields = msg.header.fields
        member = fields.get(HeaderFields.member)
        path = fields.get(HeaderFields.path)
        if member == "Set" and fields.get(HeaderFields.interface) == "org.stretchbreak.Test":
            state = bool(msg.body[0])
            conn.send(new_method_return(msg))
            if options.role == "logind":
                emitter = DBusAddress(session_path, name, PROPERTIES)
                body = (SESSION, {"LockedHint": ("b", state)}, [])
                conn.send(new_signal(emitter, "PropertiesChanged", "sa{sv}as", body))
            else:
                emitter = DBusAddress(options.path, name, options.name)
                conn.send(new_signal(emitter, "ActiveChanged", "b", (state,)))
        elif options.role == "logind" and member == "GetSession":
            if msg.body[0] == options.session_id:
                conn.send(new_method_return(msg, "o", (session_path,)))
            else:
                conn.send(new_error(msg, "org.freedesktop.login1.NoSuchSession", "s", ("no",)))
        elif options.role == "logind" and member == "Get" and msg.body[0] == SESSION:
            auto = path == "/org/freedesktop/login1/session/auto"
            if msg.body[1] == "Id" and (auto or path == session_path):
                conn.send(new_method_return(msg, "v", (("s", options.session_id),)))
            elif msg.body[1] == "LockedHint" and path == session_path:
                conn.send(new_method_return(msg, "v", (("b", state),)))
            else:
                conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownProperty"))
        elif options.role == "screensaver" and member == "GetActive" and path == options.path:
            conn.send(new_method_return(msg, "b", (state,)))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    sys.exit(main())
