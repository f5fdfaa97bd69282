#!/usr/bin/python3
"""A stand-in org.bluez for the Bluetooth driver tests (no Bluetooth adapter exists in these VMs).

It owns org.bluez on the bus given by --address and follows BlueZ 5's documented D-Bus API
(doc/org.bluez.ProfileManager.rst, org.bluez.Profile.rst, org.bluez.Device.rst) and the behaviour
seen with real BlueZ 5.66 (../shared/peers/btvm/README.md, "Findings that matter"):

- /org/bluez ProfileManager1.RegisterProfile(o profile, s uuid, a{sv} options) records the caller,
  the options and the ServiceRecord; a second registration of one UUID (by anyone) fails with
  org.bluez.Error.NotPermitted "UUID already registered"; the same object path twice with
  org.bluez.Error.AlreadyExists. UnregisterProfile(o) removes it (org.bluez.Error.DoesNotExist
  otherwise). A caller that leaves the bus loses its profiles.
- / ObjectManager.GetManagedObjects: Adapter1 /org/bluez/hci0 and the Device1 objects the test added.
- Device1.ConnectProfile(uuid): org.bluez.Error.Failed "br-connection-page-timeout" for an
  unreachable device, org.bluez.Error.NotAvailable "br-connection-profile-unavailable" when the
  device does not offer the UUID or nobody registered it; otherwise a socketpair, the profile's
  NewConnection(device, fd, {}) and only then the ConnectProfile reply.
- Like bluetoothd, it keeps its own reference to every profile-side socket until it hangs up, so a
  close() by the profile owner does not end the link: only shutdown() does.

Test control (interface org.syncmlbridge.FakeBluez1 at /org/syncmlbridge/fake):
  AddDevice(s address, as uuids, b reachable) -> o
  SetBonded(o device, b bonded)  Device1.Bonded (default true), as Properties.Get reports it
  Registrations() -> s          JSON list of live registrations
  Events() -> s                 JSON list of what happened (register, unregister, release, ...)
  PhoneConnect(o device, s uuid) -> h   the phone starts a connection; returns the phone's end
  PhoneConnectNoisy(o device, s uuid) -> h   the same, with a signal to the profile owner sent just
                                before NewConnection (to catch fds delivered with the wrong message)
  TakePhoneEnd(o device) -> h   the phone's end of the last ConnectProfile connection
  RequestDisconnection(o device, s uuid)
  Release(s uuid)               calls Profile1.Release and forgets the registration
  Vanish()                      gives up the org.bluez name, as when bluetoothd exits

It also runs the private bus: it starts `dbus-daemon --config-file CONFIG --nofork --print-address`,
prints "ADDRESS <bus address>", then "READY" once it owns org.bluez (with --no-bluez: the bus alone,
as when bluetoothd is not running). It stops the bus, removes --dir and exits when its stdin closes
(the test process ended, even by a crash) or on SIGTERM.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import socket
import sys

import dbus
import dbus.lowlevel
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

BLUEZ = 'org.bluez'
CONTROL_IFACE = 'org.syncmlbridge.FakeBluez1'
ADAPTER = '/org/bluez/hci0'


class BluezError(dbus.DBusException):
    def __init__(self, name, text):
        super().__init__(text, name='org.bluez.Error.' + name)


def plain(value):
    """D-Bus values -> JSON-able Python values."""
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Dictionary, dict)):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (dbus.Array, list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (int,)):
        return int(value)
    if isinstance(value, (str,)):
        return str(value)
    return repr(value)


class State:
    def __init__(self, bus):
        self.bus = bus
        self.registrations = {}   # uuid -> {owner, path, uuid, options}
        self.devices = {}         # path -> {address, uuids, reachable, obj}
        self.phone_ends = {}      # device path -> [socket]
        self.held = []            # profile-side sockets we keep, like bluetoothd
        self.events = []

    def event(self, kind, **fields):
        self.events.append(dict(kind=kind, **fields))

    def profile(self, uuid):
        reg = self.registrations.get(uuid.lower())
        if reg is None:
            return None, None
        obj = self.bus.get_object(reg['owner'], reg['path'], introspect=False)
        return reg, dbus.Interface(obj, 'org.bluez.Profile1')

    def hold(self, sock):
        """Keep the profile-side socket until it hangs up (bluetoothd does the same)."""
        self.held.append(sock)

        def on_hup(_fd, _cond):
            if sock in self.held:
                self.held.remove(sock)
            sock.close()
            return False
        GLib.io_add_watch(sock.fileno(), GLib.IO_HUP | GLib.IO_ERR, on_hup)

    def connect(self, device_path, uuid, on_done, on_error, noisy=False):
        """socketpair + NewConnection; on_done(phone_socket) after the profile replied."""
        reg, iface = self.profile(uuid)
        if reg is None:
            on_error(BluezError('NotAvailable', 'br-connection-profile-unavailable'))
            return
        if noisy:
            signal = dbus.lowlevel.SignalMessage('/org/bluez', 'org.freedesktop.DBus.Properties', 'PropertiesChanged')
            signal.append('org.bluez.Device1', dbus.Dictionary({'Connected': True}, signature='sv'),
                          dbus.Array([], signature='s'), signature='sa{sv}as')
            signal.set_destination(reg['owner'])
            self.bus.send_message(signal)
        phone, ours = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        fd = dbus.types.UnixFd(ours)   # dups the fd
        self.hold(ours)
        self.event('new-connection', device=device_path, uuid=uuid.lower(), path=reg['path'])

        def replied():
            on_done(phone)

        def failed(err):
            phone.close()
            on_error(BluezError('Failed', 'br-connection-refused: ' + err.get_dbus_name()))
        iface.NewConnection(dbus.ObjectPath(device_path), fd, dbus.Dictionary({}, signature='sv'),
                            reply_handler=replied, error_handler=failed)


class ObjectManager(dbus.service.Object):
    def __init__(self, bus, state):
        super().__init__(bus, '/')
        self.state = state

    @dbus.service.method('org.freedesktop.DBus.ObjectManager', in_signature='', out_signature='a{oa{sa{sv}}}')
    def GetManagedObjects(self):
        objects = {
            dbus.ObjectPath(ADAPTER): {
                'org.bluez.Adapter1': {
                    'Address': dbus.String('00:AA:BB:CC:DD:EE'),
                    'Name': dbus.String('fake-bluez'),
                    'Powered': dbus.Boolean(True),
                },
            },
        }
        for path, dev in self.state.devices.items():
            objects[dbus.ObjectPath(path)] = {
                'org.bluez.Device1': {
                    'Address': dbus.String(dev['address']),
                    'Adapter': dbus.ObjectPath(ADAPTER),
                    'Paired': dbus.Boolean(True),
                    'Bonded': dbus.Boolean(dev.get('bonded', True)),
                    'Trusted': dbus.Boolean(True),
                    'Connected': dbus.Boolean(False),
                    'UUIDs': dbus.Array(dev['uuids'], signature='s'),
                },
            }
        return objects


class ProfileManager(dbus.service.Object):
    def __init__(self, bus, state):
        super().__init__(bus, '/org/bluez')
        self.state = state

    @dbus.service.method('org.bluez.ProfileManager1', in_signature='osa{sv}', out_signature='', sender_keyword='sender')
    def RegisterProfile(self, path, uuid, options, sender=None):
        uuid = str(uuid).lower()
        if uuid in self.state.registrations:
            self.state.event('register-refused', uuid=uuid, owner=sender)
            raise BluezError('NotPermitted', 'UUID already registered')
        for reg in self.state.registrations.values():
            if reg['owner'] == sender and reg['path'] == path:
                raise BluezError('AlreadyExists', 'Already Exists')
        self.state.registrations[uuid] = dict(owner=str(sender), path=str(path), uuid=uuid, options=plain(options))
        self.state.event('register', uuid=uuid, path=str(path), owner=str(sender))

    @dbus.service.method('org.bluez.ProfileManager1', in_signature='o', out_signature='', sender_keyword='sender')
    def UnregisterProfile(self, path, sender=None):
        for uuid, reg in list(self.state.registrations.items()):
            if reg['owner'] == sender and reg['path'] == path:
                del self.state.registrations[uuid]
                self.state.event('unregister', uuid=uuid, path=str(path))
                return
        raise BluezError('DoesNotExist', 'Does Not Exist')


class Device(dbus.service.Object):
    def __init__(self, bus, state, path):
        super().__init__(bus, path)
        self.state = state
        self.path = path

    @dbus.service.method('org.bluez.Device1', in_signature='s', out_signature='',
                         async_callbacks=('reply', 'error'))
    def ConnectProfile(self, uuid, reply, error):
        dev = self.state.devices[self.path]
        uuid = str(uuid).lower()
        self.state.event('connect-profile', device=self.path, uuid=uuid)
        if not dev['reachable']:
            # a real page timeout takes ~5 s; the answer is what matters here
            GLib.timeout_add(50, lambda: error(BluezError('Failed', 'br-connection-page-timeout')) and False)
            return
        if uuid not in dev['uuids']:
            error(BluezError('NotAvailable', 'br-connection-profile-unavailable'))
            return

        def done(phone):
            self.state.phone_ends.setdefault(self.path, []).append(phone)
            reply()
        self.state.connect(self.path, uuid, done, error)

    @dbus.service.method('org.freedesktop.DBus.Properties', in_signature='ss', out_signature='v')
    def Get(self, iface, name):
        dev = self.state.devices[self.path]
        props = {'Address': dbus.String(dev['address']), 'Paired': dbus.Boolean(True),
                 'Bonded': dbus.Boolean(dev.get('bonded', True)), 'Trusted': dbus.Boolean(True)}
        if str(iface) != 'org.bluez.Device1' or str(name) not in props:
            raise dbus.DBusException(f'No such property {name}', name='org.freedesktop.DBus.Error.InvalidArgs')
        return props[str(name)]

    @dbus.service.method('org.bluez.Device1', in_signature='s', out_signature='')
    def DisconnectProfile(self, uuid):
        raise BluezError('NotSupported', 'not in the stand-in')


class Control(dbus.service.Object):
    def __init__(self, bus, state):
        super().__init__(bus, '/org/syncmlbridge/fake')
        self.state = state
        self.bus = bus
        self.name = None

    @dbus.service.method(CONTROL_IFACE, in_signature='', out_signature='')
    def Vanish(self):
        self.state.registrations.clear()
        GLib.idle_add(lambda: self.bus.release_name(BLUEZ) and False)

    @dbus.service.method(CONTROL_IFACE, in_signature='sasb', out_signature='o')
    def AddDevice(self, address, uuids, reachable):
        path = ADAPTER + '/dev_' + str(address).upper().replace(':', '_')
        dev = dict(address=str(address).upper(), uuids=[str(u).lower() for u in uuids], reachable=bool(reachable))
        if path not in self.state.devices:
            dev['obj'] = Device(self.bus, self.state, path)
        else:
            dev['obj'] = self.state.devices[path]['obj']
        self.state.devices[path] = dev
        return dbus.ObjectPath(path)

    @dbus.service.method(CONTROL_IFACE, in_signature='ob', out_signature='')
    def SetBonded(self, device, bonded):
        self.state.devices[str(device)]['bonded'] = bool(bonded)

    @dbus.service.method(CONTROL_IFACE, in_signature='', out_signature='s')
    def Registrations(self):
        return json.dumps(list(self.state.registrations.values()))

    @dbus.service.method(CONTROL_IFACE, in_signature='', out_signature='s')
    def Events(self):
        return json.dumps(self.state.events)

    @dbus.service.method(CONTROL_IFACE, in_signature='os', out_signature='h', async_callbacks=('reply', 'error'))
    def PhoneConnect(self, device, uuid, reply, error):
        def done(phone):
            fd = dbus.types.UnixFd(phone)
            phone.close()
            reply(fd)
        self.state.connect(str(device), str(uuid), done, error)

    @dbus.service.method(CONTROL_IFACE, in_signature='os', out_signature='h', async_callbacks=('reply', 'error'))
    def PhoneConnectNoisy(self, device, uuid, reply, error):
        def done(phone):
            fd = dbus.types.UnixFd(phone)
            phone.close()
            reply(fd)
        self.state.connect(str(device), str(uuid), done, error, noisy=True)

    @dbus.service.method(CONTROL_IFACE, in_signature='o', out_signature='h')
    def TakePhoneEnd(self, device):
        ends = self.state.phone_ends.get(str(device)) or []
        if not ends:
            raise dbus.DBusException('no connection for ' + str(device), name=CONTROL_IFACE + '.Error.NoConnection')
        phone = ends.pop(0)
        fd = dbus.types.UnixFd(phone)
        phone.close()
        return fd

    @dbus.service.method(CONTROL_IFACE, in_signature='os', out_signature='', async_callbacks=('reply', 'error'))
    def RequestDisconnection(self, device, uuid, reply, error):
        reg, iface = self.state.profile(str(uuid))
        if reg is None:
            error(dbus.DBusException('not registered', name=CONTROL_IFACE + '.Error.NotRegistered'))
            return
        self.state.event('request-disconnection', device=str(device), uuid=str(uuid).lower())
        iface.RequestDisconnection(dbus.ObjectPath(device), reply_handler=reply, error_handler=error)

    @dbus.service.method(CONTROL_IFACE, in_signature='s', out_signature='', async_callbacks=('reply', 'error'))
    def Release(self, uuid, reply, error):
        reg, iface = self.state.profile(str(uuid))
        if reg is None:
            error(dbus.DBusException('not registered', name=CONTROL_IFACE + '.Error.NotRegistered'))
            return
        del self.state.registrations[reg['uuid']]
        self.state.event('release', uuid=reg['uuid'], path=reg['path'])
        # Release has no reply in BlueZ's own use; wait for it anyway so the test knows it arrived
        iface.Release(reply_handler=reply, error_handler=error)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True, help='dbus-daemon configuration file')
    parser.add_argument('--dir', required=True, help='temp dir to remove on exit')
    parser.add_argument('--no-bluez', action='store_true', help='run the bus without org.bluez')
    args = parser.parse_args()
    daemon = subprocess.Popen(['dbus-daemon', '--config-file', args.config, '--nofork', '--print-address'],
                              stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    loop = GLib.MainLoop()
    try:
        address = daemon.stdout.readline().strip()
        if not address:
            raise SystemExit('dbus-daemon did not print its address')
        print('ADDRESS ' + address, flush=True)
        GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR,
                          lambda fd, cond: (os.read(fd, 4096) != b'') or loop.quit() or False)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, lambda: loop.quit() or False)
        keep = []
        if not args.no_bluez:
            dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
            bus = dbus.bus.BusConnection(address)
            state = State(bus)
            keep = [ObjectManager(bus, state), ProfileManager(bus, state), Control(bus, state)]

            def owner_changed(name, old, new):
                if name.startswith(':') and new == '':
                    for uuid, reg in list(state.registrations.items()):
                        if reg['owner'] == name:
                            del state.registrations[uuid]
                            state.event('owner-gone', uuid=uuid, owner=name)
            bus.add_signal_receiver(owner_changed, signal_name='NameOwnerChanged', dbus_interface='org.freedesktop.DBus')
            keep.append(dbus.service.BusName(BLUEZ, bus, do_not_queue=True))
        print('READY', flush=True)
        loop.run()
        del keep
    finally:
        daemon.terminate()
        try:
            daemon.wait(5)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
