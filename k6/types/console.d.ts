// k6 gives every script a console (log, info, warn, error, debug), but @types/k6 does not declare it, and the DOM
// library that would brings browser globals k6 does not have.
declare const console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};
