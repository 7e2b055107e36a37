import { IsOptional, IsString } from 'class-validator';

// The zoom's forms. Values are checked by the service, after it has checked the agent's rights:
// an agent who may not act gets 403, not a validation message.

/** Reply and note. */
export class ArticleTextDto {
  @IsOptional()
  @IsString()
  body?: string;

  /** The form's one-time key (idempotent sends). */
  @IsOptional()
  @IsString()
  formKey?: string;

  /** Reply only: `tweet` or `dm`. */
  @IsOptional()
  @IsString()
  channel?: string;

  /** Reply only: the next state (OTRS's compose "Next state"). */
  @IsOptional()
  @IsString()
  state?: string;

  /** Reply only: the pending time for a pending next state, `datetime-local` in the agent's zone. */
  @IsOptional()
  @IsString()
  pendingUntil?: string;
}

export class OwnerDto {
  @IsOptional()
  @IsString()
  ownerId?: string;
}
