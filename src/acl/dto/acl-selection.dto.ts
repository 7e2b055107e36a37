import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Min } from 'class-validator';

/** Ticked ACLs (`id=3&id=8`), as posted by the delete confirmation. */
export class AclSelectionDto {
  @Transform(({ value }) => [value ?? []].flat().map((id: unknown) => (typeof id === 'string' && /^\d{1,9}$/.test(id) ? Number(id) : NaN)))
  @IsArray()
  @ArrayMinSize(1, { message: 'acl.delete.error.noneChosen' })
  @ArrayMaxSize(1000, { message: 'validation.choose' })
  @IsInt({ each: true, message: 'validation.choose' })
  @Min(1, { each: true, message: 'validation.choose' })
  id: number[];
}
