import { IsIn, IsOptional, IsString } from 'class-validator';
import { CheckboxField } from '../../common/dto/checkbox-field';
import type { AclImportMode } from '../acl-store.service';

export const ACL_IMPORT_MODES: readonly AclImportMode[] = ['add', 'overwrite', 'replaceAll'];

/**
 * Pasted YAML (an OTRS/Znuny ACL export) and what happens to ACLs that exist. The export may come
 * as uploaded files instead (acl-upload.ts); then the text may be empty.
 */
export class AclImportDto {
  @IsOptional()
  @IsString()
  yaml?: string;

  @IsOptional()
  @IsIn(ACL_IMPORT_MODES, { message: 'validation.choose' })
  mode?: AclImportMode;

  /** The checkbox of earlier forms (and of OTRS): same as mode=overwrite. */
  @CheckboxField()
  overwrite: boolean;
}
