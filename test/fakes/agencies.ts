// The agencies table in memory, implementing the Agencies port as shared/store/agency-store.ts does on DynamoDB: a new
// agency is active, one already held is left as it is (unchanged or a conflict), disable and enable only what is held;
// a machine client's item names its agency and is admitted while that agency is active and lists it.
import type { MachineClient } from '../../shared/api/machine-auth.ts';
import { type Agency, AgencyInput } from '../../shared/model/agency.ts';
import type {
  Agencies,
  AgencyImport,
  MachineClientAdded,
  MachineClientRemoved,
} from '../../shared/model/ports.ts';

export class MemoryAgencies implements Agencies {
  readonly held = new Map<string, Agency>();
  /** the machine clients' items: client id → its agency */
  readonly clients = new Map<string, string>();

  constructor(private readonly now: () => Date = () => new Date('2026-12-07T00:00:00.000Z')) {}

  /** Agencies held from the start, active unless said otherwise (test set-up). */
  static of(...agencies: (Partial<Agency> & Pick<Agency, 'code'>)[]): MemoryAgencies {
    const memory = new MemoryAgencies();
    for (const agency of agencies) {
      memory.held.set(agency.code, {
        name: agency.code,
        kind: 'police',
        unit: { code: '64', vintage: 2020 },
        machineClients: [],
        active: true,
        updatedAt: '2026-12-07T00:00:00.000Z',
        updatedBy: 'test',
        ...agency,
      });
    }
    return memory;
  }

  async get(agencyCode: string): Promise<Agency | undefined> {
    const agency = this.held.get(agencyCode);
    return agency && structuredClone(agency);
  }

  async put(given: AgencyInput, by: string): Promise<'created' | 'unchanged' | 'conflict'> {
    const agency = AgencyInput.parse(given);
    const held = this.held.get(agency.code);
    if (held) {
      // the machine clients are add-client's: not compared
      const { active: _a, updatedAt: _t, updatedBy: _b, machineClients: _h, ...described } = held;
      const { machineClients: _g, ...given } = agency;
      return JSON.stringify(described) === JSON.stringify(given) ? 'unchanged' : 'conflict';
    }
    this.held.set(agency.code, {
      ...agency,
      active: true,
      updatedAt: this.now().toISOString(),
      updatedBy: by,
    });
    return 'created';
  }

  disable(agencyCode: string, by: string): Promise<boolean> {
    return this.setActive(agencyCode, false, by);
  }

  enable(agencyCode: string, by: string): Promise<boolean> {
    return this.setActive(agencyCode, true, by);
  }

  private async setActive(agencyCode: string, active: boolean, by: string): Promise<boolean> {
    const held = this.held.get(agencyCode);
    if (!held) return false;
    this.held.set(agencyCode, { ...held, active, updatedAt: this.now().toISOString(), updatedBy: by });
    return true;
  }

  async list(): Promise<Agency[]> {
    return [...this.held.values()]
      .sort((a, b) => (a.code < b.code ? -1 : 1))
      .map((agency) => structuredClone(agency));
  }

  async importMany(agencies: AgencyInput[], by: string): Promise<AgencyImport> {
    const result: AgencyImport = { created: [], unchanged: [], conflicts: [] };
    for (const agency of agencies) {
      const outcome = await this.put(agency, by);
      (outcome === 'created'
        ? result.created
        : outcome === 'unchanged'
          ? result.unchanged
          : result.conflicts
      ).push(agency.code);
    }
    return result;
  }

  async addMachineClient(agencyCode: string, clientId: string, by: string): Promise<MachineClientAdded> {
    const owner = this.clients.get(clientId);
    if (owner !== undefined && owner !== agencyCode) return 'other-agency';
    const held = this.held.get(agencyCode);
    if (!held) return 'agency-unknown';
    this.clients.set(clientId, agencyCode);
    if (held.machineClients.includes(clientId)) return 'unchanged';
    this.held.set(agencyCode, {
      ...held,
      machineClients: [...held.machineClients, clientId],
      updatedAt: this.now().toISOString(),
      updatedBy: by,
    });
    return 'added';
  }

  async removeMachineClient(agencyCode: string, clientId: string, by: string): Promise<MachineClientRemoved> {
    if (this.clients.get(clientId) === agencyCode) this.clients.delete(clientId);
    const held = this.held.get(agencyCode);
    if (!held) return 'agency-unknown';
    if (!held.machineClients.includes(clientId)) return 'not-listed';
    this.held.set(agencyCode, {
      ...held,
      machineClients: held.machineClients.filter((client) => client !== clientId),
      updatedAt: this.now().toISOString(),
      updatedBy: by,
    });
    return 'removed';
  }

  /** The client as the machine authoriser's lookup (cachedMachineClients) sees it. */
  async machineClient(clientId: string): Promise<MachineClient | undefined> {
    const agencyCode = this.clients.get(clientId);
    if (agencyCode === undefined) return undefined;
    const agency = this.held.get(agencyCode);
    const listed = agency?.machineClients.includes(clientId) ?? false;
    return { clientId, agency: agencyCode, active: Boolean(agency?.active) && listed };
  }
}
