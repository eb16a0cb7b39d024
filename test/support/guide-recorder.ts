import type { TestApp } from './test-app';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TOKEN = /cl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/g;
const SHA256 = /\b[0-9a-f]{64}\b/g;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;

export interface Example {
  title: string;
  persona: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  response: string;
}

/**
 * Records requests made in the guide scenario and renders them as curl examples whose ids, keys,
 * hashes and server times are replaced by stable names, so the rendered guide only changes when
 * the API does.
 */
export class GuideRecorder {
  readonly examples: Example[] = [];
  private readonly names = new Map<string, string>();
  private readonly keys = new Map<string, string>();

  constructor(private readonly t: TestApp) {}

  /** Gives an id a readable placeholder in the guide, e.g. `<lot>`. */
  name(id: string, label: string): void {
    if (!this.names.has(id)) this.names.set(id, `<${label}>`);
  }

  /** Names a persona's API key variable, e.g. `$GENERATOR_KEY`. */
  persona(key: string, variable: string): void {
    this.keys.set(key, variable);
  }

  async call(title: string, persona: string, key: string | null, method: 'GET' | 'POST', path: string, body?: unknown) {
    let req = this.t.http()[method === 'GET' ? 'get' : 'post'](path);
    if (key) req = req.set('Authorization', `Bearer ${key}`);
    const res = body === undefined ? await req : await req.send(body as object);
    this.examples.push({
      title,
      persona,
      method,
      path,
      body,
      status: res.status,
      response: JSON.stringify(res.body, null, 2),
    });
    return res;
  }

  private scrub(text: string, now: number): string {
    return text
      .replace(TOKEN, (t) => (this.keys.has(t) ? `$${this.keys.get(t)}` : '<api-key>'))
      .replace(UUID, (id) => this.names.get(id) ?? '<uuid>')
      .replace(/cl_[0-9a-f]{16}\b/g, 'cl_<key id>')
      .replace(SHA256, '<sha256>')
      .replace(ISO, (ts) => (Math.abs(Date.parse(ts) - now) < 3_600_000 ? '<server time>' : ts))
      .replace(/\b20\d{2}(3715\d{6})\b/g, 'YYYY$1')
      .replace(/"correlationId": "[^"]+"/g, '"correlationId": "<request id>"');
  }

  render(example: Example, now = Date.now()): string {
    const lines = [`curl -s -X ${example.method} "$API${this.scrub(example.path, now)}"`];
    if (example.persona) lines.push(`  -H "Authorization: Bearer $${example.persona}"`);
    if (example.body !== undefined) {
      lines.push(`  -H 'Content-Type: application/json' -d '${this.scrub(JSON.stringify(example.body), now)}'`);
    }
    const response = JSON.stringify(sortPlaceholders(JSON.parse(this.scrub(example.response, now))), null, 2).split(
      '\n',
    );
    const shown = response.length > 40 ? [...response.slice(0, 40), '  …'] : response;
    return ['```bash', lines.join(' \\\n'), '```', '', `→ \`${example.status}\``, '', '```json', ...shown, '```'].join(
      '\n',
    );
  }

  /** The recorded example with this title, rendered. */
  show(title: string): string {
    const example = this.examples.find((e) => e.title === title);
    if (!example) throw new Error(`no recorded example "${title}"`);
    return this.render(example);
  }
}

/** Lists of ids are sorted by id; once ids are names, sort them by name so the page is stable. */
function sortPlaceholders(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(sortPlaceholders);
    return items.every((i) => typeof i === 'string' && i.startsWith('<')) ? [...(items as string[])].sort() : items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sortPlaceholders(v)]));
  }
  return value;
}
