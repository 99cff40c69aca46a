// The people's user pool in memory, implementing the UserPool port as local/user-pool.ts does on Cognito: clients
// with a fresh id and secret, people under their e-mail with their agency and groups, disabled rather than deleted.
import type { PoolPerson, UserPool } from '../../local/user-pool.ts';

export interface FakeClient {
  clientName: string;
  clientSecret: string;
}

export class MemoryUserPool implements UserPool {
  readonly clients = new Map<string, FakeClient>();
  readonly people = new Map<string, PoolPerson & { signedOut: boolean }>();
  /** the groups the pool has (the template makes one per role) */
  constructor(
    readonly groups: readonly string[] = ['uploader', 'reviewer', 'approver', 'viewer', 'platform'],
  ) {}
  private made = 0;

  async createMachineClient(clientName: string) {
    this.made += 1;
    const clientId = `fakeclient${this.made}`;
    const clientSecret = `fake-secret-${this.made}`;
    this.clients.set(clientId, { clientName, clientSecret });
    return { clientId, clientSecret };
  }

  async deleteMachineClient(clientId: string): Promise<boolean> {
    return this.clients.delete(clientId);
  }

  async createPerson(email: string, agency: string): Promise<{ sub: string } | undefined> {
    if (this.people.has(email)) return undefined;
    this.made += 1;
    const sub = `sub-${this.made}`;
    this.people.set(email, { sub, agency, enabled: true, groups: [], signedOut: false });
    return { sub };
  }

  async getPerson(email: string): Promise<PoolPerson | undefined> {
    const person = this.people.get(email);
    if (!person) return undefined;
    const { signedOut: _s, ...held } = person;
    return structuredClone(held);
  }

  async addToGroup(email: string, group: string): Promise<void> {
    const person = this.held(email, group);
    if (!person.groups.includes(group)) person.groups.push(group);
  }

  async removeFromGroup(email: string, group: string): Promise<void> {
    const person = this.held(email, group);
    person.groups = person.groups.filter((held) => held !== group);
  }

  async disablePerson(email: string): Promise<boolean> {
    const person = this.people.get(email);
    if (!person) return false;
    person.enabled = false;
    person.signedOut = true;
    return true;
  }

  /** as Cognito: an unknown user or group is an error */
  private held(email: string, group: string) {
    const person = this.people.get(email);
    if (!person) throw Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
    if (!this.groups.includes(group))
      throw Object.assign(new Error('Group not found.'), { name: 'ResourceNotFoundException' });
    return person;
  }
}
