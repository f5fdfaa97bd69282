#!/usr/bin/env python3
"""The phone side of the Bluetooth VM test, inside the btvm guest (real bluetoothd 5.66, btvirt).

hci0 is the bridge's adapter; hci1, hci2 ... play phones. The SyncML engine of a phone is
SyncEvolution behind vphone (../shared/peers/vphone), which speaks OBEX over TCP; this script
gives it a Bluetooth radio:

  bt-phone.py agent
      Registers the default Agent1 (NoInputNoOutput, accepts everything: the operator's
      `bluetoothctl agent on; default-agent`) and keeps it until SIGTERM. Prints READY.
  bt-phone.py addr hciN
      Prints the adapter's address.
  bt-phone.py set hciN Powered|Discoverable on|off
      Adapter1 property, as `bluetoothctl power/discoverable on|off`.
  bt-phone.py pair --pc hci0 --phone hciN
      The operator's pairing steps of docs/bluetooth.md section 2, from the PC side: the phone is
      made discoverable, the PC scans until it sees it, Device1.Pair(), Trusted=true; then the phone
      stops being discoverable. Prints the phone's address.
  bt-phone.py relay --phone hciN --pc ADDR --listen PORT [--log FILE]
      Phone-initiated links: for every TCP connection vphone opens on 127.0.0.1:PORT, do what a
      phone's "Sync" menu does: SDP search of the PC for the SyncML Server class
      (00000001-0000-1000-8000-0002ee000002), take its RFCOMM channel from the record, connect
      from hciN, then copy bytes both ways. A TCP reset (vphone's injected drop) closes the RFCOMM
      socket at once (shutdown), so the bridge sees the phone vanish mid-sync.
  bt-phone.py acl hciN
      Prints the adapter's ACL links as JSON (`hcitool con`: peer address and connection handle).
  bt-phone.py hold --from hciN --to hciM
      Opens an L2CAP link (SDP, PSM 1) from hciN to hciM (made connectable first) and keeps it
      until SIGTERM; prints READY. The harness uses it to line up btvirt's connection handles
      (see harness.ts, alignHandles).
  bt-phone.py client-record --phone hciN --channel C --to PORT [--log FILE]
      Host-initiated links: publish the phone's SyncML Client record (class
      00000002-0000-1000-8000-0002ee000002, RFCOMM C) and relay each RFCOMM connection accepted on
      hciN channel C to vphone phone-server on 127.0.0.1:PORT. Prints READY. One bluetoothd serves
      every controller and takes each UUID once, so the record goes in under a dummy profile UUID
      whose custom record carries the real class (as ../shared/peers/btvm does).

Uses btvm_lib (installed in the guest by ../shared/peers/btvm) for the D-Bus parts.
"""
import argparse
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time

SYNCML_SERVER_UUID = '00000001-0000-1000-8000-0002ee000002'
SYNCML_CLIENT_UUID = '00000002-0000-1000-8000-0002ee000002'
DUMMY_UUID = '00000002-0000-1000-8000-0002ee0000ff'
T0 = time.monotonic()
LOG = sys.stderr


def log(*a):
    print('[%8.3f] %s' % (time.monotonic() - T0, ' '.join(str(x) for x in a)), file=LOG, flush=True)


def adapter_address(name):
    """hciN's address, from bluetoothd (Adapter1.Address; sysfs has none for these controllers)."""
    return lib().adapters()[name][1].upper()


def sdp_syncml_channel(phone, pc):
    """SDP browse of `pc` from adapter `phone`; the RFCOMM channel of its SyncML Server record."""
    out = subprocess.run(['sdptool', '-i', phone, 'browse', pc], capture_output=True, text=True, timeout=60)
    for block in re.split(r'\n\s*\n', out.stdout):
        if SYNCML_SERVER_UUID in block.lower():
            m = re.search(r'"RFCOMM" \(0x0003\)\s+Channel: (\d+)', block)
            if m:
                return int(m.group(1)), block
    raise RuntimeError(f'no SyncML Server record on {pc} (sdptool rc={out.returncode}): {out.stdout}{out.stderr}')


def pipe(a, b, label):
    """Copy bytes both ways until one side ends; a reset on either side resets the other."""
    socks = [a, b]
    try:
        while True:
            r, _, _ = select.select(socks, [], [])
            for s in r:
                other = b if s is a else a
                try:
                    data = s.recv(65536)
                except (ConnectionResetError, BrokenPipeError, OSError) as e:
                    log(label, 'reset on', 'tcp' if s is a else 'rfcomm', repr(e))
                    return
                if not data:
                    log(label, 'EOF on', 'tcp' if s is a else 'rfcomm')
                    return
                try:
                    other.sendall(data)
                except OSError as e:
                    log(label, 'send failed on', 'rfcomm' if s is a else 'tcp', repr(e))
                    return
    finally:
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        log(label, 'closed')


def cmd_relay(args):
    pc = args.pc.upper()
    ph_addr = adapter_address(args.phone)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', args.listen))
    ls.listen(8)
    log(f'relay {args.phone} ({ph_addr}) -> {pc}: listening on 127.0.0.1:{args.listen}')
    print('READY', flush=True)
    n = 0
    while True:
        conn, _ = ls.accept()
        n += 1
        label = f'[{args.phone} #{n}]'

        def serve(conn=conn, label=label):
            try:
                t = time.monotonic()
                channel, _ = sdp_syncml_channel(args.phone, pc)
                log(label, f'SDP: SyncML Server on RFCOMM channel {channel} ({time.monotonic() - t:.2f}s)')
                rf = None
                for attempt in range(1, 4):
                    try:
                        rf = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_STREAM, socket.BTPROTO_RFCOMM)
                        rf.settimeout(30)
                        rf.bind((ph_addr, 0))
                        rf.connect((pc, channel))
                        rf.settimeout(None)
                        break
                    except (ConnectionRefusedError, ConnectionResetError) as e:
                        # first-contact races of the zero-latency emulated link (btvm README): retry, logged
                        log(label, f'RFCOMM connect attempt {attempt} failed: {e!r}')
                        rf.close()
                        rf = None
                        if attempt == 3:
                            raise
                        time.sleep(0.5)
                log(label, f'RFCOMM connected to {pc} channel {channel} in {time.monotonic() - t:.2f}s')
                pipe(conn, rf, label)
            except Exception as e:  # noqa: BLE001 - the phone gives up this connection
                log(label, 'failed:', repr(e))
                try:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')
                except OSError:
                    pass
                conn.close()
        threading.Thread(target=serve, daemon=True).start()


def cmd_addr(args):
    print(adapter_address(args.adapter))


def lib():
    import btvm_lib  # noqa: PLC0415 - connects to the system bus on import
    return btvm_lib


def cmd_set(args):
    b = lib()
    import dbus  # noqa: PLC0415
    path, _ = b.adapters()[args.adapter]
    want = args.value == 'on'
    b.set_prop(path, 'org.bluez.Adapter1', args.name, dbus.Boolean(want))
    deadline = time.time() + 20
    while bool(b.get_prop(path, 'org.bluez.Adapter1', args.name)) != want:
        if time.time() > deadline:
            sys.exit(f'{args.adapter} {args.name} did not become {args.value}')
        time.sleep(0.1)


def cmd_agent(_args):
    b = lib()
    b.register_agent()
    print('READY', flush=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    b.run_loop(lambda: False, 10 ** 9)


def cmd_pair(args):
    b = lib()
    import dbus  # noqa: PLC0415
    pc_path, pc_addr = b.power_on(args.pc)
    ph_path, ph_addr = b.power_on(args.phone)
    b.set_prop(ph_path, 'org.bluez.Adapter1', 'Discoverable', dbus.Boolean(True))
    def discover():
        found = b.find_device(pc_path, ph_addr)
        if found is None:
            ad = dbus.Interface(b.bus.get_object('org.bluez', pc_path), 'org.bluez.Adapter1')
            ad.SetDiscoveryFilter({'Transport': 'bredr'})
            ad.StartDiscovery()
            b.run_loop(lambda: b.find_device(pc_path, ph_addr) is not None, 60)
            ad.StopDiscovery()
            found = b.find_device(pc_path, ph_addr)
        if found is None:
            sys.exit(f'pair: {args.pc} did not discover {ph_addr}')
        return found, dbus.Interface(b.bus.get_object('org.bluez', found), 'org.bluez.Device1')
    dev, devif = discover()
    result = {}
    for attempt in range(1, 4):
        if 'UnknownObject' in result.get('err', ''):
            # the discovered (temporary) device object went away before Pair(): discover it again
            dev, devif = discover()
        result = {}
        devif.Pair(timeout=60, reply_handler=lambda: result.update(ok=1),
                   error_handler=lambda e: result.update(err=str(e)))
        b.run_loop(lambda: result, 60)
        if 'ok' in result or 'AlreadyExists' in result.get('err', ''):
            break
        log(f'pair attempt {attempt}: {result}')
        time.sleep(1)
    if 'ok' not in result and 'AlreadyExists' not in result.get('err', ''):
        sys.exit(f'pair: Device1.Pair failed: {result}')
    b.set_prop(dev, 'org.bluez.Device1', 'Trusted', dbus.Boolean(True))
    b.set_prop(ph_path, 'org.bluez.Adapter1', 'Discoverable', dbus.Boolean(False))
    # drop the pairing's ACL so that the test starts from a phone that is bonded but not connected
    try:
        devif.Disconnect()
    except dbus.DBusException as e:
        log('Disconnect:', e)
    b.run_loop(lambda: not b.get_prop(dev, 'org.bluez.Device1', 'Connected'), 20)
    info = {k: bool(b.get_prop(dev, 'org.bluez.Device1', k)) for k in ('Paired', 'Bonded', 'Trusted', 'Connected')}
    print(json.dumps({'phone': ph_addr, 'pc': pc_addr, 'device': dev, **info}), flush=True)
    os._exit(0)


def acl_links(adapter):
    out = subprocess.run(['hcitool', '-i', adapter, 'con'], capture_output=True, text=True, timeout=20)
    return [{'peer': m.group(1), 'handle': int(m.group(2))}
            for m in re.finditer(r'ACL ([0-9A-F:]{17}) handle (\d+)', out.stdout)]


def cmd_acl(args):
    print(json.dumps(acl_links(args.adapter)))


def cmd_hold(args):
    b = lib()
    import dbus  # noqa: PLC0415
    src = adapter_address(args.src)
    path, dst = b.power_on(args.dst)
    b.set_prop(path, 'org.bluez.Adapter1', 'Discoverable', dbus.Boolean(True))
    s = None
    for attempt in range(1, 4):
        try:
            s = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_L2CAP)
            s.settimeout(30)
            s.bind((src, 0))
            s.connect((dst.upper(), 1))
            break
        except OSError as e:
            log(f'hold {args.src} -> {args.dst}: attempt {attempt} failed: {e!r}')
            s.close()
            if attempt == 3:
                raise
            time.sleep(1)
    log(f'hold {args.src} -> {args.dst}: L2CAP open, ACL links of {args.src}: {acl_links(args.src)}')
    print('READY', flush=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        time.sleep(3600)


def cmd_client_record(args):
    b = lib()
    ph_addr = adapter_address(args.phone)
    b.register_profile('/btvmtest/phone_record_' + args.phone, DUMMY_UUID, lambda *a: None,
                       Name='SyncML Client (phone emulation)', Role='server', RequireAuthorization=False,
                       ServiceRecord=b.syncml_record(SYNCML_CLIENT_UUID, args.channel, 'SyncML Client'))
    ls = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_STREAM, socket.BTPROTO_RFCOMM)
    ls.bind((ph_addr, args.channel))
    ls.listen(4)

    def accept_loop():
        n = 0
        while True:
            c, peer = ls.accept()
            n += 1
            label = f'[{args.phone} in #{n}]'
            log(label, 'accepted', peer)
            tcp = socket.create_connection(('127.0.0.1', args.to))
            threading.Thread(target=pipe, args=(tcp, c, label), daemon=True).start()
    threading.Thread(target=accept_loop, daemon=True).start()
    log(f'client record: {args.phone} ({ph_addr}) RFCOMM {args.channel} -> 127.0.0.1:{args.to}')
    print('READY', flush=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    b.run_loop(lambda: False, 10 ** 9)


def main():
    global LOG
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    sub.add_parser('agent')
    p = sub.add_parser('addr')
    p.add_argument('adapter')
    p = sub.add_parser('set')
    p.add_argument('adapter')
    p.add_argument('name', choices=['Powered', 'Discoverable'])
    p.add_argument('value', choices=['on', 'off'])
    p = sub.add_parser('pair')
    p.add_argument('--pc', required=True)
    p.add_argument('--phone', required=True)
    p = sub.add_parser('acl')
    p.add_argument('adapter')
    p = sub.add_parser('hold')
    p.add_argument('--from', dest='src', required=True)
    p.add_argument('--to', dest='dst', required=True)
    p.add_argument('--log')
    for name in ('relay', 'client-record'):
        p = sub.add_parser(name)
        p.add_argument('--phone', required=True)
        p.add_argument('--log')
        if name == 'relay':
            p.add_argument('--pc', required=True)
            p.add_argument('--listen', type=int, required=True)
        else:
            p.add_argument('--channel', type=int, default=7)
            p.add_argument('--to', type=int, required=True)
    args = ap.parse_args()
    if getattr(args, 'log', None):
        LOG = open(args.log, 'a', buffering=1)
    {'agent': cmd_agent, 'addr': cmd_addr, 'set': cmd_set, 'pair': cmd_pair, 'relay': cmd_relay,
     'client-record': cmd_client_record, 'acl': cmd_acl, 'hold': cmd_hold}[args.cmd](args)


if __name__ == '__main__':
    main()
