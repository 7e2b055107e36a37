import { Injectable } from '@nestjs/common';

/** Time as a dependency, so rules about "within 15 minutes" can be tested without waiting. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
