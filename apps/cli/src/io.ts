import fs from 'node:fs/promises';
import path from 'node:path';

/** What the CLI touches outside itself, so tests can run main() in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: colour allowed. */
  isTTY: boolean;
  readStdin(): Promise<string>;
  readFile(file: string): Promise<string>;
  /** Directory entries (files only, sorted), or undefined when `file` is not a directory. */
  listDir(dir: string): Promise<string[] | undefined>;
  writeFile(file: string, content: string, mode: number): Promise<void>;
  now(): Date;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    readFile: (f) => fs.readFile(f, 'utf8'),
    listDir: async (d) => {
      const st = await fs.stat(d);
      if (!st.isDirectory()) return undefined;
      return (await fs.readdir(d)).sort().map((n) => path.join(d, n));
    },
    writeFile: async (f, content, mode) => {
      await fs.mkdir(path.dirname(f), { recursive: true });
      await fs.writeFile(f, content, { mode });
      // writeFile's mode applies only to a new file: an existing key file gets 0600 too.
      await fs.chmod(f, mode);
    },
    now: () => new Date(),
  };
}
