import { Command } from 'commander';
import { credentialProcessCommand, credentialsServerCommand } from './credential-process.js';
import { diagnoseCommand } from './diagnose.js';
import { loginCommand } from './login.js';
import { serveCommand } from './serve.js';
import { simulateCommand } from './simulate.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ramgate')
    .description('SAML 2.0 federation and SSO gateway compatible with Alibaba Cloud RAM SSO and STS')
    .version('0.1.0');
  program.addCommand(serveCommand());
  program.addCommand(diagnoseCommand());
  program.addCommand(loginCommand());
  program.addCommand(credentialProcessCommand());
  program.addCommand(credentialsServerCommand());
  program.addCommand(simulateCommand());
  await program.parseAsync(argv);
}
