import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../database/row-times';

/**
 * One press of "Deploy ACLs": the valid ACLs at that moment, in engine shape, as JSON text.
 * The row with the highest id is what the engine runs on, in every app instance.
 */
@Entity({ name: 'acl_deployments' })
export class AclDeployment {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'acls', type: 'text' })
  acls: string;

  @Column({ name: 'deployed_by', type: 'varchar', length: 200 })
  deployedBy: string;

  @CreatedAtColumn('deployed_at')
  deployedAt: number;
}
