import { readFileSync } from 'fs';
import { parseAclYaml } from './acl-yaml';
import { exportAclsToYaml } from './acl-yaml-export';
const r = parseAclYaml(readFileSync('/work/main/acl-examples/TwitterAccessRestriction.yml'));
console.log(JSON.stringify(r, null, 1));
if (r.ok) console.log(exportAclsToYaml(r.acls.map(a => ({...a, ID: 2, CreateTime: new Date()}))));
