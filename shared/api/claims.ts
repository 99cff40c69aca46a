// What the tokens of people and machines carry (docs/operations.md "Who gets in"): the same names in Cognito, the
// local sign-in stand-in and the functions that read them.

/** The custom attribute of a person: the code of the agency they act for. */
export const AGENCY_CLAIM = 'custom:agency';
/** A person's roles: their Cognito groups. */
export const GROUPS_CLAIM = 'cognito:groups';

/** The resource server of the agencies' systems, and its scopes (`dancu/upload`, `dancu/read`). */
export const RESOURCE_SERVER = 'dancu';
export const MACHINE_SCOPES = {
  upload: 'Ask for upload addresses under the agency’s own prefix',
  read: 'Read the agency’s batches and their reports',
} as const;
export type MachineScope = keyof typeof MACHINE_SCOPES;
