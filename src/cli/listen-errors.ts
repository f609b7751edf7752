/** Why the gateway cannot listen, in plain words with what to do (not a bare EADDRINUSE). */
export function explainListenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EADDRINUSE')
    return new Error(
      `Cannot listen on ${where}: the port is already in use (another ramgate, or another program). ` +
        'Stop it, or choose another port with --port (RAMGATE_PORT).',
    );
  if (code === 'EACCES')
    return new Error(
      `Cannot listen on ${where}: permission denied (ports below 1024 need privileges). ` +
        'Choose a port of 1024 or above with --port and put a proxy in front.',
    );
  if (code === 'EADDRNOTAVAIL')
    return new Error(
      `Cannot listen on ${where}: this machine has no such address; check --host (RAMGATE_HOST).`,
    );
  return error instanceof Error ? error : new Error(String(error));
}
