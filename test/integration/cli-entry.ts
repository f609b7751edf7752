/** `ramgate` from the sources, for tests that run the CLI as a process (node --import tsx cli-entry.ts …). */
import { main } from '../../src/cli/main.js';

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
