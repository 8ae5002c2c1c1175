export declare const SERVE_VALUE_FLAGS: ReadonlySet<string>;
export declare function isServe(argv: string[]): boolean;
