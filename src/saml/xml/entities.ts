/** The five predefined entities and character references: the only references a DTD-less document may use. */

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['apos', "'"],
  ['quot', '"'],
]);

const REFERENCE_RE = /&([^;&<]{0,16});?/g;

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function decodeOne(body: string): string | null {
  const named = PREDEFINED.get(body);
  if (named !== undefined) return named;
  let cp: number;
  if (/^#x[0-9A-Fa-f]{1,6}$/.test(body)) cp = parseInt(body.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(body)) cp = parseInt(body.slice(1), 10);
  else return null;
  return isXmlChar(cp) ? String.fromCodePoint(cp) : null;
}

/** Expand references in raw character data; `{error}` for an unknown entity or a bad reference. */
export function decodeReferences(raw: string): string | { error: string } {
  let failure: string | null = null;
  const out = raw.replace(REFERENCE_RE, (whole, body: string) => {
    if (failure === null) {
      const decoded = whole.endsWith(';') ? decodeOne(body) : null;
      if (decoded !== null) return decoded;
      failure =
        PREDEFINED.has(body) || body.startsWith('#')
          ? `bad reference "${whole}"`
          : `unknown entity "${whole}"`;
    }
    return '';
  });
  return failure === null ? out : { error: failure };
}
