/**
 * The command line (DESIGN.md section 5 is the contract: names and flags stay).
 * Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error, each failure as one
 * line on stderr naming the bad value.
 */
import { Command, CommanderError, Option } from 'commander';
import { BridgeError, ConfigError } from '../errors.js';
import { resolveConfig, AUTH_POLICIES, CONFLICT_POLICIES, LOG_LEVELS, type ServeOptions } from './config.js';
// Commands load their modules when they run, so a one-shot command does not pay for the daemon's.

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Run the CLI with argv (without node and script). Resolves with the process exit status. */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let status = 0;
  const program = new Command('syncml-bridge')
    .description('SyncML DS over OBEX (Bluetooth, IrDA, USB/serial cables) for legacy phones')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError(false);

  const dataDir = (): Option => new Option('--data-dir <dir>', 'data directory').default('./var');

  program.command('serve')
    .description('run the daemon (default: OBEX over TCP and HTTP on loopback, data in ./var)')
    .option('--config <file>', 'JSON configuration file')
    .addOption(dataDir().default(undefined))
    .option('--obex-tcp <host:port>', 'listen for OBEX over TCP (repeatable)', collect)
    .option('--http <host:port>', 'listen for SyncML over HTTP')
    .option('--serial <path[=profile]>', 'serve a serial/IrCOMM/USB-ACM tty (repeatable)', collect)
    .option('--bluetooth [adapter]', 'serve Bluetooth RFCOMM (BlueZ), optionally on one adapter')
    .option('--bluetooth-require-pairing', 'refuse Bluetooth phones that are not paired (bonded) with this machine')
    .option('--relay <mode>', 'relay to an upstream server: passthrough | store-forward')
    .option('--upstream <url>', 'upstream SyncML server URL (with --relay)')
    .addOption(new Option('--upstream-encoding <encoding>', 'convert messages to the upstream to this encoding').choices(['xml', 'wbxml']))
    .option('--upstream-ca <file>', 'PEM CA bundle for an https upstream')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS as string[]))
    .addOption(new Option('--http-auth <policy>', 'authentication of HTTP clients (default any: basic or md5)').choices(AUTH_POLICIES as readonly string[] as string[]))
    .addOption(new Option('--obex-auth <policy>', 'authentication on OBEX links (default none: user local)').choices(AUTH_POLICIES as readonly string[] as string[]))
    .addOption(new Option('--conflict-policy <policy>', 'how conflicting changes are settled (default merge)').choices(CONFLICT_POLICIES as readonly string[] as string[]))
    .option('--session-timeout <seconds>', 'end a session idle this long (default 300)')
    .action(async (opts: ServeOptions) => {
      const cfg = resolveConfig(opts);
      const [{ createLogger }, { serve }] = await Promise.all([import('./log.js'), import('./serve.js')]);
      const log = createLogger({ level: cfg.logLevel });
      status = await serve(cfg, { out: (line) => io.stdout.write(line + '\n'), log });
    });

  const wbxml = program.command('wbxml').description('WBXML <-> XML for SyncML, MetInf and DevInf documents');
  wbxml.command('decode')
    .description('WBXML -> XML on stdout')
    .argument('[file]', 'input file, or - for standard input')
    .addOption(dataDir())
    .action(async (file: string | undefined) => {
      const { readInput, wbxmlDecode } = await import('./wbxml-cmd.js');
      io.stdout.write(wbxmlDecode(readInput(file)));
    });
  wbxml.command('encode')
    .description('XML -> WBXML on stdout')
    .argument('[file]', 'input file, or - for standard input')
    .addOption(dataDir())
    .action(async (file: string | undefined) => {
      const { readInput, wbxmlEncode } = await import('./wbxml-cmd.js');
      io.stdout.write(wbxmlEncode(readInput(file)));
    });

  const user = program.command('user').description('manage the users phones sync as');
  user.command('add')
    .description('add a user (password from the terminal, or the first line of standard input)')
    .argument('<name>', 'user name (case-sensitive)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .addOption(dataDir())
    .action(async (name: string, opts: { dataDir: string; passwordStdin?: boolean }) => {
      const { userAdd } = await import('./user-cmd.js');
      await userAdd(name, opts, io);
    });
  user.command('list')
    .description('list users with their devices and item counts')
    .addOption(dataDir())
    .action(async (opts: { dataDir: string }) => {
      const { userList } = await import('./user-cmd.js');
      userList(opts, io);
    });
  user.command('remove')
    .description('remove a user with all its items, devices, anchors and maps')
    .argument('<name>', 'user name')
    .addOption(dataDir())
    .action(async (name: string, opts: { dataDir: string }) => {
      const { userRemove } = await import('./user-cmd.js');
      userRemove(name, opts, io);
    });

  program.command('devices')
    .description('known devices, datastores, anchors, last sync')
    .option('--json', 'print JSON')
    .addOption(dataDir())
    .action(async (opts: { dataDir: string; json?: boolean }) => {
      const { devicesCmd } = await import('./devices-cmd.js');
      devicesCmd(opts, io);
    });

  program.command('export')
    .description('print the items of a datastore')
    .requiredOption('--user <name>', 'user')
    .requiredOption('--store <store>', 'datastore: contacts, calendar, tasks, notes (or an alias)')
    .option('--format <format>', 'vcard21 | vcard30 | ical | vcal10 | json (default: vcard30, ical, note text)')
    .addOption(dataDir())
    .action(async (opts: { user: string; store: string; format?: string; dataDir: string }) => {
      const { exportCmd } = await import('./export-cmd.js');
      await exportCmd(opts, io);
    });

  program.command('import')
    .description('add the items of a file (vCards, iCalendar/vCalendar, notes) to a datastore')
    .requiredOption('--user <name>', 'user')
    .requiredOption('--store <store>', 'datastore: contacts, calendar, tasks, notes (or an alias)')
    .argument('<file>', 'input file, or - for standard input')
    .addOption(dataDir())
    .action(async (file: string, opts: { user: string; store: string; dataDir: string }) => {
      const { importCmd } = await import('./import-cmd.js');
      await importCmd(file, opts, io);
    });

  program.command('sync')
    .description('host-initiated sync: connect to a phone, alert it (SAN) and serve its SyncML session')
    .option('--obex-tcp <host:port>', 'the phone\'s OBEX server over TCP')
    .option('--serial <path>', 'the phone\'s AT/modem port (USB CDC-ACM, IrCOMM, cable): AT switch to OBEX first')
    .option('--bluetooth <addr>', 'the phone\'s Bluetooth address (BlueZ ConnectProfile to its SyncML Client service)')
    .option('--adapter <hciN>', 'Bluetooth adapter to use (default: any that knows the phone)')
    .option('--user <name>', 'the user whose data the phone syncs (default local)')
    .addOption(new Option('--mode <mode>', 'sync mode (default two-way)').choices(['two-way', 'slow', 'one-way-from-client', 'refresh-from-client', 'one-way-from-server', 'refresh-from-server']))
    .option('--profile <name>', 'device profile of drivers/ (default: from the phone\'s AT answers on serial links, else generic)')
    .option('--store <store>', 'datastore to sync (repeatable; default every datastore of the profile)', collect)
    .option('--backup [name]', 'write backup files (.vcf, .ics) after a clean session, optionally named')
    .addOption(new Option('--obex-auth <policy>', 'authentication of the phone\'s session (default none)').choices(AUTH_POLICIES as readonly string[] as string[]))
    .option('--timeout <seconds>', 'how long one OBEX request may wait for the phone (default 150)')
    .addOption(new Option('--log-level <level>', 'log level on stderr (default warn)').choices(LOG_LEVELS as string[]))
    .addOption(dataDir())
    .action(async (opts: import('./sync-cmd.js').SyncCmdOptions & { logLevel?: string }) => {
      const [{ createLogger }, { syncCmd }] = await Promise.all([import('./log.js'), import('./sync-cmd.js')]);
      const log = createLogger({ level: (opts.logLevel ?? 'warn') as import('./config.js').LogLevel });
      status = await syncCmd(opts, { stdout: io.stdout, log });
    });

  program.command('backup')
    .description('write backup files (.vcf, .ics, .txt) of a device\'s datastores now')
    .option('--device <id>', 'the device (its SyncML id, as `devices` lists it)')
    .option('--user <name>', 'every device of this user (or the user alone when it has none)')
    .option('--store <store>', 'datastore to write (repeatable; default all)', collect)
    .option('--name <name>', 'suffix of the backup folder')
    .addOption(dataDir())
    .action(async (opts: import('./backup-cmd.js').BackupCmdOptions) => {
      const { backupCmd } = await import('./backup-cmd.js');
      backupCmd(opts, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (err) {
    return reportError(err, argv, io);
  }
}

function reportError(err: unknown, argv: readonly string[], io: CliIo): number {
  if (err instanceof CommanderError) {
    // Help and version are "errors" to commander; their output is already written.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  // The command words only (`serve`, `wbxml decode`), never an option's value.
  const what = (argv[0] === 'wbxml' || argv[0] === 'user' ? argv.slice(0, 2) : argv.slice(0, 1)).filter((a) => !a.startsWith('-')).join(' ');
  const line = (msg: string): void => void io.stderr.write(`syncml-bridge${what === '' ? '' : ' ' + what}: ${msg}\n`);
  if (err instanceof ConfigError) {
    line(err.message);
    return 2;
  }
  if (err instanceof BridgeError) {
    line(err.message);
    return 1;
  }
  const e = err as NodeJS.ErrnoException;
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    line(e.message);
    return 1;
  }
  line(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return 1;
}
