/**
 * Micro-benchmark of the XML security layer, one core, per fixture:
 *   parse       ours | saxes + the same tree builder | @xmldom/xmldom
 *   c14n        the signed element, enveloped Signature left out: ours | xml-crypto on xmldom
 *   verify      parse + every signature of the response: ours | xmldom + xml-crypto (KeyObject)
 *   decrypt     the EncryptedAssertion with the SP key (fixtures that include one)
 * Run: npx tsx bench/xml.ts [fixture-name-filter] (npm run bench:xml). Prints ops/s, p50 and p99.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import {
  canonicalizeExclusive,
  decryptEncryptedData,
  parseXml,
  verifySignature,
} from '../src/saml/xml/index.js';
import {
  elementAt,
  findElements,
  loadFixtures,
  positionalPath,
  signaturesOf,
} from '../test/support/xml-fixtures.js';
import { parseWithSaxes } from './saxes-tree.js';

interface Figures {
  opsPerSec: number;
  p50: number;
  p99: number;
  /** CPU time of this process per operation: less sensitive than wall time to other load on the machine. */
  cpuUs: number;
}

function measure(fn: () => unknown, budgetMs = 300): Figures {
  const warmUntil = performance.now() + budgetMs / 3;
  while (performance.now() < warmUntil) fn();
  const samples: number[] = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  const total = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  samples.sort((a, b) => a - b);
  const at = (q: number): number =>
    (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0) * 1000;
  return {
    opsPerSec: (samples.length / total) * 1000,
    p50: at(0.5),
    p99: at(0.99),
    cpuUs: (cpu.user + cpu.system) / samples.length,
  };
}

function domAt(doc: Element, path: string): Element {
  let node = doc;
  for (const m of path.slice(2).matchAll(/\/\*\[(\d+)\]/g)) {
    const elements: Element[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) elements.push(c as Element);
    node = elements[Number(m[1]) - 1] as Element;
  }
  return node;
}

const rows: string[] = [];
const row = (...cells: (string | number)[]): void => {
  rows.push(
    cells.map((c, i) => (i === 0 ? String(c).padEnd(20) : String(c).padStart(i === 1 ? 28 : 10))).join(' '),
  );
};
const fmt = (f: Figures): [string, string, string, string] => [
  f.opsPerSec.toFixed(0),
  f.p50.toFixed(1),
  f.p99.toFixed(1),
  f.cpuUs.toFixed(1),
];
const speedups: Record<string, number[]> = { parse: [], c14n: [], verify: [] };
const verifyOps: number[] = [];
const verifyCpu: number[] = [];
const SAML_ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';

const filter = process.argv[2] ?? '';
row('fixture', 'operation', 'ops/s', 'p50 µs', 'p99 µs', 'CPU µs/op');
for (const fx of loadFixtures().filter((f) => f.name.includes(filter))) {
  const doc = parseXml(fx.xml);
  const paths = signaturesOf(doc).map(positionalPath);
  const firstPath = paths[0] as string;
  const sig = elementAt(doc, firstPath);
  if (canonicalizeExclusive(parseWithSaxes(fx.xml)) !== canonicalizeExclusive(doc.documentElement)) {
    throw new Error(`${fx.name}: the saxes-built tree differs`);
  }
  const dom = new DOMParser().parseFromString(fx.xml, 'text/xml').documentElement as Element;
  const domSignedNoSig = dom.cloneNode(true) as Element;
  const domSig = domAt(domSignedNoSig, firstPath);
  const domParent = domSig.parentNode as Element;
  domParent.removeChild(domSig);

  const parse = {
    ours: measure(() => parseXml(fx.xml)),
    saxes: measure(() => parseWithSaxes(fx.xml)),
    xmldom: measure(() => new DOMParser().parseFromString(fx.xml, 'text/xml')),
  };
  const c14n = {
    ours: measure(() => canonicalizeExclusive(sig.parent!, { omit: sig })),
    xmlCrypto: measure(() =>
      new ExclusiveCanonicalization().process(domParent as unknown as globalThis.Element, {}),
    ),
  };
  const verify = {
    ours: measure(() => {
      const d = parseXml(fx.xml);
      for (const p of paths)
        if (!verifySignature(elementAt(d, p), { keys: [fx.key], allowSha1: true }).ok) throw new Error('bad');
    }),
    xmlCrypto: measure(() => {
      const d = new DOMParser().parseFromString(fx.xml, 'text/xml').documentElement as Element;
      for (const p of paths) {
        const s = new SignedXml({ publicCert: fx.key, getCertFromKeyInfo: () => null });
        s.loadSignature(domAt(d, p) as unknown as Node); // xml-crypto is typed with DOM lib nodes
        if (!s.checkSignature(fx.xml)) throw new Error('bad');
      }
    }),
  };
  const encrypted = findElements(doc.documentElement, SAML_ASSERTION, 'EncryptedAssertion')[0];
  const decrypt =
    fx.spKey && encrypted
      ? measure(() => {
          if (!decryptEncryptedData(encrypted, { keys: [fx.spKey!], allowCbc: true }).ok)
            throw new Error('bad');
        })
      : null;
  const label = `${fx.name} (${(fx.xml.length / 1024).toFixed(1)} KB, ${paths.length} sig)`;
  rows.push(label);
  row('', 'parse ours', ...fmt(parse.ours));
  row('', 'parse saxes+builder', ...fmt(parse.saxes));
  row('', 'parse xmldom', ...fmt(parse.xmldom));
  row('', 'c14n ours', ...fmt(c14n.ours));
  row('', 'c14n xml-crypto', ...fmt(c14n.xmlCrypto));
  row('', 'verify ours', ...fmt(verify.ours));
  row('', 'verify xmldom+xml-crypto', ...fmt(verify.xmlCrypto));
  if (decrypt) row('', 'decrypt ours (RSA-OAEP+AES)', ...fmt(decrypt));
  verifyOps.push(verify.ours.opsPerSec);
  verifyCpu.push(verify.ours.cpuUs);
  speedups.parse?.push(parse.xmldom.cpuUs / parse.ours.cpuUs);
  speedups.c14n?.push(c14n.xmlCrypto.cpuUs / c14n.ours.cpuUs);
  speedups.verify?.push(verify.xmlCrypto.cpuUs / verify.ours.cpuUs);
  console.log(rows.splice(0).join('\n'));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(
  `\nmedian speed-up (CPU time) over xmldom/xml-crypto: parse ${median(speedups.parse ?? []).toFixed(1)}×, ` +
    `c14n ${median(speedups.c14n ?? []).toFixed(1)}×, full verify ${median(speedups.verify ?? []).toFixed(1)}×; ` +
    `median parse+verify ${median(verifyOps).toFixed(0)} responses/s wall, ` +
    `${median(verifyCpu).toFixed(0)} CPU µs each (${(1e6 / median(verifyCpu)).toFixed(0)}/s per core)`,
);
