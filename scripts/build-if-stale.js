#!/usr/bin/env node
// `npm start` runs this first: compile only when the sources differ from what dist/ was built from.
// A content hash (not mtimes) decides, so a checkout or a copy that touches every file costs nothing
// when nothing changed, and an edit anywhere in src/ always rebuilds.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const stampFile = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json'];

function* files(path) {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) yield* files(join(path, name));
  } else if (!path.endsWith('.spec.ts')) {
    yield path;
  }
}

const hash = createHash('sha256');
for (const input of inputs) {
  for (const file of files(join(root, input))) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
}
const digest = hash.digest('hex');
const built = existsSync(join(root, 'dist', 'src', 'main.js')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest;
// The pages' twitter-text bundle (public/vendor/), rebuilt only when missing or from another version.
require('./bundle-vendor.js')
  .ensureVendorBundle()
  .then(() => built || build())
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });

function build() {
  console.error('Building (sources changed since the last build)…');
  const nest = join(root, 'node_modules', '.bin', 'nest');
  const result = spawnSync(nest, ['build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampFile, digest);
}
