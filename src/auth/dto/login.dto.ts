import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { Trim } from '../../common/dto/transforms';

export class LoginDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  login: string;

  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(1000, { message: 'validation.maxLength|max=$constraint1' })
  password: string;

  @IsOptional()
  @IsString()
  next?: string;
}
