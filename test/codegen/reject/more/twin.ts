// The second module of reject/names.ts.
export class Twin {}
