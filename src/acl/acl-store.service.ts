import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Transactions } from '../database/transactions';
import { Clock } from '../common/clock';
import { DomainException, RecordNotFoundException, FormValidationException } from '../common/domain.exception';
import { AclDeployment } from './acl-deployment.entity';
import { aclFromForm } from './acl-form';
import { columnsOf, compareWithDeployed, definitionOf, engineAclOf, exportRecordOf, type AclDeployState, type DeployComparison } from './acl-record';
import { StoredAcl } from './acl.entity';
import { DeployedAclCache } from './deployed-acl-cache';
import type { AclFormDto } from './dto/acl-form.dto';
import { aclWarnings, AclCompileError, compareCodePoints, compileAcls, sortAclsForEvaluation, validateAclDefinitions, type Acl, type CompiledAclSet } from './engine';
import { parseAclYaml } from './yaml/acl-yaml';
import { exportAclsToYaml } from './yaml/acl-yaml-export';

export interface AclImportResult {
  readonly added: string[];
  readonly updated: string[];
  /** Valid but surprising ACLs (OR-ed negations, name order), as for the editor. */
  readonly warnings: string[];
}

export interface AclDeployStatus {
  readonly lastDeployment?: { readonly id: number; readonly deployedBy: string; readonly deployedAt: Date; readonly count: number };
  readonly comparison: DeployComparison;
}

/** Who did it when nobody is logged in. */
export const CLI_ACTOR = 'cli';

/**
 * ACL drafts (CRUD, import, export) and deployment (ACL-SEMANTICS.md §3-§4). Only a deploy
 * changes what the engine runs on; every app instance reads the newest deployment.
 */
@Injectable()
export class AclStoreService {
  private readonly cache: DeployedAclCache;

  constructor(
    @InjectRepository(StoredAcl) private readonly acls: Repository<StoredAcl>,
    @InjectRepository(AclDeployment) private readonly deployments: Repository<AclDeployment>,
    private readonly transactions: Transactions,
    clock: Clock,
  ) {
    this.cache = new DeployedAclCache(
      {
        latestId: async () => (await this.latestDeployment(false))?.id ?? null,
        load: async (id) => parseSnapshot((await this.deployments.findOneByOrFail({ id })).acls),
      },
      () => clock.now(),
    );
  }

  /** All drafts in evaluation order (code points of the name, §5.2). */
  async list(): Promise<StoredAcl[]> {
    return (await this.acls.find()).sort((a, b) => compareCodePoints(a.name, b.name));
  }

  async get(id: number): Promise<StoredAcl> {
    const acl = await this.acls.findOneBy({ id });
    if (!acl) throw new RecordNotFoundException('acl.error.notFound');
    return acl;
  }

  async create(form: AclFormDto, actor: string): Promise<StoredAcl> {
    const acl = checkedForm(form);
    await this.assertNameFree(acl.Name);
    return this.acls.save(this.acls.create({ ...columnsOf(acl), createdBy: actor, changedBy: actor }));
  }

  async update(id: number, form: AclFormDto, actor: string): Promise<StoredAcl> {
    const row = await this.get(id);
    const acl = checkedForm(form);
    await this.assertNameFree(acl.Name, id);
    return this.acls.save(Object.assign(row, columnsOf(acl), { changedBy: actor }));
  }

  /** As in OTRS, only an ACL that is not valid may be deleted (ADM:651); it leaves the engine at the next deploy. */
  async delete(id: number): Promise<StoredAcl> {
    const row = await this.get(id);
    if (row.validId === 1) throw new DomainException('acl.error.deleteValid', undefined, { name: row.name });
    await this.acls.delete({ id });
    return row;
  }

  /**
   * Imports an ACL export: all ACLs or none. A name that exists (ignoring case) is replaced
   * in place when `overwrite` is set, else the import is refused naming every such ACL.
   */
  async importYaml(input: string | Uint8Array, options: { overwrite: boolean; actor: string }): Promise<AclImportResult> {
    const parsed = parseAclYaml(input);
    if (!parsed.ok) {
      throw new DomainException('acl.error.importInvalid', 'yaml', { count: parsed.errors.length, problems: parsed.errors.join('\n') });
    }
    return this.transactions.run(async (manager) => {
      const repository = manager.getRepository(StoredAcl);
      const byName = new Map((await repository.find()).map((row) => [row.name.toLowerCase(), row]));
      const existing = parsed.acls.flatMap((acl) => byName.get(acl.Name.toLowerCase()) ?? []);
      if (existing.length > 0 && !options.overwrite) {
        throw new DomainException('acl.error.namesExist', 'yaml', { names: existing.map((row) => `"${row.name}"`).join(', ') });
      }
      const result: AclImportResult = { added: [], updated: [], warnings: parsed.warnings };
      for (const acl of parsed.acls) {
        const row = byName.get(acl.Name.toLowerCase());
        // Overwrite takes every field from the file, as OTRS does: a missing section is cleared.
        if (row) await repository.save(Object.assign(row, columnsOf(acl), { changedBy: options.actor }));
        else await repository.save(repository.create({ ...columnsOf(acl), createdBy: options.actor, changedBy: options.actor }));
        (row ? result.updated : result.added).push(acl.Name);
      }
      return result;
    });
  }

  /** The export file of all ACLs (valid or not, as OTRS exports them), or of the given ids. */
  async exportYaml(ids?: readonly number[]): Promise<string> {
    const rows = ids ? await this.acls.findBy({ id: In([...ids]) }) : await this.acls.find();
    if (ids && rows.length !== new Set(ids).size) throw new DomainException('acl.error.notFound');
    return exportAclsToYaml(rows.sort((a, b) => compareCodePoints(a.name, b.name)).map(exportRecordOf));
  }

  /** Checks and compiles the valid drafts, then makes them the deployed set of every instance. */
  async deploy(actor: string): Promise<{ count: number }> {
    const checked = validateAclDefinitions((await this.acls.find()).map(definitionOf));
    if (!checked.ok) throw new DomainException('acl.error.deployInvalid', undefined, { problems: checked.errors.join('; ') });
    const valid = sortAclsForEvaluation(checked.acls.filter((acl) => acl.ValidID === 1));
    try {
      compileAcls(valid);
    } catch (error) {
      if (error instanceof AclCompileError) throw new DomainException('acl.error.deployInvalid', undefined, { problems: error.message });
      throw error;
    }
    const row = await this.deployments.save(this.deployments.create({ acls: JSON.stringify(valid), deployedBy: actor }));
    this.cache.replace(row.id, valid);
    return { count: valid.length };
  }

  /** The deployed set, compiled; less than a second behind a deploy made by another instance. */
  deployedSet(): Promise<CompiledAclSet> {
    return this.cache.get();
  }

  /** The valid drafts as they would run after a deploy (for the simulator). */
  async draftSet(): Promise<CompiledAclSet> {
    return compileAcls((await this.acls.find()).map(engineAclOf));
  }

  /** The list screen: drafts in evaluation order with their deploy state, the last deploy, and warnings. */
  async overview(): Promise<{ acls: (StoredAcl & { deployState?: AclDeployState })[]; status: AclDeployStatus; warnings: string[] }> {
    const rows = await this.list();
    const status = await this.deployStatus(rows);
    return {
      acls: rows.map((row) => Object.assign(row, { deployState: status.comparison.states.get(row.name) })),
      status,
      warnings: aclWarnings(rows.map(engineAclOf)),
    };
  }

  /** When and by whom the last deploy was made, and how the drafts differ from it. */
  async deployStatus(drafts?: readonly StoredAcl[]): Promise<AclDeployStatus> {
    const latest = await this.latestDeployment(true);
    const deployed = latest ? parseSnapshot(latest.acls) : [];
    const comparison = compareWithDeployed((drafts ?? (await this.acls.find())).map(engineAclOf), deployed);
    if (!latest) return { comparison };
    return { comparison, lastDeployment: { id: latest.id, deployedBy: latest.deployedBy, deployedAt: latest.deployedAt, count: deployed.length } };
  }

  private async latestDeployment(withAcls: boolean): Promise<AclDeployment | undefined> {
    // Only the id when checking for news: the snapshot is read when it changed.
    const [latest] = await this.deployments.find({ order: { id: 'DESC' }, take: 1, select: withAcls ? undefined : { id: true } });
    return latest;
  }

  /** Unique ignoring case (DB:142-163), compared the same way as import does (not SQL LOWER, which is ASCII-only on SQLite). */
  private async assertNameFree(name: string, exceptId?: number): Promise<void> {
    const folded = name.toLowerCase();
    const existing = (await this.acls.find({ select: { id: true, name: true } })).find((row) => row.name.toLowerCase() === folded);
    if (existing && existing.id !== exceptId) throw new DomainException('acl.error.nameTaken', 'name', { name });
  }
}

function checkedForm(form: AclFormDto): Acl {
  const result = aclFromForm(form);
  if (!result.ok) throw new FormValidationException(result.errors);
  return result.acl;
}

function parseSnapshot(json: string): Acl[] {
  return JSON.parse(json) as Acl[];
}
