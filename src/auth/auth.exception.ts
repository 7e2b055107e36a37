import { DomainException } from '../common/domain.exception';

export class LoginRefusedException extends DomainException {}
