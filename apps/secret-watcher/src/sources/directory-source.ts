import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Logger } from '#keyway/observability';
import { decodeSecret, type DecodedSecret, type SecretInput } from '#keyway/secrets';
import type { SecretEvent } from '../secret-event.js';
import { dataHashOf } from '../secret-entry.js';

/** Editors' and tools' temporary files: never read as manifests (vim swap, backups, atomic-write temps). */
export function isTemporaryFile(file: string): boolean {
  const base = path.basename(file);
  return (
    base.startsWith('.') ||
    base.startsWith('#') ||
    base.endsWith('~') ||
    /\.(swp|swx|swo|tmp|temp|bak|part|crdownload)$/i.test(base) ||
    /^\d+$/.test(base) // vim's write test file `4913`
  );
}

const MANIFEST = /\.(ya?ml|json)$/i;

interface FileSecret {
  file: string;
  secret: DecodedSecret;
  hash: string;
}

/**
 * A folder of Secret manifests as a source. Every change re-reads the folder (after a short quiet
 * period), so atomic renames, editors' write-then-rename dances and deletions all end in one diff of
 * what the folder holds now against what it held: an apply per new or changed Secret, a delete per
 * Secret gone. A file that does not parse keeps its previous Secrets (last good wins).
 */
export class DirectorySource {
  #watcher?: fs.FSWatcher;
  #timer?: NodeJS.Timeout;
  #held = new Map<string, FileSecret>();
  #scanning: Promise<void> = Promise.resolve();
  #lastGoodByFile = new Map<string, FileSecret[]>();

  constructor(
    private readonly dir: string,
    private readonly defaultNamespace: string,
    private readonly emit: (event: SecretEvent) => Promise<unknown>,
    private readonly logger: Logger,
    private readonly quietMs = 50,
  ) {}

  /** The folder's Secrets now, for seeding before the first reconcile. */
  initial(): Array<{ actor: string; secret: DecodedSecret }> {
    this.#held = this.#read();
    return [...this.#held.values()].map((f) => ({ actor: `file:${f.file}`, secret: f.secret }));
  }

  start(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.#watcher = fs.watch(this.dir, () => this.#schedule());
    this.#watcher.on('error', (e) =>
      this.logger.error({ err: e.message, dir: this.dir }, 'directory watch failed'),
    );
    this.#schedule(); // changes between initial() and start()
  }

  async stop(): Promise<void> {
    this.#watcher?.close();
    clearTimeout(this.#timer);
    await this.#scanning;
  }

  /** Resolves once every change seen so far has been read and emitted (tests wait on this). */
  settled(): Promise<void> {
    return this.#scanning;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#scanning = this.#scanning
        .then(() => this.#scan())
        .catch((e) => this.logger.error({ err: (e as Error).message }, 'directory scan failed'));
    }, this.quietMs);
  }

  async #scan(): Promise<void> {
    const now = this.#read();
    for (const [key, f] of now) {
      if (this.#held.get(key)?.hash === f.hash) continue;
      await this.emit({ kind: 'apply', source: 'directory', actor: `file:${f.file}`, secret: f.secret });
    }
    for (const [key, f] of this.#held) {
      if (now.has(key)) continue;
      await this.emit({
        kind: 'delete',
        source: 'directory',
        actor: `file:${f.file}`,
        namespace: f.secret.namespace,
        name: f.secret.name,
      });
    }
    this.#held = now;
  }

  #read(): Map<string, FileSecret> {
    const out = new Map<string, FileSecret>();
    let files: string[];
    try {
      files = fs
        .readdirSync(this.dir)
        .filter((f) => MANIFEST.test(f) && !isTemporaryFile(f))
        .sort();
    } catch {
      return out;
    }
    for (const file of files) {
      const secrets = this.#readFile(file);
      for (const s of secrets) out.set(`${s.secret.namespace}/${s.secret.name}`, s);
    }
    return out;
  }

  #readFile(file: string): FileSecret[] {
    const full = path.join(this.dir, file);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch {
      return []; // gone between readdir and read: the next event rescans
    }
    const docs = parseAllDocuments(text);
    const found: FileSecret[] = [];
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      if (doc.errors.length) {
        this.logger.warn(
          { file, document: i, err: doc.errors[0].message },
          'manifest does not parse; keeping its previous Secrets',
        );
        return this.#lastGoodByFile.get(file) ?? [];
      }
      const obj = doc.toJS() as SecretInput | null;
      if (!obj || (obj as { kind?: string }).kind !== 'Secret') continue;
      const decoded = decodeSecret(obj, this.defaultNamespace);
      if (!decoded.ok) {
        this.logger.warn(
          { file, errors: decoded.errors.map((e) => `${e.field}: ${e.message}`) },
          'Secret manifest invalid',
        );
        continue;
      }
      found.push({ file, secret: decoded.secret, hash: dataHashOf(decoded.secret) });
    }
    this.#lastGoodByFile.set(file, found);
    return found;
  }
}
