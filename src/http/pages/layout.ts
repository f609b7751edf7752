import { Html, html } from './html.js';

export interface PageOptions {
  title: string;
  /** CSP nonce of this response: the only inline style and script allowed. */
  nonce: string;
  body: Html;
  script?: string;
}

const STYLE = `
:root { color-scheme: light; --fg:#1d2129; --muted:#5f6673; --line:#e5e7eb; --accent:#c2410c; --action:#c2410c; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { background:#fff; border-bottom:1px solid var(--line); padding:12px 24px; display:flex; justify-content:space-between; align-items:center; }
header .brand { font-weight:600; } header .brand span { color: var(--accent); }
main { max-width: 880px; margin: 32px auto; padding: 0 16px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:24px; margin-bottom:16px; }
h1 { font-size:22px; margin:0 0 16px; } h2 { font-size:17px; margin:24px 0 10px; } .card > h2:first-child { margin-top:0; }
dl { display:grid; grid-template-columns: 200px minmax(0, 1fr); gap:8px 16px; margin:0; } dt { color: var(--muted); } dd { margin:0; min-width:0; overflow-wrap: anywhere; }
.roles { list-style:none; padding:0; margin:0; } .roles li { border:1px solid var(--line); border-radius:6px; margin-bottom:8px; }
.roles label { display:flex; gap:12px; padding:12px; cursor:pointer; } .roles small { color: var(--muted); display:block; overflow-wrap: anywhere; } .roles label > span { min-width:0; }
button, .button { background: var(--action); color:#fff; border:1px solid var(--action); border-radius:4px; padding:8px 16px; font-size:14px; cursor:pointer; text-decoration:none; display:inline-block; }
button.secondary, .button.secondary { background:#fff; color: var(--fg); border:1px solid #6b7280; }
pre { background:#0f172a; color:#e2e8f0; padding:12px; border-radius:6px; overflow:auto; font-size:13px; white-space: pre-wrap; overflow-wrap: anywhere; max-width:100%; }
.secret { font-family: ui-monospace, monospace; overflow-wrap: anywhere; } .secret.block:not([hidden]) { display:block; } .secret + .buttons { margin-left:8px; } .note { color: var(--muted); font-style: italic; } .wrap { overflow-wrap: anywhere; } .masked { color: var(--muted); letter-spacing: 2px; }
.error { border-left: 4px solid #dc2626; } .muted { color: var(--muted); font-size: 13px; }
.warn { background:#fff7ed; border:1px solid #fed7aa; padding:8px 12px; border-radius:6px; }
.narrow { max-width: 460px; margin-left:auto; margin-right:auto; } .stack { display:flex; flex-direction:column; gap:8px; }
input[type=text], input[type=password], input:not([type]) { font-size:15px; padding:8px 10px; border:1px solid #6b7280; border-radius:4px; max-width:100%; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.methods { list-style:none; padding:0; margin:0 0 16px; } .methods li { margin-bottom:12px; } .methods small { display:block; color: var(--muted); }
.button.wide { display:block; text-align:center; } .problem { color:#b91c1c; margin:0; } .notice { background:#ecfdf5; border:1px solid #a7f3d0; padding:8px 12px; border-radius:6px; }
.actions .button { margin: 0 8px 8px 0; } .detail { font-family: ui-monospace, monospace; font-size:13px; word-break: break-word; }
h3 { font-size:15px; margin:20px 0 4px; } .buttons { display:inline-flex; flex-wrap:wrap; gap:8px; margin:4px 0; } .utc { display:block; }
.session-actions { display:flex; flex-wrap:wrap; gap:8px; align-items:center; margin-top:16px; } .session-actions form { margin:0; }
.expired { background:#fef2f2; border:1px solid #fecaca; color:#991b1b; padding:8px 12px; border-radius:6px; }
.visually-hidden, .offscreen { position:absolute; width:1px; height:1px; overflow:hidden; clip-path: inset(50%); white-space:nowrap; }
fieldset { border:0; padding:0; margin:0 0 16px; min-width:0; } legend { padding:0; margin-bottom:8px; font-weight:600; }
a { color:#1d4ed8; } .button { color:#fff; } .button.secondary { color: var(--fg); }
input[type=password], input[inputmode=numeric] { font-size:15px; padding:8px 10px; border:1px solid #9ca3af; border-radius:4px; } .qr { image-rendering: pixelated; display:block; margin: 8px 0; } .problem-box { border-left: 4px solid #dc2626; padding-left: 8px; }
@media (max-width: 600px) { dl { grid-template-columns: 1fr; gap:2px 0; } dd { margin-bottom:8px; } main { margin:16px auto; } .card { padding:16px; } }
`;

export function page(options: PageOptions): string {
  // The empty data: icon keeps browsers from requesting /favicon.ico, a 404 on every page.
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <link rel="icon" href="data:," />
        <title>${options.title} · ramgate</title>
        <style nonce="${options.nonce}">
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <div class="brand">ram<span>gate</span></div>
        </header>
        <main>${options.body}</main>
        ${
          options.script
            ? html`<script nonce="${options.nonce}">
                ${inlineScript(options.script)};
              </script>`
            : ''
        }
      </body>
    </html>`.value;
}

/** Our own constant scripts only; refuse anything that could close the element. */
function inlineScript(source: string): Html {
  if (/<\/script/i.test(source)) throw new Error('inline script must not contain </script');
  return new Html(source);
}
