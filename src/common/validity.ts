/** OTRS-style validity: records are never deleted, only made invalid. */
export const VALIDITIES = ['valid', 'invalid', 'invalid-temporarily'] as const;
export type Validity = (typeof VALIDITIES)[number];
