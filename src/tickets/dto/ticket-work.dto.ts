import { IsOptional, IsString } from 'class-validator';

// The zoom's state and move forms. Values are checked by the services after the agent's rights:
// an agent who may not act gets 403, not a validation message.

export class StateChangeDto {
  @IsOptional()
  @IsString()
  state?: string;

  /** `datetime-local`, in the agent's time zone. */
  @IsOptional()
  @IsString()
  pendingUntil?: string;

  /** The quick choice button pressed (without JavaScript). */
  @IsOptional()
  @IsString()
  quick?: string;
}

export class MoveDto {
  @IsOptional()
  @IsString()
  queueId?: string;
}
