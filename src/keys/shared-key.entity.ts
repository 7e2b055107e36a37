import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Keys every app instance on this database shares by design: the cookie-signing secret (encrypted
 * with SECRETS_KEY) and the check value that tells whether an instance's SECRETS_KEY is the right one.
 */
@Entity({ name: 'shared_keys' })
export class SharedKey {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'value', type: 'text' })
  value: string;
}
