/** Entry point of the `syncml-bridge` executable. */
import { runCli } from './cli.js';

const status = await runCli(process.argv.slice(2));
// Let stdout drain (piped WBXML output can be large) before exiting with the status.
process.stdout.write('', () => process.exit(status));
