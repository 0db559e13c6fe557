/** The wgno package version (kept equal to package.json's by test/version.test.ts). */
export const version = '0.1.0';
