import { IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../../agents/dto/agent-form.dto';

/** Preferences → change password. Passwords are never trimmed: every character counts. */
export class ChangePasswordDto {
  @IsString({ message: 'validation.required' })
  @IsNotEmpty({ message: 'validation.required' })
  currentPassword: string;

  @IsString({ message: 'validation.required' })
  @MinLength(MIN_PASSWORD_LENGTH, { message: 'validation.minLength|min=$constraint1' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  newPassword: string;

  @IsString({ message: 'validation.required' })
  @IsNotEmpty({ message: 'validation.required' })
  newPasswordRepeat: string;
}
