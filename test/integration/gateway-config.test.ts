/** `ramgate serve --config`: the gateway section of the config file, and refusal of a bad file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/cli/start.js';
import { testKeys } from '../support/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'ramgate-config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const silent = pino({ level: 'silent' });

describe('the gateway section of the config file', () => {
  it('sets the public base URL, the role SP entityID and the SP certificate', async () => {
    const keys = testKeys();
    writeFileSync(join(dir, 'sp.key.pem'), keys.spEncryption.keyPem);
    writeFileSync(join(dir, 'sp.cert.pem'), keys.spEncryption.certPem);
    writeFileSync(
      join(dir, 'ramgate.yaml'),
      [
        'gateway:',
        '  baseUrl: https://signin.example.com',
        '  roleSpEntityId: urn:alibaba:cloudcomputing:international',
        '  sp: { keyFile: sp.key.pem, certFile: sp.cert.pem }',
        'accounts:',
        "  - id: '5555555555555555'",
        '    alias: example',
      ].join('\n'),
    );
    const gateway = await startGateway({ config: join(dir, 'ramgate.yaml'), logger: silent });
    try {
      expect(gateway.url).toBe('https://signin.example.com');
      const port = (gateway.server.address() as { port: number }).port;
      const xml = await (await fetch(`http://127.0.0.1:${port}/saml-role/sp-metadata.xml`)).text();
      expect(xml).toContain('entityID="urn:alibaba:cloudcomputing:international"');
      expect(xml).toContain('Location="https://signin.example.com/saml-role/sso"');
      expect(xml).toContain(keys.spEncryption.certBase64.slice(0, 60));
      expect(gateway.gw.sp.decryptionKeys).toHaveLength(1);
    } finally {
      await gateway.close();
    }
  });

  it('refuses a config whose gateway section is wrong, naming the path', async () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      "gateway:\n  baseUrl: not a url\naccounts:\n  - id: '1'\n    alias: bad\n",
    );
    await expect(startGateway({ config: join(dir, 'bad.yaml'), logger: silent })).rejects.toThrow(
      /gateway\.baseUrl/,
    );
  });
});
