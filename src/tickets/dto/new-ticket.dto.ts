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

  /** The recipient's numeric X user id: an @handle cannot be resolved without calling X. */
  @Trim()
  @EmptyAsUndefined()
  @IsOptional()
  @Matches(/^\d{1,30}$/, { message: 'tickets.error.recipientId' })
  recipientId?: string;

  /** A label for the recipient, shown in the ticket; not used to address the message. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().replace(/^@/, '') : value))
  @EmptyAsUndefined()
  @IsOptional()
  @Matches(/^\w{1,50}$/, { message: 'tickets.error.handle' })
  recipientHandle?: string;

  @Trim()
  @IsOptional()
  @MaxLength(255, { message: 'validation.maxLength|max=$constraint1' })
  title?: string;

  @IsOptional()
  @IsString()
  body?: string;
}
