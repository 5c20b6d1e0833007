// A local stand-in for the Hugging Face Hub on 127.0.0.1 (random port), serving the URL layout that
// @huggingface/hub uses: model or dataset info at a revision, paths-info, and resolve/<rev>/<file>
// with range requests. Repos are held in memory; large files are served as LFS files, as the Hub
// does. Dataset repos are keyed `datasets/org/name`, the prefix their resolve URLs carry.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  sha: string;
  files: Map<string, Uint8Array>;
}

export interface FakeHubOptions {
  /** Bytes per second for file bodies (for cancel tests); unlimited when unset. */
  throttle?: number;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  requireToken?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  authorization?: string;
}

const LFS_THRESHOLD = 10_000;

function gitBlobSha1(data: Uint8Array): string {
  return createHash('sha1').update(`blob ${data.byteLength}\0`).update(data).digest('hex');
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export class FakeHub {
  readonly repos = new Map<string, FakeRepo>();
  readonly requests: RequestRecord[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: FakeHubOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private json(res: ServerResponse, status: number, body: unknown, errorCode?: string): void {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    if (errorCode) res.setHeader('X-Error-Code', errorCode);
    res.end(JSON.stringify(body));
  }

  private repoAt(res: ServerResponse, id: string, revision: string): FakeRepo | undefined {
    const repo = this.repos.get(id);
    if (!repo) {
      this.json(res, 404, { error: 'Repository not found' }, 'RepoNotFound');
      return undefined;
    }
    if (revision !== 'main' && revision !== repo.sha) {
      this.json(res, 404, { error: `Invalid rev id: ${revision}` }, 'RevisionNotFound');
      return undefined;
    }
    return repo;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, this.url);
    const path = decodeURIComponent(url.pathname);
    this.requests.push({ method: req.method!, path, authorization: req.headers.authorization });
    if (this.options.requireToken && req.headers.authorization !== `Bearer ${this.options.requireToken}`) {
      return this.json(res, 401, { error: 'Invalid credentials in Authorization header' });
    }
    let m: RegExpMatchArray | null;
    const repoKey = (kind: string, id: string) => (kind === 'datasets' ? `datasets/${id}` : id);
    if (req.method === 'GET' && (m = path.match(/^\/api\/(models|datasets)\/(.+)\/revision\/([^/]+)$/))) {
      const repo = this.repoAt(res, repoKey(m[1], m[2]), m[3]);
      if (!repo) return;
      return this.json(res, 200, {
        _id: `id-${m[2]}`, id: m[2], sha: repo.sha, private: false, gated: false, downloads: 0, likes: 0,
        lastModified: '2024-01-01T00:00:00.000Z', pipeline_tag: 'text-generation',
        siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })),
      });
    }
    if (req.method === 'POST' && (m = path.match(/^\/api\/(models|datasets)\/(.+)\/paths-info\/([^/]+)$/))) {
      const repo = this.repoAt(res, repoKey(m[1], m[2]), m[3]);
      if (!repo) return;
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const { paths } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { paths: string[] };
      return this.json(res, 200, paths.filter((p) => repo.files.has(p)).map((p) => {
        const data = repo.files.get(p)!;
        const lfs = data.byteLength >= LFS_THRESHOLD ? { oid: sha256(data), size: data.byteLength, pointerSize: 134 } : undefined;
        return { type: 'file', path: p, oid: gitBlobSha1(data), size: data.byteLength, lfs,
          lastCommit: { id: repo.sha, title: 'upload', date: '2024-01-01T00:00:00.000Z' } };
      }));
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && (m = path.match(/^\/(.+?\/[^/]+)\/resolve\/([^/]+)\/(.+)$/))) {
      const repo = this.repoAt(res, m[1], m[2]);
      if (!repo) return;
      const data = repo.files.get(m[3]);
      if (!data) return this.json(res, 404, { error: 'Entry not found' }, 'EntryNotFound');
      const etag = data.byteLength >= LFS_THRESHOLD ? sha256(data) : gitBlobSha1(data);
      res.setHeader('ETag', `"${etag}"`);
      res.setHeader('X-Repo-Commit', repo.sha);
      res.setHeader('Accept-Ranges', 'bytes');
      let body = data;
      const range = req.headers.range?.match(/^bytes=(\d+)-(\d*)$/);
      if (range) {
        const start = Number(range[1]);
        const end = range[2] ? Math.min(Number(range[2]), data.byteLength - 1) : data.byteLength - 1;
        body = data.subarray(start, end + 1);
        res.statusCode = 206;
        res.setHeader('Content-Range', `bytes ${start}-${end}/${data.byteLength}`);
      }
      res.setHeader('Content-Length', body.byteLength);
      if (req.method === 'HEAD') return void res.end();
      return this.send(res, body);
    }
    this.json(res, 404, { error: `no route for ${req.method} ${path}` });
  }

  private async send(res: ServerResponse, body: Uint8Array): Promise<void> {
    const rate = this.options.throttle;
    if (!rate) return void res.end(body);
    // Ten slices a second until the body is out or the client goes away.
    const slice = Math.max(1, Math.floor(rate / 10));
    for (let at = 0; at < body.byteLength && !res.destroyed; at += slice) {
      res.write(body.subarray(at, at + slice));
      await new Promise((r) => setTimeout(r, 100));
    }
    res.end();
  }
}
