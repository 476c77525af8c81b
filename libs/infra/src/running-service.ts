export type Report = (line: string) => void;

/** Something the bring-up found or started; `stop` only stops what it started. */
export interface RunningService {
  name: 'nats' | 'postgres';
  url: string;
  started: boolean;
  pid: number | undefined;
  stop(): Promise<void>;
}
