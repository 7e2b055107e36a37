import type { FieldError } from '../common/form-state';

// The simulator's options box: one option per line, `key=value`, or just `key` when both are the
// same (profile ids). Order is kept: the answer lists the remaining keys in this order.

export type SimulatorOptionsResult = { readonly ok: true; readonly options: Map<string, string> } | { readonly ok: false; readonly error: FieldError };

export const SIMULATOR_MAX_OPTIONS = 500;

export function parseSimulatorOptions(text: string): SimulatorOptionsResult {
  const options = new Map<string, string>();
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length === 0) return { ok: false, error: { key: 'validation.required' } };
  if (lines.length > SIMULATOR_MAX_OPTIONS) return { ok: false, error: { key: 'acl.simulate.error.tooMany', params: { max: SIMULATOR_MAX_OPTIONS } } };
  for (const line of lines) {
    const eq = line.indexOf('=');
    const key = (eq === -1 ? line : line.slice(0, eq)).trim();
    const value = eq === -1 ? key : line.slice(eq + 1).trim();
    if (key === '') return { ok: false, error: { key: 'acl.simulate.error.badLine', params: { line } } };
    if (options.has(key)) return { ok: false, error: { key: 'acl.simulate.error.duplicateKey', params: { key } } };
    options.set(key, value);
  }
  return { ok: true, options };
}
