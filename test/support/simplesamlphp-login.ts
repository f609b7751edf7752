/**
 * Drives a SimpleSAMLphp login with fetch and a tiny cookie jar (no browser): the SSO URL, the
 * exampleauth UserPass form, then the auto-submit form that would POST the SAMLResponse to the SP.
 */

export interface IdpLoginResult {
  /** Where the IdP's auto-submit form posts (the SP's ACS URL). */
  acsUrl: string;
  /** The base64 SAMLResponse, exactly as the IdP emitted it. */
  samlResponse: string;
  relayState: string | undefined;
}

interface Credentials {
  username: string;
  password: string;
}

interface IdpLocation {
  baseUrl: string;
}

export async function idpInitiatedLogin(
  idp: IdpLocation,
  login: Credentials & { spEntityId: string; relayState?: string },
): Promise<IdpLoginResult> {
  const url = new URL('/saml2/idp/SSOService.php', idp.baseUrl);
  url.searchParams.set('spentityid', login.spEntityId);
  if (login.relayState !== undefined) url.searchParams.set('RelayState', login.relayState);
  return loginThrough(idp, url.href, login);
}

/** Completes an SP-initiated login from the HTTP-Redirect URL (SSOService.php?SAMLRequest=…) an SP made. */
export async function completeSpInitiatedLogin(
  idp: IdpLocation,
  redirectUrl: string,
  credentials: Credentials,
): Promise<IdpLoginResult> {
  return loginThrough(idp, redirectUrl, credentials);
}

async function loginThrough(
  idp: IdpLocation,
  startUrl: string,
  credentials: Credentials,
): Promise<IdpLoginResult> {
  const origin = new URL(idp.baseUrl).origin;
  const browser = new CookieBrowser(origin);
  let page = await browser.request(startUrl);
  const loginForm = findForm(page.html, (inputs) => inputs.has('AuthState'));
  if (loginForm) {
    const body = new URLSearchParams([...loginForm.inputs]);
    body.set('username', credentials.username);
    body.set('password', credentials.password);
    page = await browser.request(new URL(loginForm.action, page.url).href, body);
  }
  const postForm = findForm(page.html, (inputs) => inputs.has('SAMLResponse'));
  if (!postForm) {
    throw new Error(
      `SimpleSAMLphp did not answer with a SAMLResponse (${page.url}): ${describeErrorPage(page.html)}`,
    );
  }
  return {
    acsUrl: new URL(postForm.action, page.url).href,
    samlResponse: postForm.inputs.get('SAMLResponse') ?? '',
    relayState: postForm.inputs.get('RelayState'),
  };
}

interface Page {
  url: string;
  html: string;
}

/** Just enough of a browser: a cookie jar for one origin, manual redirects that must stay on it. */
class CookieBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async request(startUrl: string, form?: URLSearchParams): Promise<Page> {
    let url = startUrl;
    let body = form;
    for (let hop = 0; hop < 10; hop++) {
      if (new URL(url).origin !== this.origin)
        throw new Error(`SimpleSAMLphp redirected off the IdP to ${url}`);
      const res = await fetch(url, {
        method: body ? 'POST' : 'GET',
        body,
        redirect: 'manual',
        headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        signal: AbortSignal.timeout(15_000),
      });
      this.remember(res.headers.getSetCookie());
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        url = new URL(location, url).href;
        body = undefined;
        continue;
      }
      const html = await res.text();
      if (res.status !== 200) {
        throw new Error(`SimpleSAMLphp answered HTTP ${res.status} at ${url}: ${describeErrorPage(html)}`);
      }
      return { url, html };
    }
    throw new Error(`SimpleSAMLphp redirected more than 10 times from ${startUrl}`);
  }

  private remember(setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired =
        attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a)) || value === 'deleted';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

interface HtmlForm {
  action: string;
  inputs: Map<string, string>;
}

function findForm(html: string, wanted: (inputs: Map<string, string>) => boolean): HtmlForm | undefined {
  for (const [, formTag = '', content = ''] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const inputs = new Map<string, string>();
    for (const [, inputTag = ''] of content.matchAll(/<input\b([^>]*)>/gi)) {
      const attrs = tagAttributes(inputTag);
      const name = attrs.get('name');
      if (name !== undefined && attrs.get('type') === 'hidden') inputs.set(name, attrs.get('value') ?? '');
    }
    if (wanted(inputs)) return { action: tagAttributes(formTag).get('action') ?? '', inputs };
  }
  return undefined;
}

function tagAttributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const [, name = '', dq, sq, bare] of tag.matchAll(
    /([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g,
  )) {
    attrs.set(name.toLowerCase(), decodeEntities(dq ?? sq ?? bare ?? ''));
  }
  return attrs;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The human-readable error of a SimpleSAMLphp page: its first heading and the paragraphs under it. */
export function describeErrorPage(html: string): string {
  // SimpleSAMLphp escapes some messages twice (&amp;#039;), so decode twice: this is text for humans.
  const text = (fragment: string | undefined) =>
    decodeEntities(decodeEntities((fragment ?? '').replace(/<[^>]*>/g, ' ')))
      .replace(/\s+/g, ' ')
      .trim();
  const error = /<h2[^>]*>([\s\S]*?)<\/h2>([\s\S]*?)(?:<h2|<div|<form)/i.exec(html);
  // With showerrors on, the debug backtrace names the real exception ("Caused by: …").
  const causes = [...html.matchAll(/^Caused by: (.*)$/gm)].map((m) => text(m[1]));
  const summary = [error ? `${text(error[1])}: ${text(error[2])}` : text(html).slice(0, 500), ...causes].join(
    ' ',
  );
  return findForm(html, (inputs) => inputs.has('AuthState')) ? `login failed: ${summary}` : summary;
}
