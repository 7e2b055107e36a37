import { IsBoolean, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { Checkbox } from '../../common/dto/transforms';

/** Pasted YAML (an OTRS/Znuny ACL export) and whether existing ACLs of the same name are replaced. */
export class AclImportDto {
  @IsString()
  @IsNotEmpty({ message: 'validation.required' })
  yaml: string;

  @Checkbox()
  @IsOptional()
  @IsBoolean()
  overwrite?: boolean;
}
