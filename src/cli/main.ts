/**
 * The `ramgate` entry point. Each command's module is imported only when that command runs:
 * `credential-process` (run by the aliyun CLI and SDKs before every call in External mode) must
 * not pay for loading the gateway. --version loads none; help and unknown commands load them all.
 */
import { Command } from 'commander';

type CommandLoader = () => Promise<Command[]>;

const COMMANDS: Record<string, CommandLoader> = {
  serve: async () => [(await import('./serve.js')).serveCommand()],
  diagnose: async () => [(await import('./diagnose.js')).diagnoseCommand()],
  login: async () => [(await import('./login.js')).loginCommand()],
  'credential-process': async () => [(await import('./credential-process.js')).credentialProcessCommand()],
  'credentials-server': async () => [(await import('./credential-process.js')).credentialsServerCommand()],
  keygen: async () => [(await import('./keygen.js')).keygenCommand()],
  simulate: async () => [(await import('./simulate.js')).simulateCommand()],
};

/** The command named on the command line (the first argument that is not an option), if it is one of ours. */
function namedCommand(argv: string[]): string | undefined {
  const first = argv.slice(2).find((arg) => !arg.startsWith('-'));
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ramgate')
    .description('SAML 2.0 federation and SSO gateway compatible with Alibaba Cloud RAM SSO and STS')
    .version('0.1.0');
  const name = namedCommand(argv);
  const versionOnly = !name && argv.slice(2).some((arg) => arg === '-V' || arg === '--version');
  const loaders = name ? [COMMANDS[name] as CommandLoader] : versionOnly ? [] : Object.values(COMMANDS);
  for (const commands of await Promise.all(loaders.map((load) => load())))
    for (const command of commands) program.addCommand(command);
  await program.parseAsync(argv);
}
