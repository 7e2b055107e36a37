import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { Checkbox } from '../../common/dto/transforms';

/**
 * Pasted YAML (an OTRS/Znuny ACL export) and whether existing ACLs of the same name are replaced.
 * The export may come as an uploaded file instead (acl-upload.ts); then the text may be empty.
 */
export class AclImportDto {
  @IsOptional()
  @IsString()
  yaml?: string;

  @Checkbox()
  @IsOptional()
  @IsBoolean()
  overwrite?: boolean;
}
