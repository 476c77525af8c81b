export type Report = (line: string) => void;

/** Something the bring-up found or started; `stop` only stops what it started. */
export interface RunningService {
  name: 'nats' | 'postgres';
  url: string;
  started: boolean;
  pid: number | undefined;
  /** For a process this bring-up started: settles when it exits, asked to or not. */
  exited?: Promise<void>;
  stop(): Promise<void>;
}
