// What the rest of the app uses from the ACL engine. Everything here is pure: no Nest, no database.
export type { Acl, AclConfigChange, AclConfigMatch, AclChangeLists, AclConditions, AclContext, AclContextValue, AclItems, AclMatchOn, AclValidId } from './acl-types';
export { ACL_CONDITION_OBJECTS } from './acl-types';
export {
  AclCompileError,
  AclSetCompiler,
  compileAcls,
  compileAclsInChunks,
  explainPossibleOptions,
  possibleOptions,
  scanPossibleOptions,
  type AclEvaluation,
  type AclExplanation,
  type CompiledAclSet,
  type PossibleOptionsRequest,
} from './acl-engine';
export { parseAclField, AclFieldError } from './acl-field';
export { ACL_IMPORT_MAX_ACLS, AclDefinitionsValidator, validateAclDefinition, validateAclDefinitions, validateAclSection, type AclDefinitionsResult, type AclSectionResult } from './acl-validator';
export { aclSetWarnings, aclWarnings, aclWarningsFor } from './acl-lint';
export { compareCodePoints, sortAclsForEvaluation } from './acl-order';
export { userAclAttributes, DEFAULT_PERMISSION_TYPES, type GroupPermission, type RoleMembership, type UserAclInput } from './acl-user-context';
export {
  answerEvaluateInput,
  answerEvaluateLine,
  answerEvaluateRequest,
  evaluateInputNeedsDeployedSet,
  parseEvaluateRequest,
  AclContractError,
  SUPERUSER_ID,
  type AclEvaluateAnswer,
  type AclEvaluateLine,
  type AclEvaluateRequest,
} from './acl-evaluate-contract';
