// @ts-check
// Lint rules for Brook. Besides style, this file enforces ARCHITECTURE.md:
// - the import directions between src/ modules (a module may import only the modules listed
//   for it in MODULE_IMPORTS below);
// - determinism of the pure modules: no wall clock, no Math.random, no timers, no process in
//   raft/, replica/, broker/stm/, cluster/, storage/, protocol/ and util/, and no node
//   I/O in raft/, replica/, storage/, util/, broker/stm/ and cluster/metadata/ (they receive
//   Clock, Random and FileSystem as injected ports so that the simulator can replay a seed).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Which src/ modules each module may import (besides itself). */
const MODULE_IMPORTS = {
  util: [],
  protocol: ['util'],
  storage: ['util', 'protocol'],
  raft: ['util'],
  replica: ['util', 'protocol', 'storage', 'raft'],
  cluster: ['util', 'protocol', 'storage', 'raft', 'replica'],
  broker: ['util', 'protocol', 'storage', 'raft', 'replica', 'cluster'],
  runtime: ['util', 'protocol'],
  server: ['util', 'protocol', 'storage', 'raft', 'replica', 'cluster', 'broker', 'runtime'],
  client: ['util', 'protocol'],
  cli: ['util', 'client', 'server'],
};
const MODULES = Object.keys(MODULE_IMPORTS);

/** Paths that reach another module from inside src/<module>/ (any depth). */
function forbiddenModulePatterns(module) {
  const allowed = new Set([module, ...MODULE_IMPORTS[module]]);
  return MODULES.filter((other) => !allowed.has(other)).map((other) => ({
    group: [`**/${other}/*`, `**/${other}`],
    message: `src/${module} may not import src/${other} (see ARCHITECTURE.md, "Modules").`,
  }));
}

const NODE_IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'http2',
  'dgram',
  'child_process',
  'timers',
  'timers/promises',
  'worker_threads',
  'cluster',
];
const nodeIoPatterns = NODE_IO_MODULES.flatMap((name) => [name, `node:${name}`]);

const deterministicGlobals = [
  { name: 'Date', message: 'Pure modules take time from an injected Clock.' },
  { name: 'setTimeout', message: 'Pure modules are driven by ticks, not timers.' },
  { name: 'setInterval', message: 'Pure modules are driven by ticks, not timers.' },
  { name: 'setImmediate', message: 'Pure modules are driven by ticks, not timers.' },
  { name: 'performance', message: 'Pure modules take time from an injected Clock.' },
  { name: 'process', message: 'Pure modules do not read the process environment.' },
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'src/protocol/gen/**', 'coverage/**', 'data/**'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: true },
      ],
      'no-console': 'error',
    },
  },
  ...MODULES.map((module) => ({
    files: [`src/${module}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbiddenModulePatterns(module) }],
    },
  })),
  {
    files: [
      'src/raft/**/*.ts',
      'src/broker/stm/**/*.ts',
      // The whole cluster layer takes time and timers as ports (Clock, Scheduler).
      'src/cluster/**/*.ts',
      'src/storage/**/*.ts',
      'src/protocol/**/*.ts',
      'src/util/**/*.ts',
    ],
    ignores: ['src/protocol/gen/**'],
    rules: {
      'no-restricted-globals': ['error', ...deterministicGlobals],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Pure modules take randomness from an injected Random.',
        },
      ],
    },
  },
  ...['raft', 'replica', 'storage', 'util'].map((module) => ({
    files: [`src/${module}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIoPatterns.map((name) => ({
            name,
            message: `src/${module} does no I/O of its own: use the injected ports in util/ports.ts.`,
          })),
          patterns: forbiddenModulePatterns(module),
        },
      ],
    },
  })),
  {
    files: ['src/broker/stm/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIoPatterns.map((name) => ({
            name,
            message: 'State machines are pure: no I/O.',
          })),
          patterns: forbiddenModulePatterns('broker'),
        },
      ],
    },
  },
  {
    files: ['src/cluster/metadata/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIoPatterns.map((name) => ({
            name,
            message: 'The metadata state machine is pure: no I/O.',
          })),
          patterns: forbiddenModulePatterns('cluster'),
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '*.config.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
