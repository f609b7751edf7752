/**
 * A second yardstick beside bench/reference-machine.ts, made of the same kind of work as the
 * gateway's (JavaScript over XML, not native arithmetic): @xmldom/xmldom parse + xml-crypto
 * `checkSignature` with a KeyObject on a ~5.7 KB signed Response, 280/s on the reference machine of
 * /work/shared/reference/perf-baseline.md. On this VM the two kinds of work do not slow down together
 * (samlify ran 1.9–4.2× slower than there while RSA read 1.2–2.4×), so estimates are printed by both.
 */
import type { KeyObject } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { testKeys } from '../test/support/keys.js';
import { TestIdp } from '../test/support/test-idp.js';

export const REFERENCE_XML_CRYPTO_PER_SECOND = 280;

/** xmldom parse + xml-crypto signature check of `xml`, throwing when it does not verify. */
export function xmlCryptoCheck(xml: string, publicCert: string | KeyObject): void {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const signature = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
  if (!signature) throw new Error('no signature');
  const sig = new SignedXml({ publicCert });
  sig.loadSignature(signature as unknown as Node); // xmldom's Node type differs from the DOM lib's
  if (!sig.checkSignature(xml)) throw new Error('xml-crypto rejected');
}

export interface XmlWorkloadSpeed {
  /** xml-crypto verifications per CPU second here. */
  perSecond: number;
  /** Reference speed ÷ speed here: > 1 when this machine is slower. */
  slowdown: number;
}

let sample: { xml: string; key: KeyObject } | undefined;

export function measureXmlWorkloadSpeed(seconds = 1): XmlWorkloadSpeed {
  sample ??= {
    xml: new TestIdp().response({ inResponseTo: null }).xml,
    key: testKeys().idp.publicKey,
  };
  const { xml, key } = sample;
  for (let i = 0; i < 20; i++) xmlCryptoCheck(xml, key);
  const cpuStart = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    xmlCryptoCheck(xml, key);
    n++;
  }
  const cpu = process.cpuUsage(cpuStart);
  const perSecond = n / ((cpu.user + cpu.system) / 1e6);
  return { perSecond, slowdown: REFERENCE_XML_CRYPTO_PER_SECOND / perSecond };
}
