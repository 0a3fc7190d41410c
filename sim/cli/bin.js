#!/usr/bin/env node
// The package runs from its TypeScript sources: tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
