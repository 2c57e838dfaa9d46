/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- a CommonJS require hook that node loads before any TypeScript */
/**
 * Lets a child `node` process run the TypeScript sources directly (the CLI entry in tests):
 * `node -r ./test/integration/pipeline/swc-register.js src/cli/main.ts …`. Uses the same SWC
 * that jest uses; no build step, no test-only code in src/.
 */
const fs = require('node:fs');
const swc = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
