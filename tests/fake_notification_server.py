"""A test-owned desktop notification server on the session bus (jeepney, no X needed).

Run it with DBUS_SESSION_BUS_ADDRESS pointing at a private bus:

    python fake_notification_server.py --log notes.jsonl [--markup] [--no-capabilities] [--hang]
        [--no-actions] [--inhibited true|false]

It owns org.freedesktop.Notifications and org.freedesktop.portal.Desktop, answers Notify,
GetCapabilities, GetServerInformation, CloseNotification (emitting NotificationClosed, reason 3),
Introspect, the portal's AddNotification and Peer.Ping, the spec 1.3 `Inhibited` property
(Properties.Get / GetAll; only with `--inhibited`), and appends every notification it receives to
the log as one JSON line (CloseNotification too). `--markup` advertises body-markup; `--no-actions`
leaves "actions" out of the capabilities; `--no-capabilities` answers GetCapabilities with an
error (a sloppy server); `--hang` takes the names but never replies (a frozen daemon).
Tests click a button through `org.stretchbreak.Test.InvokeAction(u id, s action)`, which emits
ActionInvoked for that notification, and `org.stretchbreak.Test.Expire(u id)`, which emits
NotificationClosed with reason 1 (expired).
It prints "ready" on stdout once it owns its names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NOTIFICATIONS = "org.freedesktop.Notifications"
PORTAL = "org.freedesktop.portal.Desktop"
TEST_INTERFACE = "org.stretchbreak.Test"
EMITTER = DBusAddress("/org/freedesktop/Notifications", interface=NOTIFICATIONS)
INTROSPECTION = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg direction="in" type="s"/><arg direction="in" type="u"/><arg direction="in" type="s"/>
      <arg direction="in" type="s"/><arg direction="in" type="s"/><arg direction="in" type="as"/>
      <arg direction="in" type="a{sv}"/><arg direction="in" type="i"/>
      <arg direction="out" type="u"/>
    </method>
    <method name="GetCapabilities"><arg direction="out" type="as"/></method>
    <method name="GetServerInformation">
      <arg direction="out" type="s"/><arg direction="out" type="s"/>
      <arg direction="out" type="s"/><arg direction="out" type="s"/>
    </method>
    <method name="CloseNotification"><arg direction="in" type="u"/></method>
  </interface>
</node>
"""


def _plain(value: Any) -> Any:
    """jeepney's variant tuples (signature, value) made JSON-friendly."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return _plain(value[1])
    if isinstance(value, bytes):
        return value.hex()
    return value


class Server:
    def __init__(
        self,
        log_path: Path,
        markup: bool,
        capabilities: bool,
        actions: bool = True,
        inhibited: bool | None = None,
    ) -> None:
        self.log_path = log_path
        self.capabilities = (
            ["body"] + (["actions"] if actions else []) + (["body-markup"] if markup else [])
        )
        self.answers_capabilities = capabilities
        self.inhibited = inhibited
        self.next_id = 1
        self.shown: set[int] = set()
        self.signals: list[Any] = []
        """Signals to send after the reply (the caller's reply first, as real servers do)."""

    def record(self, entry: dict[str, Any]) -> None:
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    def answer(self, msg: Any) -> Any:
        fields = msg.header.fields
        interface = fields.get(HeaderFields.interface)
        member = fields.get(HeaderFields.member)
        if member == "Notify" and interface in (NOTIFICATIONS, None):
            app_name, replaces_id, icon, summary, body, actions, hints, expire = msg.body
            notification_id = replaces_id or self.next_id
            self.next_id += 1
            self.shown.add(notification_id)
            self.record(
                {
                    "method": "Notify",
                    "id": notification_id,
                    "app_name": app_name,
                    "replaces_id": replaces_id,
                    "app_icon": icon,
                    "summary": summary,
                    "body": body,
                    "actions": list(actions),
                    "hints": {key: _plain(value) for key, value in hints.items()},
                    "hint_signatures": {key: value[0] for key, value in hints.items()},
                    "expire_timeout": expire,
                }
            )
            return new_method_return(msg, "u", (notification_id,))
        if member == "GetCapabilities" and self.answers_capabilities:
            return new_method_return(msg, "as", (self.capabilities,))
        if member == "GetServerInformation":
            return new_method_return(
                msg, "ssss", ("fake-notifications", "stretchbreak-tests", "1.0", "1.2")
            )
        if member == "CloseNotification":
            (notification_id,) = msg.body
            self.record({"method": "CloseNotification", "id": notification_id})
            if notification_id in self.shown:
                self.shown.discard(notification_id)
                self.signals.append(
                    new_signal(EMITTER, "NotificationClosed", "uu", (notification_id, 3))
                )
            return new_method_return(msg)
        if interface == TEST_INTERFACE and member == "InvokeAction":
            notification_id, action = msg.body
            self.signals.append(
                new_signal(EMITTER, "ActionInvoked", "us", (notification_id, action))
            )
            return new_method_return(msg)
        if interface == TEST_INTERFACE and member == "Expire":
            (notification_id,) = msg.body
            self.shown.discard(notification_id)
            self.signals.append(
                new_signal(EMITTER, "NotificationClosed", "uu", (notification_id, 1))
            )
            return new_method_return(msg)
        if member in ("Get", "GetAll") and self.inhibited is not None:
            if msg.body[0] != NOTIFICATIONS or (member == "Get" and msg.body[1] != "Inhibited"):
                return new_error(msg, "org.freedesktop.DBus.Error.UnknownProperty", "s", ("no",))
            if member == "Get":
                return new_method_return(msg, "v", (("b", self.inhibited),))
            return new_method_return(msg, "a{sv}", ({"Inhibited": ("b", self.inhibited)},))
        if member == "Introspect":
            return new_method_return(msg, "s", (INTROSPECTION,))
        if member == "Ping":
            return new_method_return(msg)
        if member == "AddNotification":
            notification_id, notification = msg.body
            self.record(
                {
                    "method": "AddNotification",
                    "id": notification_id,
                    **{key: _plain(value) for key, value in notification.items()},
                }
            )
            return new_method_return(msg)
        return new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no {member}",))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--markup", action="store_true")
    parser.add_argument("--no-capabilities", action="store_true")
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--no-actions", action="store_true")
    parser.add_argument("--inhibited", choices=("true", "false"))
    options = parser.parse_args()
    inhibited = None if options.inhibited is None else options.inhibited == "true"
    server = Server(
        options.log, options.markup, not options.no_capabilities, not options.no_actions, inhibited
    )
    conn = open_dbus_connection(bus="SESSION")
    for name in (NOTIFICATIONS, PORTAL):
        reply = conn.send_and_get_reply(message_bus.RequestName(name, 4))  # 4: do not queue
        if reply.body[0] != 1:
            print(f"could not own {name}: {reply.body}", file=sys.stderr)
            return 1
    print("ready", flush=True)
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call or options.hang:
            continue
        conn.send(server.answer(msg))
        while server.signals:
            conn.send(server.signals.pop(0))


if __name__ == "__main__":
    sys.exit(main())
