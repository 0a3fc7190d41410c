export * from './verdict-policy.ts';
