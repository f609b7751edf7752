// Module-resolution hooks (node --import with module.register) that append every resolved file URL
// to the file named by RAMGATE_MODULE_TRACE: a test can see which of the project's modules a command loads.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (process.env.RAMGATE_MODULE_TRACE && result.url.startsWith('file:'))
    appendFileSync(process.env.RAMGATE_MODULE_TRACE, `${result.url}\n`);
  return result;
}
