import { describe, expect, it } from 'vitest';
import { gatewayFailure, startLoopbackListener } from '../../../src/cli/loopback.js';

describe('the loopback listener and the failures the gateway hands it', () => {
  it('keeps terminal escapes and bidi controls out of the message, and clips it', () => {
    const message = gatewayFailure(
      new URLSearchParams({
        error: 'Code\u001b[2J',
        error_description: `evil\u202e\r\nline${'x'.repeat(1000)}`,
        request_id: 'RID',
      }),
    ).message;
    expect(message).not.toMatch(/[\p{Cc}\u202e]/u);
    expect(message).toMatch(
      /^The sign-in failed at the gateway: Code \[2J: evil {3}linex+ \(RequestId RID\)\. Nothing was written\.$/,
    );
    expect(message.length).toBeLessThan(600);
  });

  it('ends the wait with the failure of its own state only, and once', async () => {
    const listener = await startLoopbackListener('the-state-of-this-login');
    try {
      const waiting = expect(listener.waitForCode(10_000)).rejects.toThrow(
        'The sign-in failed at the gateway: Denied: no. Nothing was written.',
      );
      const other = await fetch(`${listener.redirectUri}?error=X&state=another`);
      expect(other.status).toBe(400);
      const failed = await fetch(
        `${listener.redirectUri}?error=Denied&error_description=no&state=the-state-of-this-login`,
      );
      expect(failed.status).toBe(200);
      expect(await failed.text()).toContain('Sign-in failed');
      await waiting;
      const late = await fetch(`${listener.redirectUri}?code=c&state=the-state-of-this-login`);
      expect(late.status).toBe(409);
    } finally {
      await listener.close();
    }
  });
});
