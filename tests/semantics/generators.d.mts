// Types of the scenarios in generators.mjs (each runs inside a capture and resolves when done).
export declare function asyncReturned(): Promise<void>;
export declare function asyncReturnedSpanOpen(): Promise<void>;
export declare function asyncReturnedCreatedInWith(): Promise<void>;
export declare function asyncConsumedInside(): Promise<void>;
export declare function asyncReturnedBound(): Promise<void>;
export declare function syncReturned(): Promise<void>;
export declare function syncConsumedInside(): Promise<void>;
export declare function asyncReturnedInContext(): Promise<void>;
