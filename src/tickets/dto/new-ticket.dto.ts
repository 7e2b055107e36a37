import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { EmptyAsUndefined, Trim } from '../../common/dto/transforms';

export const NEW_TICKET_TYPES = ['tweet', 'dm'] as const;

/** A new outgoing tweet or DM. The text's limit depends on the type, so the service checks it. */
export class NewTicketDto {
  @EmptyAsUndefined()
  @Type(() => Number)
  @IsInt({ message: 'validation.choose' })
  @Min(1, { message: 'validation.choose' })
  profileId: number;

  @EmptyAsUndefined()
  @Type(() => Number)
  @IsInt({ message: 'validation.choose' })
  @Min(1, { message: 'validation.choose' })
  queueId: number;

  @IsIn(NEW_TICKET_TYPES, { message: 'validation.choose' })
  type: (typeof NEW_TICKET_TYPES)[number];

  /** The recipient's @handle, looked up on X when the ticket is created (required for a DM). */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/^@/, '') : value))
  @EmptyAsUndefined()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_]{1,15}$/, { message: 'compose.error.handle' })
  recipient?: string;

  @Trim()
  @IsOptional()
  @MaxLength(255, { message: 'validation.maxLength|max=$constraint1' })
  title?: string;

  /** Required here, so that an empty text is marked with the form's other mistakes; its length depends on the type (the service). */
  @IsString({ message: 'validation.required' })
  @Matches(/\S/, { message: 'validation.required' })
  body: string;

  /** The form's one-time key (idempotent sends); checked by the service. */
  @IsOptional()
  @IsString()
  formKey?: string;
}
