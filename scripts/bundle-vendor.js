#!/usr/bin/env node
// Bundles twitter-text (X's own library for the weighted tweet length, docs/SEARCH-AND-MEDIA.md)
// for the browser into public/vendor/twitter-text.js, served like every other file in public/
// (no CDN: the CSP allows scripts from this origin only). The npm package ships CommonJS files
// only, so webpack (installed with @nestjs/cli) bundles it once per installed version.
// Run by `npm run build`, `npm start` (scripts/build-if-stale.js) and the test suites' setup.
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const target = join(root, 'public', 'vendor', 'twitter-text.js');

function banner() {
  const version = require(join(root, 'node_modules', 'twitter-text', 'package.json')).version;
  return `/*! twitter-text ${version} (Apache-2.0, https://github.com/twitter/twitter-text), bundled by scripts/bundle-vendor.js */\n`;
}

function isCurrent() {
  return existsSync(target) && readFileSync(target, 'utf8').startsWith(banner());
}

/** Builds the bundle unless the one on disk was built from the installed version. */
function ensureVendorBundle() {
  if (isCurrent()) return Promise.resolve(false);
  const webpack = require('webpack');
  const outDir = join(root, 'node_modules', '.cache', 'socialdesk-vendor');
  return new Promise((resolve, reject) => {
    webpack(
      {
        mode: 'production',
        context: root,
        entry: require.resolve('twitter-text', { paths: [root] }),
        output: { path: outDir, filename: 'twitter-text.js', library: { name: 'twttr', type: 'umd' }, globalObject: 'this' },
        target: ['web', 'es2017'],
        performance: { hints: false },
        // Licence comments stay in the bundle instead of a LICENSE.txt beside it.
        optimization: { minimizer: [new (require('terser-webpack-plugin'))({ extractComments: false })] },
      },
      (error, stats) => {
        if (error || stats.hasErrors()) return reject(error ?? new Error(stats.toString('errors-only')));
        mkdirSync(join(root, 'public', 'vendor'), { recursive: true });
        writeFileSync(target, banner() + readFileSync(join(outDir, 'twitter-text.js'), 'utf8'));
        resolve(true);
      },
    );
  });
}

module.exports = { ensureVendorBundle, VENDOR_TWITTER_TEXT: target };

if (require.main === module) {
  ensureVendorBundle().then(
    (built) => console.error(built ? `Bundled ${target}` : `${target} is up to date`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
