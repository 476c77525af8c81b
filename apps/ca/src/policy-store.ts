import { compilePolicy, type CaPolicy, type CaPolicySpec } from '#keyway/ca-policy';
import type { Actor, CaPolicySpecPayload } from '#keyway/contracts';
import type { DataSource } from '#keyway/persistence';
import { CaError } from './errors.js';

/**
 * Team policies in Postgres, compiled once and cached per team. Applying compiles first, so a
 * policy with a bad pattern is refused with its field paths and never stored.
 */
export class PolicyStore {
  readonly #byTeam = new Map<string, CaPolicy[]>();

  constructor(private readonly ds: DataSource) {}

  async apply(
    spec: CaPolicySpecPayload,
    actor: Actor,
  ): Promise<{ team: string; name: string; outcome: 'created' | 'updated' }> {
    const compiled = compilePolicy(spec as CaPolicySpec);
    if (!compiled.ok)
      throw new CaError('invalid', `CaPolicy/${spec.team}/${spec.name}: invalid`, compiled.errors);
    const rows: Array<{ inserted: boolean }> = await this.ds.query(
      `INSERT INTO policies (team, name, spec, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (team, name) DO UPDATE SET spec = EXCLUDED.spec, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [spec.team, spec.name, JSON.stringify(spec), JSON.stringify(actor)],
    );
    this.#byTeam.delete(spec.team);
    return { team: spec.team, name: spec.name, outcome: rows[0].inserted ? 'created' : 'updated' };
  }

  async get(team: string, name: string): Promise<CaPolicySpecPayload> {
    const rows: Array<{ spec: CaPolicySpecPayload }> = await this.ds.query(
      'SELECT spec FROM policies WHERE team = $1 AND name = $2',
      [team, name],
    );
    if (rows.length === 0) throw new CaError('not_found', `CaPolicy/${team}/${name}: not found`);
    return rows[0].spec;
  }

  async list(team?: string): Promise<CaPolicySpecPayload[]> {
    const rows: Array<{ spec: CaPolicySpecPayload }> = team
      ? await this.ds.query('SELECT spec FROM policies WHERE team = $1 ORDER BY name', [team])
      : await this.ds.query('SELECT spec FROM policies ORDER BY team, name');
    return rows.map((r) => r.spec);
  }

  /** The compiled policies bound to a team (cached until a policy of that team is applied). */
  async forTeam(team: string | undefined): Promise<CaPolicy[]> {
    if (!team) return [];
    const cached = this.#byTeam.get(team);
    if (cached) return cached;
    const compiled = (await this.list(team)).flatMap((spec) => {
      const r = compilePolicy(spec as CaPolicySpec);
      return r.ok ? [r.value] : [];
    });
    this.#byTeam.set(team, compiled);
    return compiled;
  }
}
