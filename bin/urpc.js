#!/usr/bin/env node
// The urpc command. Its sources are TypeScript (the FwTS modules run unmodified in Node), loaded
// through tsx's ESM hook.
import { register } from 'tsx/esm/api';

register();
await import('../host/cli/main.ts');
