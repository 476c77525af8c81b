/** Types for scripts/test-only-files.mjs (plain JavaScript, run by node without a build). */
export declare const TEST_ONLY_PATTERNS: readonly RegExp[];
export declare function isTestOnly(relativePath: string): boolean;
export declare function testOnlyFiles(root: string): string[];
