// Exported C types share one namespace across modules. Expected diagnostics at the end of the line.
import { Twin as OtherTwin } from './more/twin.ts';

export class Twin {} // FW5001

export function both(a: Twin, b: OtherTwin): void {}
