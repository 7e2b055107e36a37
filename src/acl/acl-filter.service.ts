import { Injectable } from '@nestjs/common';
import { agentAclContext, defaultMatchOn, isAclSuperuser, type AgentAclInput } from './acl-agent-context';
import { AclStoreService } from './acl-store.service';
import { AgentAclView, type AgentAclViewInput } from './agent-acl-view';
import { possibleOptions, type AclEvaluation, type AclMatchOn, type PossibleOptionsRequest } from './engine';

export interface AllowedOptionsRequest extends AgentAclInput {
  /** `Ticket.TwitterProfileID`, `Ticket.Queue`, `Action`, … */
  readonly field: string;
  /** Every option the screen would offer, key → value, in display order. */
  readonly options: ReadonlyMap<string, string>;
  /** Default: keys for Ticket.TwitterProfileID (ids), values (names) for everything else. */
  readonly matchOn?: AclMatchOn;
}

/** The engine request for an agent on a screen: full context, per-field comparison, the superuser rule. */
export function engineRequestFor(request: AllowedOptionsRequest): PossibleOptionsRequest {
  const { current, stored } = agentAclContext(request);
  return {
    field: request.field,
    options: request.options,
    matchOn: request.matchOn ?? defaultMatchOn(request.field),
    current,
    stored,
    superuser: isAclSuperuser(request.agent),
  };
}

/**
 * What the rest of the app asks: which options may this agent see and use, under the deployed
 * ACLs. Use it when rendering a choice and again when the form comes back.
 */
@Injectable()
export class AclFilterService {
  constructor(private readonly store: AclStoreService) {}

  /** The keys that remain selectable, in the order offered; `applied` false means "no ACL restricted this field". */
  async allowedOptions(request: AllowedOptionsRequest): Promise<AclEvaluation> {
    return possibleOptions(await this.store.deployedSet(), engineRequestFor(request));
  }

  /** Whether a submitted choice is allowed: hiding an option is not the only guard (docs/ACL.md, "For the screens"). */
  async isAllowed(request: AllowedOptionsRequest, key: string): Promise<boolean> {
    return (await this.allowedOptions(request)).allowedKeys.includes(key);
  }

  /**
   * What an agent may choose and do on one screen (for one ticket), under the deployed set of this
   * moment: build it once per request, ask it for every option and action the screen offers, and
   * again on submit (docs/ACL.md, "For the screens").
   */
  async forAgent(input: AgentAclViewInput): Promise<AgentAclView> {
    return new AgentAclView(await this.store.deployedSet(), input);
  }
}
