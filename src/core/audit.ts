import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** One audit record: every sign-in and every STS call, success or failure. No secrets, no assertions. */
export interface AuditEvent {
  event: string;
  outcome: 'success' | 'failure';
  requestId: string;
  accountId?: string | undefined;
  /** Who: an ARN, a NameID, an AccessKeyId (never a secret). */
  principal?: string | undefined;
  provider?: string | undefined;
  role?: string | undefined;
  sessionName?: string | undefined;
  /** The check that failed, for failures of SAML verification or mapping. */
  check?: string | undefined;
  code?: string | undefined;
  message?: string | undefined;
  sourceIp?: string | undefined;
  /** Free-form, for events such as metadata refresh (must not contain secrets). */
  detail?: Record<string, unknown> | undefined;
}

export interface AuditSink {
  write(event: AuditEvent): void;
  close(): Promise<void>;
}

/** Appends JSON lines to a file (created with its directory), or keeps them in memory without one. */
export class JsonLinesAuditSink implements AuditSink {
  private readonly stream: WriteStream | undefined;
  /**
   * The latest records as JSON lines: a serialised copy shares no memory with the request that
   * produced it (a NameID sliced from a SAMLResponse would keep the whole document alive).
   */
  private readonly lines: string[] = [];

  constructor(
    file?: string,
    private readonly keepRecent = 1000,
  ) {
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      this.stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    }
  }

  write(event: AuditEvent): void {
    // JSON leaves out members whose value is undefined.
    const line = JSON.stringify({ time: new Date().toISOString(), ...event });
    this.lines.push(line);
    if (this.lines.length > this.keepRecent) this.lines.shift();
    this.stream?.write(`${line}\n`);
  }

  /** The latest records (at most `keepRecent`), oldest first. */
  get recent(): Array<AuditEvent & { time: string }> {
    return this.lines.map((line) => JSON.parse(line) as AuditEvent & { time: string });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.stream ? this.stream.end(resolve) : resolve()));
  }
}
