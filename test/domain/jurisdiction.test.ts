// Issue 17: one rule decides whether an agency's caller may do a kind of work on a unit (docs/jurisdiction.md).
// The table covers role × route × unit: the agency's own unit, one below, a sibling, the parent, the other vintage
// held whole and in part, and a disabled agency; the units are Gia Lai's (2020: 64, Pleiku 622; 2025: 52).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JURISDICTION_CODES, type JurisdictionCode } from '#domain/errors.ts';
import {
  type ActingAgency,
  type Actor,
  COUNTRY,
  decideJurisdiction,
  decideOwnUnit,
  type JurisdictionBasis,
  type UnitRef,
} from '#domain/jurisdiction.ts';
import { ROLES, type Role, WRITE_ROLES } from '#domain/roles.ts';
import { unitRegistry, type Vintage } from '#domain/units.ts';
import {
  type AgencyRouteKey,
  authorizeRoute,
  JURISDICTION_STATUS,
  ROUTE_PERMISSIONS,
} from '../../shared/api/permissions.ts';

const agency = (unit: string, vintage: Vintage, extra: Partial<ActingAgency> = {}): ActingAgency => ({
  code: `CA-${unit}-${vintage}`,
  unit,
  vintage,
  kind: 'police',
  active: true,
  ...extra,
});
const unit = (code: string, vintage: Vintage): UnitRef => ({ code, vintage });

type Outcome = JurisdictionBasis | JurisdictionCode;
interface Case {
  name: string;
  agency: ActingAgency;
  target: UnitRef;
  /** the outcome for the read role (viewer) and for the write roles (uploader, reviewer, approver) */
  read: Outcome;
  write: Outcome;
}

const PLEIKU_2020 = agency('622', 2020);
const AN_TOAN_2025 = agency('21622', 2025);
const GIA_LAI_2025 = agency('52', 2025);

const CASES: Case[] = [
  // a 2020 district agency: Pleiku city
  { name: 'own unit', agency: PLEIKU_2020, target: unit('622', 2020), read: 'own-unit', write: 'own-unit' },
  {
    name: 'a commune below',
    agency: PLEIKU_2020,
    target: unit('23557', 2020),
    read: 'below',
    write: 'below',
  },
  {
    name: 'a sibling district (An Khê)',
    agency: PLEIKU_2020,
    target: unit('623', 2020),
    read: 'OUTSIDE_JURISDICTION',
    write: 'OUTSIDE_JURISDICTION',
  },
  {
    name: 'the parent province',
    agency: PLEIKU_2020,
    target: unit('64', 2020),
    read: 'OUTSIDE_JURISDICTION',
    write: 'OUTSIDE_JURISDICTION',
  },
  {
    name: '2025 Phường Pleiku, formed from Pleiku communes only',
    agency: PLEIKU_2020,
    target: unit('23575', 2025),
    read: 'held-whole',
    write: 'held-whole',
  },
  {
    name: '2025 Xã Biển Hồ, formed from communes of Pleiku, Đăk Đoa and Chư Păh',
    agency: PLEIKU_2020,
    target: unit('23590', 2025),
    read: 'UNIT_NOT_WHOLLY_HELD',
    write: 'UNIT_NOT_WHOLLY_HELD',
  },
  {
    name: 'own unit, agency disabled',
    agency: { ...PLEIKU_2020, active: false },
    target: unit('622', 2020),
    read: 'AGENCY_DISABLED',
    write: 'AGENCY_DISABLED',
  },
  // a 2025 commune agency: Xã An Toàn, which took part of two split 2020 communes
  {
    name: 'own 2025 commune',
    agency: AN_TOAN_2025,
    target: unit('21622', 2025),
    read: 'own-unit',
    write: 'own-unit',
  },
  {
    name: 'a sibling 2025 commune (An Hòa)',
    agency: AN_TOAN_2025,
    target: unit('21628', 2025),
    read: 'OUTSIDE_JURISDICTION',
    write: 'OUTSIDE_JURISDICTION',
  },
  {
    name: 'its 2025 province',
    agency: AN_TOAN_2025,
    target: unit('52', 2025),
    read: 'OUTSIDE_JURISDICTION',
    write: 'OUTSIDE_JURISDICTION',
  },
  {
    name: 'the 2020 commune that went whole into it',
    agency: AN_TOAN_2025,
    target: unit('21622', 2020),
    read: 'held-whole',
    write: 'held-whole',
  },
  {
    name: '2020 Xã An Nghĩa, split between An Toàn and An Hòa',
    agency: AN_TOAN_2025,
    target: unit('21634', 2020),
    read: 'split-part',
    write: 'UNIT_NOT_WHOLLY_HELD',
  },
  {
    name: "the split commune's 2020 district (An Lão), not one unit in 2025",
    agency: AN_TOAN_2025,
    target: unit('542', 2020),
    read: 'UNIT_NOT_WHOLLY_HELD',
    write: 'UNIT_NOT_WHOLLY_HELD',
  },
  // the 2025 province agency: new Gia Lai, 52 (old Bình Định 52 and old Gia Lai 64)
  {
    name: 'a 2025 commune below',
    agency: GIA_LAI_2025,
    target: unit('21622', 2025),
    read: 'below',
    write: 'below',
  },
  {
    name: 'the split 2020 commune: both its parts are in the province',
    agency: GIA_LAI_2025,
    target: unit('21634', 2020),
    read: 'held-whole',
    write: 'held-whole',
  },
  {
    name: 'old Gia Lai, 64 in 2020',
    agency: GIA_LAI_2025,
    target: unit('64', 2020),
    read: 'held-whole',
    write: 'held-whole',
  },
  {
    name: 'old Bình Định, 52 in 2020',
    agency: GIA_LAI_2025,
    target: unit('52', 2020),
    read: 'held-whole',
    write: 'held-whole',
  },
  {
    name: '2020 district Pleiku, not one unit in 2025',
    agency: GIA_LAI_2025,
    target: unit('622', 2020),
    read: 'held-whole',
    write: 'held-whole',
  },
  {
    name: 'old Gia Lai agency (64, 2020) on new Gia Lai (52, 2025)',
    agency: agency('64', 2020),
    target: unit('52', 2025),
    read: 'UNIT_NOT_WHOLLY_HELD',
    write: 'UNIT_NOT_WHOLLY_HELD',
  },
  {
    name: 'Bình Định agency (52, 2020) on new Gia Lai (52, 2025): same code, another unit',
    agency: agency('52', 2020),
    target: unit('52', 2025),
    read: 'UNIT_NOT_WHOLLY_HELD',
    write: 'UNIT_NOT_WHOLLY_HELD',
  },
  {
    name: 'a 2020 Gia Lai commune the mapping does not place (Tân Sơn, merged away before 2025), from a 2025 commune',
    agency: agency('23563', 2025),
    target: unit('23593', 2020),
    read: 'OUTSIDE_JURISDICTION',
    write: 'OUTSIDE_JURISDICTION',
  },
  {
    name: 'the same commune from the 2025 province',
    agency: GIA_LAI_2025,
    target: unit('23593', 2020),
    read: 'held-whole',
    write: 'held-whole',
  },
];

const actorWith = (agencyOf: ActingAgency, role: Role): Actor => ({ agency: agencyOf, roles: [role] });
const outcome = (decision: ReturnType<typeof decideJurisdiction>): Outcome =>
  decision.allowed ? decision.basis : decision.code;

describe('jurisdiction: role × route × unit', () => {
  const routes = Object.keys(ROUTE_PERMISSIONS) as AgencyRouteKey[];
  for (const c of CASES) {
    for (const route of routes) {
      const permission = ROUTE_PERMISSIONS[route];
      // an own-unit route acts on the caller's unit whatever the request names
      const own = permission.target === 'own-unit';
      const target = own ? unit(c.agency.unit, c.agency.vintage) : c.target;
      for (const role of ROLES) {
        it(`${c.name}: ${role} on ${route}`, () => {
          const decision = authorizeRoute(actorWith(c.agency, role), route, target, unitRegistry);
          let expected: Outcome;
          if (!c.agency.active) expected = 'AGENCY_DISABLED';
          else if (!(permission.roles as readonly Role[]).includes(role)) expected = 'ROLE_MISSING';
          else if (own) expected = 'own-unit';
          else expected = WRITE_ROLES.has(role) ? c.write : c.read;
          expect(outcome(decision)).toBe(expected);
        });
      }
    }
  }
});

describe('jurisdiction beyond the table', () => {
  const platform = agency(COUNTRY, 2025, { kind: 'platform', code: 'PLATFORM' });

  it('lets the platform agency act on reference data and operations everywhere, in both vintages', () => {
    const actor: Actor = { agency: platform, roles: ['platform', 'viewer', 'reviewer'] };
    for (const target of [unit('64', 2020), unit('23593', 2020), unit('52', 2025), unit(COUNTRY, 2020)]) {
      expect(outcome(decideJurisdiction(actor, 'platform', target, unitRegistry))).toBe('platform');
    }
    expect(outcome(decideJurisdiction(actor, 'platform', unit('64', 2025), unitRegistry))).toBe(
      'UNIT_UNKNOWN',
    );
  });

  it('never lets the platform agency review, approve, upload or view personal data, even given the role', () => {
    const actor: Actor = { agency: platform, roles: [...ROLES] };
    for (const role of ['uploader', 'reviewer', 'approver', 'viewer'] as const) {
      expect(outcome(decideJurisdiction(actor, role, unit('23557', 2020), unitRegistry))).toBe(
        'PLATFORM_NO_PERSONAL_DATA',
      );
    }
  });

  it('refuses the platform role to any other agency', () => {
    const actor: Actor = { agency: GIA_LAI_2025, roles: ['platform'] };
    expect(outcome(decideJurisdiction(actor, 'platform', unit('52', 2025), unitRegistry))).toBe(
      'PLATFORM_ROLE_OUTSIDE_PLATFORM',
    );
  });

  it('lets a national agency (unit VN) act on every unit of both vintages', () => {
    const actor: Actor = { agency: agency(COUNTRY, 2025), roles: ['viewer', 'reviewer'] };
    expect(outcome(decideJurisdiction(actor, 'reviewer', unit('23557', 2020), unitRegistry))).toBe('country');
    expect(outcome(decideJurisdiction(actor, 'viewer', unit('52', 2025), unitRegistry))).toBe('country');
    expect(outcome(decideJurisdiction(actor, 'viewer', unit(COUNTRY, 2020), unitRegistry))).toBe('own-unit');
  });

  it('leaves the one commune the mapping moves across provinces to a national agency for writes', () => {
    // 2020 Xã Tân Phú (30622, An Giang 89) went whole into Xã Tân Phú Trung (30259) of 2025 Đồng Tháp (82)
    for (const province of ['82', '91']) {
      const actor: Actor = { agency: agency(province, 2025), roles: ['reviewer'] };
      expect(outcome(decideJurisdiction(actor, 'reviewer', unit('30622', 2020), unitRegistry))).toBe(
        'UNIT_NOT_WHOLLY_HELD',
      );
    }
    const commune: Actor = { agency: agency('30259', 2025), roles: ['reviewer'] };
    expect(outcome(decideJurisdiction(commune, 'reviewer', unit('30622', 2020), unitRegistry))).toBe(
      'held-whole',
    );
  });

  it('lets the agency of a 2025 island zone act on the island district it was (Côn Đảo 755)', () => {
    const actor: Actor = { agency: agency('26732', 2025), roles: ['reviewer'] };
    expect(outcome(decideJurisdiction(actor, 'reviewer', unit('755', 2020), unitRegistry))).toBe(
      'held-whole',
    );
  });

  it('refuses an unknown unit, and an agency whose unit its vintage does not know', () => {
    const actor: Actor = { agency: PLEIKU_2020, roles: ['viewer'] };
    expect(outcome(decideJurisdiction(actor, 'viewer', unit('99999', 2020), unitRegistry))).toBe(
      'UNIT_UNKNOWN',
    );
    // 622 is Pleiku only in 2020
    expect(outcome(decideJurisdiction(actor, 'viewer', unit('622', 2025), unitRegistry))).toBe(
      'UNIT_UNKNOWN',
    );
    const stale: Actor = { agency: agency('622', 2025), roles: ['viewer'] };
    expect(outcome(decideJurisdiction(stale, 'viewer', unit('23575', 2025), unitRegistry))).toBe(
      'AGENCY_UNIT_UNKNOWN',
    );
  });

  it("decides the agency's own unit with no unit data, as the split does", () => {
    const uploader: Actor = { agency: PLEIKU_2020, roles: ['uploader'] };
    expect(decideOwnUnit(uploader, 'uploader')).toEqual({ allowed: true, basis: 'own-unit' });
    expect(decideOwnUnit({ ...uploader, agency: { ...PLEIKU_2020, active: false } }, 'uploader')).toEqual({
      allowed: false,
      code: 'AGENCY_DISABLED',
    });
    expect(decideOwnUnit({ agency: PLEIKU_2020, roles: ['viewer'] }, 'uploader')).toEqual({
      allowed: false,
      code: 'ROLE_MISSING',
    });
    expect(decideOwnUnit({ agency: platform, roles: ['uploader'] }, 'uploader')).toEqual({
      allowed: false,
      code: 'PLATFORM_NO_PERSONAL_DATA',
    });
  });

  it('lets a route pass on any of its roles, and names the first denial of a role held', () => {
    const both: Actor = { agency: PLEIKU_2020, roles: ['viewer', 'uploader'] };
    expect(outcome(authorizeRoute(both, 'GET /batches/{batchId}', unit('23557', 2020), unitRegistry))).toBe(
      'below',
    );
    expect(outcome(authorizeRoute(both, 'GET /batches/{batchId}', unit('623', 2020), unitRegistry))).toBe(
      'OUTSIDE_JURISDICTION',
    );
    expect(outcome(authorizeRoute(both, 'GET /review', unit('622', 2020), unitRegistry))).toBe(
      'ROLE_MISSING',
    );
  });

  it('has a Vietnamese and an English message and an HTTP status for every denial', () => {
    for (const [code, message] of Object.entries(JURISDICTION_CODES)) {
      expect(message.vi.length, code).toBeGreaterThan(10);
      expect(message.en.length, code).toBeGreaterThan(10);
      expect(message.vi, code).not.toBe(message.en);
    }
    expect(Object.keys(JURISDICTION_STATUS).sort()).toEqual(Object.keys(JURISDICTION_CODES).sort());
  });
});

describe('docs/jurisdiction.md', () => {
  // table cells compared with their padding folded, so a formatter may align the columns
  const page = readFileSync(new URL('../../docs/jurisdiction.md', import.meta.url), 'utf8').replace(
    / {2,}/g,
    ' ',
  );

  it('lists every denial with its status and messages', () => {
    for (const [code, { vi, en }] of Object.entries(JURISDICTION_CODES)) {
      const status = JURISDICTION_STATUS[code as JurisdictionCode];
      expect(page, code).toContain(`| \`${code}\` | ${status} | ${vi} | ${en} |`);
    }
  });

  it('lists every route with its roles and target', () => {
    for (const [route, { roles, target }] of Object.entries(ROUTE_PERMISSIONS)) {
      const cells = roles.map((role) => `\`${role}\``).join(', ');
      expect(page, route).toContain(`| \`${route}\` | ${cells} | \`${target}\` |`);
    }
  });
});
