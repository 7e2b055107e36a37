import { Injectable } from '@nestjs/common';
import type { FieldError } from '../common/form-state';
import { AgentsService } from '../users/agents.service';
import { defaultMatchOn } from './acl-agent-context';
import { engineRequestFor } from './acl-filter.service';
import { parseSimulatorOptions } from './acl-simulator';
import { AclStoreService } from './acl-store.service';
import { AclFieldError, explainPossibleOptions, parseAclField, type AclMatchOn } from './engine';

/** The simulator form as it arrives in the query string (a GET form: asking changes nothing). */
export interface SimulationQuery {
  agentId?: unknown;
  field?: unknown;
  matchOn?: unknown;
  options?: unknown;
  action?: unknown;
  set?: unknown;
}

export interface SimulationResult {
  readonly applied: boolean;
  readonly superuser: boolean;
  readonly appliedAcls: string[];
  /** The same names, joined for a sentence. */
  readonly appliedAclNames: string;
  readonly options: { key: string; value: string; allowed: boolean }[];
  readonly remaining: number;
}

export interface Simulation {
  readonly values: { agentId: string; field: string; matchOn: string; options: string; action: string; set: string };
  readonly errors: Record<string, FieldError>;
  readonly agentOptions: { value: number; name: string }[];
  readonly result?: SimulationResult;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Answers "what would agent X see in field Y" with the deployed set or the drafts, naming the ACLs that applied. */
@Injectable()
export class AclSimulatorService {
  constructor(
    private readonly store: AclStoreService,
    private readonly agents: AgentsService,
  ) {}

  async simulate(query: SimulationQuery): Promise<Simulation> {
    const field = text(query.field).trim() || 'Ticket.TwitterProfileID';
    const values = {
      agentId: text(query.agentId),
      field,
      matchOn: text(query.matchOn) || defaultMatchOn(field),
      options: text(query.options),
      action: text(query.action).trim(),
      set: text(query.set) || 'deployed',
    };
    const agentOptions = (await this.agents.list()).filter((a) => a.validity === 'valid').map((a) => ({ value: a.id, name: `${a.login} (${a.name})` }));
    // Nothing asked yet: show the empty form.
    if (query.agentId === undefined) return { values, errors: {}, agentOptions };

    const errors: Record<string, FieldError> = {};
    const agent = /^\d+$/.test(values.agentId) ? await this.agents.findCurrentAgent(Number(values.agentId)) : undefined;
    if (!agent) errors.agentId = { key: 'validation.choose' };
    try {
      parseAclField(field);
    } catch (error) {
      if (!(error instanceof AclFieldError)) throw error;
      errors.field = { key: 'acl.simulate.error.field' };
    }
    if (values.matchOn !== 'key' && values.matchOn !== 'value') errors.matchOn = { key: 'validation.choose' };
    if (values.set !== 'deployed' && values.set !== 'drafts') errors.set = { key: 'validation.choose' };
    if (values.action.length > 200) errors.action = { key: 'validation.maxLength', params: { max: 200 } };
    const options = parseSimulatorOptions(values.options);
    if (!options.ok) errors.options = options.error;
    if (!agent || !options.ok || Object.keys(errors).length > 0) return { values, errors, agentOptions };

    const set = values.set === 'drafts' ? await this.store.draftSet() : await this.store.deployedSet();
    const request = engineRequestFor({ agent, field, options: options.options, matchOn: values.matchOn as AclMatchOn, action: values.action || undefined });
    const explanation = explainPossibleOptions(set, request);
    const allowed = new Set(explanation.allowedKeys);
    return {
      values,
      errors,
      agentOptions,
      result: {
        applied: explanation.applied,
        superuser: request.superuser === true,
        appliedAcls: explanation.appliedAcls,
        appliedAclNames: explanation.appliedAcls.join(', '),
        options: [...options.options].map(([key, value]) => ({ key, value, allowed: allowed.has(key) })),
        remaining: allowed.size,
      },
    };
  }
}
