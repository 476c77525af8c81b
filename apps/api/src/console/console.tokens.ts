/** Where the built console lives (dist/console); tests may point it elsewhere. */
export const CONSOLE_DIR = Symbol('CONSOLE_DIR');
