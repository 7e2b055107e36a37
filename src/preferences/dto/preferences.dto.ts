import { IsIn } from 'class-validator';
import { LANGUAGES, type Language } from '../../i18n/languages';

export class PreferencesDto {
  @IsIn(LANGUAGES, { message: 'validation.choose' })
  language: Language;
}
