import { VALIDITIES } from './validity';

/** Select options for a validity field, labelled by catalog key. */
export const VALIDITY_OPTIONS = VALIDITIES.map((value) => ({ value, label: `validity.${value}` }));
