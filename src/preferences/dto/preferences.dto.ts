import { IsIn, IsOptional, IsString } from 'class-validator';
import { LANGUAGES, type Language } from '../../i18n/languages';

export class PreferencesDto {
  @IsIn(LANGUAGES, { message: 'validation.choose' })
  language: Language;

  /** An IANA zone, checked against the runtime's zones by AgentsService.setPreferences; absent: unchanged. */
  @IsOptional()
  @IsString({ message: 'validation.choose' })
  timeZone?: string;
}
