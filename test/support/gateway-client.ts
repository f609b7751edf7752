/**
 * A minimal browser for gateway tests: one cookie jar, manual redirects, and helpers to read
 * hidden form fields. Enough to drive the demo IdP and the gateway's pages without Chromium.
 */
export interface WebPage {
  status: number;
  url: string;
  html: string;
  headers: Headers;
  location?: string | undefined;
}

export class WebSession {
  readonly cookies = new Map<string, string>();

  async request(url: string, form?: Record<string, string> | URLSearchParams): Promise<WebPage> {
    const body =
      form === undefined ? undefined : form instanceof URLSearchParams ? form : new URLSearchParams(form);
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      body,
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      signal: AbortSignal.timeout(15_000),
    });
    for (const header of res.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(header) || /expires=Thu, 01 Jan 1970/i.test(header))
        this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = res.headers.get('location') ?? undefined;
    return { status: res.status, url, html: await res.text(), headers: res.headers, location };
  }

  /** Follow same-origin redirects from `url` (GET) until a page answers. */
  async follow(url: string, form?: Record<string, string>): Promise<WebPage> {
    let page = await this.request(url, form);
    for (let hop = 0; hop < 10 && page.location; hop++) {
      page = await this.request(new URL(page.location, page.url).href);
    }
    return page;
  }
}

export function inputValue(html: string, name: string): string | undefined {
  const m = new RegExp(`name="${name}"\\s+value="([^"]*)"`).exec(html);
  return m?.[1]
    ?.replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

export function formAction(html: string, id: string): string | undefined {
  return new RegExp(`action="([^"]*)"[^>]*id="${id}"`).exec(html)?.[1];
}

export function textOfId(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>\\s*([^<]*?)\\s*<`).exec(html)?.[1];
}

/** Sign in at the gateway's built-in demo IdP; returns the auto-POST form's target and SAMLResponse. */
export async function demoIdpResponse(
  gatewayUrl: string,
  user: 'alice' | 'bob',
  sp: 'role' | 'user',
  extra: { request?: string; relay?: string } = {},
): Promise<{ acsUrl: string; samlResponse: string }> {
  const page = await new WebSession().request(`${gatewayUrl}/demo-idp/login`, {
    sp,
    request: extra.request ?? '',
    relay: extra.relay ?? '',
    username: user,
    password: user,
  });
  const samlResponse = inputValue(page.html, 'SAMLResponse');
  const acsUrl = formAction(page.html, 'saml-post');
  if (!samlResponse || !acsUrl)
    throw new Error(`the demo IdP did not answer with a SAMLResponse (${page.status})`);
  return { acsUrl, samlResponse };
}
